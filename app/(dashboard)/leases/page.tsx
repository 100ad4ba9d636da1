// The Leases page: the first screenful of leases rendered here, the rest loaded by the browser,
// all kept live by the event stream. The view (search, filters, sort) comes from the URL, so a
// shared link opens the same table.
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { requireSession } from '../../lib/session.ts';
import { LiveLeases } from './live-leases.tsx';
import { loadLeases, type DhcpState } from './load-leases.ts';
import { parseViewState } from './view-state.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Leases' };

export default async function LeasesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const [listing, params] = await Promise.all([loadLeases(), searchParams]);
  return (
    <>
      <PageHeader
        title="Leases"
        description="Every DHCPv4 lease this daemon has handed out, live as clients come and go."
      />
      {listing.ok ? (
        <>
          {listing.dhcp.serving === false ? <DhcpOff reason={listing.dhcp.reason} /> : null}
          <LiveLeases
            listing={{
              leases: listing.leases,
              leaseRevision: listing.leaseRevision,
              reservations: listing.reservations,
              reservationRevision: listing.reservationRevision,
            }}
            nextPageToken={listing.nextPageToken}
            total={listing.total}
            subnets={listing.subnets}
            initialView={parseViewState(params)}
            renderedAt={Date.now()}
            emptyHint={emptyHint(listing.dhcp)}
          />
        </>
      ) : (
        <DaemonUnavailable reason={listing.reason} />
      )}
    </>
  );
}

function emptyHint(dhcp: DhcpState): string {
  if (dhcp.serving === false) return 'No leases: the DHCP server is off (see above), so no client can get one.';
  return 'No leases yet. Connect a client to a network this daemon serves and its lease appears here at once.';
}

/** DHCP is off: the daemon's own words, and what usually fixes it. */
function DhcpOff({ reason }: { reason: string }) {
  return (
    <div
      role="status"
      data-testid="dhcp-off"
      className="mb-4 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200"
    >
      <p className="font-medium">The DHCP server is off, so no client gets a lease.</p>
      <p className="mt-1 font-mono text-xs break-words text-amber-800 dark:text-amber-300">{reason}</p>
      <p className="mt-2 text-amber-800 dark:text-amber-300">
        Fix what the daemon reports above and restart it: it serves DHCP when it runs as root with a <code>dhcp</code>{' '}
        section in its config. Leases from earlier runs are still listed below.
      </p>
    </div>
  );
}
