// Leases by state, and the reservations count: the lease table at a glance.
import Link from 'next/link';
import { DhcpNotice } from '../../components/dhcp-notice.tsx';
import { Card, CardError, plural } from './card.tsx';
import { loadLeaseCounts, loadReservationCount, type LeaseCounts as Counts } from './load-overview.ts';

const STATES: { state: keyof Counts; label: string; dot: string }[] = [
  { state: 'active', label: 'Active', dot: 'bg-emerald-500' },
  { state: 'released', label: 'Released', dot: 'bg-zinc-400' },
  { state: 'expired', label: 'Expired', dot: 'bg-amber-500' },
  { state: 'declined', label: 'Declined', dot: 'bg-rose-500' },
];

export async function LeaseCounts({ dhcpOff, interfaces }: { dhcpOff: string | null; interfaces: string[] }) {
  const [counts, reservations] = await Promise.all([loadLeaseCounts(), loadReservationCount()]);
  const total = counts.ok ? STATES.reduce((sum, { state }) => sum + counts.value[state], 0) : 0;
  return (
    <Card title="Leases" link={{ href: '/leases', label: 'All leases' }} testId="lease-counts">
      {!counts.ok ? (
        <CardError reason={counts.reason} />
      ) : (
        <>
          <p className="text-3xl font-semibold tracking-tight tabular-nums text-zinc-900 dark:text-zinc-50">
            <span data-testid="active-leases">{plural(counts.value.active, 'active lease', 'active leases')}</span>
          </p>
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
            {plural(total, 'lease', 'leases')} in the table
          </p>
          <dl className="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-2">
            {STATES.map(({ state, label, dot }) => (
              <div
                key={state}
                data-testid={`lease-count-${state}`}
                data-count={counts.value[state]}
                className="rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-800/60"
              >
                <dt className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
                  <span aria-hidden className={`size-1.5 shrink-0 rounded-full ${dot}`} />
                  {label}
                </dt>
                <dd className="text-lg font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">
                  {counts.value[state].toLocaleString('en')}
                </dd>
              </div>
            ))}
          </dl>
          {total > 0 ? null : dhcpOff !== null ? (
            <div className="mt-4">
              <DhcpNotice reason={dhcpOff} what="leases" />
            </div>
          ) : (
            <p className="mt-4 text-sm text-zinc-500 dark:text-zinc-400">
              No leases yet. They appear here as soon as a client
              {interfaces.length > 0 ? ` on ${interfaces.join(', ')}` : ''} asks for an address.
            </p>
          )}
        </>
      )}
      <div className="mt-4 flex items-center justify-between border-t border-zinc-100 pt-3 text-sm dark:border-zinc-800">
        <span className="text-zinc-500 dark:text-zinc-400">Reservations</span>
        {reservations.ok ? (
          <Link
            href="/reservations"
            data-testid="reservation-count"
            className="font-medium text-zinc-900 hover:underline dark:text-zinc-100"
          >
            {plural(reservations.value, 'reservation', 'reservations')}
          </Link>
        ) : (
          <span className="text-amber-800 dark:text-amber-200" title={reservations.reason}>
            unknown
          </span>
        )}
      </div>
    </Card>
  );
}
