// One VM: its facts, lease and reservation, history, live usage and serial console, with the
// actions its state allows.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DaemonUnavailable } from '../../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { requireSession } from '../../../lib/session.ts';
import { LiveVm } from './live-vm.tsx';
import { loadVmDetail } from './load-vm.ts';

export const dynamic = 'force-dynamic';

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  await requireSession();
  const result = await loadVmDetail((await params).id);
  return { title: result.kind === 'found' ? `${result.detail.vm.name} · VMs` : 'VM' };
}

export default async function VmPage({ params }: { params: Params }) {
  await requireSession();
  const { id } = await params;
  const result = await loadVmDetail(id);
  switch (result.kind) {
    case 'missing':
      return notFound();
    case 'unavailable':
      return (
        <>
          <PageHeader title="VM" />
          <DaemonUnavailable reason={result.reason} />
        </>
      );
    case 'found':
      return <LiveVm detail={result.detail} renderedAt={Date.now()} />;
  }
}
