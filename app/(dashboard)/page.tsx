// Overview: the lab at a glance. Leases by state and the reservations count, each subnet's pool
// usage, lease activity over the last hour or day, the last events, the daemon itself, VMs by
// state and the hosts' capacity. The cards load side by side (each in its own Suspense boundary); the events card follows the
// stream and has the server re-read the counts when leases change.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DaemonUnavailable } from '../components/daemon-unavailable.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { activityRange } from '../lib/activity.ts';
import { dhcpOffReason, getDaemonStatus, streamRevision } from '../lib/daemon-status.ts';
import { requireSession } from '../lib/session.ts';
import { ActivityChart } from './_overview/activity-chart.tsx';
import { Card, CardSkeleton } from './_overview/card.tsx';
import { DaemonCard } from './_overview/daemon-card.tsx';
import { LeaseCounts } from './_overview/lease-counts.tsx';
import { loadRecentEvents } from './_overview/load-overview.ts';
import { PoolUsage } from './_overview/pool-usage.tsx';
import { RecentEvents } from './_overview/recent-events.tsx';
import { VmOverview } from './_overview/vm-overview.tsx';

export const dynamic = 'force-dynamic';

/** How many of the newest events the Overview lists. */
const SHOWN_EVENTS = 8;
export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const range = activityRange((await searchParams).activity);
  const daemon = await getDaemonStatus();
  const renderedAt = Date.now();
  switch (daemon.kind) {
    case 'unreachable':
      return (
        <>
          <PageHeader title="Overview" />
          <DaemonUnavailable reason={daemon.reason} />
        </>
      );
    case 'unsupported':
    case 'known':
      break;
  }
  const status = daemon.kind === 'known' ? daemon.status : null;
  // The events card continues ListEvents' page with the stream; without it (an older daemon) it
  // starts empty at the newest revision.
  const recent = await loadRecentEvents(SHOWN_EVENTS);
  const since = recent.ok ? recent.value.revision : ((await streamRevision()) ?? 0);
  const dhcpOff = dhcpOffReason(daemon);
  return (
    <>
      <PageHeader title="Overview" description="Addresses, pools, VMs and what just happened on the lab network." />
      <div className="grid gap-4 lg:grid-cols-3">
        <Suspense fallback={<CardSkeleton title="Leases" />}>
          <LeaseCounts dhcpOff={dhcpOff} interfaces={status?.dhcp.interfaces ?? []} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Pools" />}>
          <PoolUsage dhcpOff={dhcpOff} />
        </Suspense>
        {status === null ? null : <DaemonCard status={status} since={since} renderedAt={renderedAt} />}
        <div className="min-w-0 lg:col-span-2">
          <Suspense fallback={<CardSkeleton title="Lease activity" lines={5} />}>
            <ActivityChart range={range} />
          </Suspense>
        </div>
        <Card title="Recent events" link={{ href: '/events', label: 'All events' }} testId="recent-events-card">
          <RecentEvents
            since={since}
            initialEvents={recent.ok ? recent.value.events : []}
            shown={SHOWN_EVENTS}
            renderedAt={renderedAt}
          />
        </Card>
        <Suspense
          fallback={
            <>
              <CardSkeleton title="VMs" />
              <CardSkeleton title="Host capacity" className="lg:col-span-2" />
            </>
          }
        >
          <VmOverview />
        </Suspense>
      </div>
    </>
  );
}
