// The daemon itself: version, uptime, whether DHCP answers and where, and whether this browser
// follows its event stream.
import { ConnectionPill } from '../../components/connection-status.tsx';
import type { DaemonStatusView } from '../../lib/daemon-status.ts';
import { formatRelative, formatTimestamp } from '../../lib/relative-time.ts';
import { Card } from './card.tsx';

export function DaemonCard({
  status,
  since,
  renderedAt,
}: {
  status: DaemonStatusView;
  since: number;
  renderedAt: number;
}) {
  const { dhcp } = status;
  return (
    <Card title="Daemon" testId="daemon-card">
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] items-center gap-x-4 gap-y-2 text-sm">
        <dt className="text-zinc-500 dark:text-zinc-400">Stream</dt>
        <dd>
          <ConnectionPill since={since} testId="daemon-connection" />
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Version</dt>
        <dd data-testid="daemon-version" className="font-mono text-zinc-900 dark:text-zinc-100">
          {status.version || 'unknown'}
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Started</dt>
        <dd className="text-zinc-900 dark:text-zinc-100">
          {status.startedAt === null ? (
            'unknown'
          ) : (
            <time dateTime={new Date(status.startedAt).toISOString()} title={formatTimestamp(status.startedAt)}>
              {formatRelative(status.startedAt, renderedAt)}
            </time>
          )}
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">DHCP</dt>
        <dd data-testid="daemon-dhcp" data-serving={dhcp.serving} className="text-zinc-900 dark:text-zinc-100">
          {dhcp.serving ? (
            <>
              Serving on <span className="font-mono">{dhcp.interfaces.join(', ') || 'relayed traffic only'}</span>
            </>
          ) : (
            <span className="font-medium text-amber-700 dark:text-amber-300">Off (see the notice above)</span>
          )}
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Revision</dt>
        <dd className="font-mono tabular-nums text-zinc-900 dark:text-zinc-100">
          {status.revision.toLocaleString('en')}
        </dd>
      </dl>
    </Card>
  );
}
