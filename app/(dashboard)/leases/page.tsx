// The Leases page: the lease table as ListLeases has it now, kept live by the event stream.
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { LiveLeases } from './live-leases.tsx';
import { loadLeases } from './load-leases.ts';
import { requireSession } from '../../lib/session.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Leases' };

export default async function LeasesPage() {
  await requireSession();
  const listing = await loadLeases();
  return (
    <>
      <PageHeader
        title="Leases"
        description="DHCPv4 leases handed out by this daemon, updated as clients come and go."
      />
      {listing.ok ? (
        <LiveLeases
          initialRows={listing.rows}
          revision={listing.revision}
          total={listing.total}
          complete={listing.complete}
          renderedAt={Date.now()}
        />
      ) : (
        <DaemonUnavailable reason={listing.reason} />
      )}
    </>
  );
}
