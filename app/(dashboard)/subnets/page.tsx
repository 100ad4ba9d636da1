// The Subnets page: each configured subnet with its pools, the options handed to clients, and how
// full the pools are. Usage follows lease and reservation events (subnet-usage-refresh.tsx).
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { DhcpNotice } from '../../components/dhcp-notice.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { dhcpOffReason, getDaemonStatus } from '../../lib/daemon-status.ts';
import { requireSession } from '../../lib/session.ts';
import { loadSubnets } from './load-subnets.ts';
import { ClassList } from './class-list.tsx';
import { SubnetCard } from './subnet-card.tsx';
import { SubnetUsageRefresh } from './subnet-usage-refresh.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Subnets' };

export default async function SubnetsPage() {
  await requireSession();
  const [listing, daemon] = await Promise.all([loadSubnets(), getDaemonStatus()]);
  const dhcpOff = dhcpOffReason(daemon);
  return (
    <>
      <PageHeader
        title="Subnets"
        description="The networks this daemon hands out addresses in, how full they are, and what their clients get."
      >
        {listing.ok ? <SubnetUsageRefresh revision={listing.revision} /> : null}
      </PageHeader>
      {!listing.ok ? (
        <DaemonUnavailable reason={listing.reason} />
      ) : listing.subnets.length === 0 ? (
        dhcpOff !== null ? (
          <DhcpNotice reason={dhcpOff} what="subnets" />
        ) : (
          <div
            data-testid="subnets-empty"
            className="rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            <p className="font-medium text-zinc-900 dark:text-zinc-100">No subnets are configured.</p>
            <p className="mx-auto mt-1 max-w-prose text-zinc-500 dark:text-zinc-400">
              Add a <code className="font-mono">dhcp</code> section with <code className="font-mono">subnets</code>{' '}
              (each with its pools) to the daemon’s config, check it with{' '}
              <code className="font-mono">homeplane check</code>, then restart the daemon.
            </p>
          </div>
        )
      ) : (
        <section aria-label="Subnets" className="space-y-6">
          {dhcpOff !== null ? <DhcpNotice reason={dhcpOff} /> : null}
          {listing.subnets.map((subnet) => (
            <SubnetCard key={subnet.subnet} subnet={subnet} />
          ))}
          <ClassList classes={listing.classes} />
        </section>
      )}
    </>
  );
}
