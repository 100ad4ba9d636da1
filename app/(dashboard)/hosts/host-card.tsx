// One host: its facts and a capacity bar per resource (allocated vs allocatable, with the
// ratio), allocated summed from the VMs the page follows.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { CapacityBar } from '../../components/capacity-bar.tsx';
import { allocatedBy, hostUptime, RESOURCES, withAllocated, type HostView } from '../../lib/host-view.ts';
import { formatBytes, formatDuration, formatMib, hasQemu, type VmView } from '../../lib/vm-view.ts';

const MUTED = 'text-zinc-500 dark:text-zinc-400';

export function HostCard({ host, vms, now }: { host: HostView; vms: readonly VmView[]; now: number }) {
  const allocated = allocatedBy(vms, host.id);
  const mine = vms.filter((vm) => vm.hostId === host.id);
  const running = mine.filter((vm) => hasQemu(vm.state)).length;
  const diskUsed = host.diskTotalBytes - host.diskFreeBytes;
  return (
    <section
      aria-label={`Host ${host.hostname}`}
      data-host-id={host.id}
      className="min-w-0 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{host.hostname}</h2>
        <Link href="/vms" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
          {mine.length} {mine.length === 1 ? 'VM' : 'VMs'}, {running} running →
        </Link>
      </div>
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
        <Fact label="CPU">{host.cpuModel || '—'}</Fact>
        <Fact label="Cores">{host.cpuCores}</Fact>
        <Fact label="Memory">{formatMib(host.memoryMib)}</Fact>
        <Fact label="Disk (data folder)">
          {host.diskTotalBytes === 0 ? '—' : `${formatBytes(diskUsed)} used of ${formatBytes(host.diskTotalBytes)}`}
        </Fact>
        <Fact label="Acceleration">
          <span className="font-medium">
            {host.accel === 'kvm' ? 'KVM' : host.accel === 'tcg' ? 'TCG (software)' : '—'}
          </span>
          {host.accelReason ? <span className={`block text-xs ${MUTED}`}>{host.accelReason}</span> : null}
        </Fact>
        <Fact label="QEMU">
          {host.qemuVersion ? (
            host.qemuVersion
          ) : (
            <span className="text-amber-700 dark:text-amber-300">not installed</span>
          )}
        </Fact>
        <Fact label="Uptime">{formatDuration(hostUptime(host, now))}</Fact>
        <Fact label="ID">
          <span className="font-mono text-xs break-all">{host.id}</span>
        </Fact>
      </dl>
      <h3 className="mt-6 text-sm font-semibold text-zinc-900 dark:text-zinc-100">Capacity for VMs</h3>
      {host.capacity === null ? (
        <p className={`mt-2 text-sm ${MUTED}`}>The daemon did not report this host’s capacity.</p>
      ) : (
        <div className="mt-3 space-y-4">
          {RESOURCES.map((resource) => (
            <CapacityBar
              key={resource}
              resource={resource}
              capacity={withAllocated(host.capacity![resource], allocated[resource])}
            />
          ))}
        </div>
      )}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className={`text-xs font-medium ${MUTED}`}>{label}</dt>
      <dd className="mt-0.5 min-w-0 break-words text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}
