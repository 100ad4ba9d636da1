import { StateBadge } from '../../components/state-badge.tsx';
import type { CachedLease } from '../../lib/live/lease-cache.ts';
import { formatRelative, formatTimestamp } from '../../lib/relative-time.ts';

const HEAD = 'px-4 py-2.5 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase';
const CELL = 'px-4 py-2.5 whitespace-nowrap';

export function LeaseTable({ rows, now, filtered }: { rows: CachedLease[]; now: number; filtered: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm" data-testid="lease-table">
        <thead className="bg-zinc-50">
          <tr>
            <th scope="col" className={HEAD}>
              Address
            </th>
            <th scope="col" className={HEAD}>
              State
            </th>
            <th scope="col" className={HEAD}>
              Hostname
            </th>
            <th scope="col" className={HEAD}>
              MAC address
            </th>
            <th scope="col" className={HEAD}>
              Subnet
            </th>
            <th scope="col" className={HEAD}>
              Expires
            </th>
            <th scope="col" className={HEAD}>
              Granted
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-4 py-12 text-center text-sm text-zinc-500">
                {filtered
                  ? 'No lease matches the filter.'
                  : 'No leases yet. They appear here as clients get addresses.'}
              </td>
            </tr>
          ) : (
            rows.map(({ row, changes }) => (
              // The key changes with each update, so the row re-mounts and its highlight replays.
              <tr
                key={`${row.address}#${changes}`}
                data-address={row.address}
                data-state={row.state}
                className={`hover:bg-zinc-50 ${changes > 0 ? 'animate-row-changed' : ''}`}
              >
                <td className={`${CELL} font-mono text-zinc-900`}>{row.address}</td>
                <td className={CELL}>
                  <StateBadge state={row.state} />
                </td>
                <td className={`${CELL} text-zinc-700`} title={row.fqdn || undefined}>
                  {row.hostname || <span className="text-zinc-400">—</span>}
                </td>
                <td
                  className={`${CELL} font-mono text-zinc-700`}
                  title={row.clientId ? `client id ${row.clientId}` : undefined}
                >
                  {row.hwAddress}
                </td>
                <td className={`${CELL} font-mono text-zinc-500`}>{row.subnet}</td>
                <td className={`${CELL} ${row.state === 'active' ? 'text-zinc-700' : 'text-zinc-400'}`}>
                  <Moment at={row.expiresAt} now={now} />
                </td>
                <td className={`${CELL} text-zinc-500`}>
                  <Moment at={row.startsAt} now={now} />
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

function Moment({ at, now }: { at: number | null; now: number }) {
  if (at === null) return <span className="text-zinc-400">—</span>;
  return (
    <time dateTime={new Date(at).toISOString()} title={formatTimestamp(at)}>
      {formatRelative(at, now)}
    </time>
  );
}
