// The Overview's VM and host cards: VMs by state and each host's capacity bars, read here and
// kept live in the browser (live-vm-overview.tsx).
import { loadVms } from '../vms/load-vms.ts';
import { Card, CardError } from './card.tsx';
import { LiveVmOverview } from './live-vm-overview.tsx';

export async function VmOverview() {
  const listing = await loadVms();
  if (!listing.ok)
    return (
      <>
        <Card title="VMs" link={{ href: '/vms', label: 'All VMs' }} testId="vm-counts">
          <CardError reason={listing.reason} />
        </Card>
        <Card title="Host capacity" link={{ href: '/hosts', label: 'Hosts' }} testId="host-capacity">
          <CardError reason={listing.reason} />
        </Card>
      </>
    );
  return <LiveVmOverview vms={listing.value.vms} hosts={listing.value.hosts} revision={listing.value.revision} />;
}
