// The Reservations page: every fixed address (config file, dashboard, VMs), live, with create,
// edit and delete for the ones made here.
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { dhcpOffReason, getDaemonStatus } from '../../lib/daemon-status.ts';
import { requireSession } from '../../lib/session.ts';
import { LiveReservations } from './live-reservations.tsx';
import { loadReservations } from './load-reservations.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Reservations' };

export default async function ReservationsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireSession();
  const { q } = await searchParams;
  const [listing, daemon] = await Promise.all([loadReservations(), getDaemonStatus()]);
  return (
    <>
      <PageHeader
        title="Reservations"
        description="Fixed addresses: a client known by its MAC address or client identifier always gets the same address."
      />
      {listing.ok ? (
        <LiveReservations
          initial={listing.reservations}
          revision={listing.revision}
          subnets={listing.subnets}
          dhcpOff={dhcpOffReason(daemon)}
          initialQuery={typeof q === 'string' ? q : ''}
        />
      ) : (
        <DaemonUnavailable reason={listing.reason} />
      )}
    </>
  );
}
