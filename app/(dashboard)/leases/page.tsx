// The Leases page: the first screenful of leases rendered here, the rest loaded by the browser,
// all kept live by the event stream. The view (search, filters, sort) comes from the URL, so a
// shared link opens the same table.
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { requireSession } from '../../lib/session.ts';
import { LiveLeases } from './live-leases.tsx';
import { DhcpNotice } from '../../components/dhcp-notice.tsx';
import { dhcpOffReason, getDaemonStatus } from '../../lib/daemon-status.ts';
import { loadLeases } from './load-leases.ts';
import { parseViewState } from './view-state.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Leases' };

export default async function LeasesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const [listing, params, daemon] = await Promise.all([loadLeases(), searchParams, getDaemonStatus()]);
  // The shell's banner already says DHCP is off on every page; with no lease at all, the table's
  // empty state says it too, in place of "no leases yet".
  const dhcpOff = dhcpOffReason(daemon);
  return (
    <>
      <PageHeader
        title="Leases"
        description="Every DHCPv4 lease this daemon has handed out, live as clients come and go."
      />
      {listing.ok ? (
        <>
          <LiveLeases
            listing={{
              leases: listing.leases,
              leaseRevision: listing.leaseRevision,
              reservations: listing.reservations,
              reservationRevision: listing.reservationRevision,
            }}
            vms={listing.vms}
            vmRevision={listing.vmRevision}
            nextPageToken={listing.nextPageToken}
            total={listing.total}
            subnets={listing.subnets}
            initialView={parseViewState(params)}
            renderedAt={Date.now()}
            empty={
              dhcpOff === null ? (
                'No leases yet. Connect a client to a network this daemon serves: its lease appears here at once.'
              ) : (
                <div className="text-left">
                  <DhcpNotice reason={dhcpOff} what="leases" />
                </div>
              )
            }
          />
        </>
      ) : (
        <DaemonUnavailable reason={listing.reason} />
      )}
    </>
  );
}
