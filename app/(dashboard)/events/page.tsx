// The Events page: the daemon's event log, newest first, live, filterable by kind (?kind=), each
// row linking to the lease or reservation it is about.
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { loadEventHistory } from '../../lib/event-history.ts';
import { parseKindFilter } from '../../lib/event-view.ts';
import { requireSession } from '../../lib/session.ts';
import { LiveEvents } from './live-events.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Events' };

export default async function EventsPage({ searchParams }: { searchParams: Promise<{ kind?: string | string[] }> }) {
  await requireSession();
  const kind = parseKindFilter((await searchParams).kind);
  const history = await loadEventHistory(0, kind);
  return (
    <>
      <PageHeader
        title="Events"
        description="Every change the daemon made, newest first: leases, reservations, virtual machines and hosts."
      />
      {history.ok ? (
        // A new filter is a new history: remount rather than merge.
        <LiveEvents
          key={kind}
          kind={kind}
          initial={history.entries}
          olderBefore={history.nextBefore}
          revision={history.revision}
          renderedAt={Date.now()}
        />
      ) : (
        <DaemonUnavailable reason={history.reason} />
      )}
    </>
  );
}
