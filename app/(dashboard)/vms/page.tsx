// The VMs page: every virtual machine of the daemon's hypervisor, live, with their usage, a
// search and state filter in the URL (?q=, ?state=), and the Create VM form.
import type { Metadata } from 'next';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { requireSession } from '../../lib/session.ts';
import { parseStateFilter } from '../../lib/vm-view.ts';
import { LiveVms } from './live-vms.tsx';
import { loadImages, loadVms } from './load-vms.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'VMs' };

type Search = Promise<{ q?: string | string[]; state?: string | string[] }>;

export default async function VmsPage({ searchParams }: { searchParams: Search }) {
  await requireSession();
  const { q, state } = await searchParams;
  const [listing, images] = await Promise.all([loadVms(), loadImages()]);
  return (
    <>
      <PageHeader
        title="VMs"
        description="Virtual machines on this host: QEMU guests with their own disk and an address from Homeplane’s DHCP server."
      />
      {listing.ok ? (
        <LiveVms
          initial={listing.value.vms}
          revision={listing.value.revision}
          hosts={listing.value.hosts}
          images={images.ok ? { ok: true, ...images.value } : images}
          initialFilter={{
            query: typeof q === 'string' ? q : '',
            state: parseStateFilter(typeof state === 'string' ? state : undefined),
          }}
          renderedAt={Date.now()}
        />
      ) : (
        <DaemonUnavailable reason={listing.reason} />
      )}
    </>
  );
}
