// The Hosts page: each hypervisor host's facts and its room for VMs (capacity bars), live.
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { requireSession } from '../../lib/session.ts';
import { loadVms } from '../vms/load-vms.ts';
import { LiveHosts } from './live-hosts.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Hosts' };

export default async function HostsPage() {
  await requireSession();
  const listing = await loadVms();
  return (
    <>
      <PageHeader
        title="Hosts"
        description="The machines VMs run on: what they have, and how much of it the VMs have been given."
      />
      {listing.ok ? (
        <LiveHosts
          hosts={listing.value.hosts}
          vms={listing.value.vms}
          revision={listing.value.revision}
          renderedAt={Date.now()}
        />
      ) : (
        <DaemonUnavailable reason={listing.reason} />
      )}
    </>
  );
}
