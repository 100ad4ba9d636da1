'use client';
// The VMs as a table from lg (1024 px) up and as cards below it: one element per VM either way
// (the same cells, laid out by CSS), carrying data-vm-id and data-vm-name.
import Link from 'next/link';
import { memo } from 'react';
import { Sparkline } from '../../components/sparkline.tsx';
import { VmStateBadge } from '../../components/vm-state-badge.tsx';
import { formatCpu, type VmUsage } from '../../lib/live/vm-stats-history.ts';
import { formatBytes, formatDuration, formatMib, hasQemu, uptimeSeconds, type VmView } from '../../lib/vm-view.ts';

export const VM_GRID =
  'lg:grid lg:grid-cols-[minmax(120px,1.2fr)_104px_140px_76px_88px_72px_minmax(80px,0.8fr)_92px_124px_156px] lg:items-center';

const HEADERS = ['Name', 'State', 'Address', 'vCPUs', 'Memory', 'Disk', 'Host', 'Uptime', 'CPU', 'Memory use'];
const MUTED = 'text-zinc-500 dark:text-zinc-400';
const NONE = <span className="text-zinc-400 dark:text-zinc-600">—</span>;
const CELL = 'min-w-0 truncate lg:px-3';

export function VmTable({
  vms,
  usage,
  hostNames,
  now,
}: {
  vms: readonly VmView[];
  usage: ReadonlyMap<string, VmUsage>;
  hostNames: ReadonlyMap<string, string>;
  now: number;
}) {
  return (
    <div
      role="table"
      aria-label="Virtual machines"
      aria-rowcount={vms.length + 1}
      className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      {/* From lg the columns need about 1050 px; a narrower window scrolls the table, not the page. */}
      <div className="lg:min-w-[1050px]">
        <div role="rowgroup" className="hidden lg:block">
          <div
            role="row"
            className={`border-b border-zinc-200 bg-zinc-50 py-2 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-950/40 dark:text-zinc-400 ${VM_GRID}`}
          >
            {HEADERS.map((header) => (
              <div key={header} role="columnheader" className="truncate px-3">
                {header}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup">
          {vms.map((vm) => (
            <VmRow
              key={vm.id}
              vm={vm}
              usage={usage.get(vm.id)}
              hostName={hostNames.get(vm.hostId) ?? vm.hostId}
              uptime={uptimeText(vm, now)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

function uptimeText(vm: VmView, now: number): string | null {
  const seconds = uptimeSeconds(vm, now);
  return seconds === null ? null : formatDuration(seconds);
}

const VmRow = memo(function VmRow({
  vm,
  usage,
  hostName,
  uptime,
}: {
  vm: VmView;
  usage: VmUsage | undefined;
  hostName: string;
  /** As shown ("3 min"), so the row redraws only when the text changes. */
  uptime: string | null;
}) {
  const running = hasQemu(vm.state);
  return (
    <div
      role="row"
      data-vm-id={vm.id}
      data-vm-name={vm.name}
      className={`flex flex-wrap items-center gap-x-3 gap-y-1.5 border-b border-zinc-100 px-4 py-3 text-sm last:border-b-0 hover:bg-zinc-50 lg:gap-0 lg:px-0 lg:py-2.5 dark:border-zinc-800 dark:hover:bg-zinc-800/50 ${VM_GRID}`}
    >
      <div role="cell" className={`order-1 basis-full font-medium sm:basis-auto lg:order-none ${CELL}`}>
        <Link
          href={`/vms/${vm.id}`}
          className="text-zinc-900 underline-offset-2 hover:underline focus-visible:rounded focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:text-zinc-100"
        >
          {vm.name}
        </Link>
      </div>
      <div role="cell" className="order-2 min-w-0 lg:order-none lg:px-3">
        <VmStateBadge state={vm.state} reason={vm.stateReason} />
      </div>
      <div
        role="cell"
        data-testid="vm-address"
        className={`order-3 font-mono text-zinc-700 lg:order-none dark:text-zinc-300 ${CELL}`}
      >
        {vm.address === '' ? NONE : vm.address}
      </div>
      <div aria-hidden className="order-4 h-0 basis-full lg:hidden" />
      <div role="cell" className={`order-5 tabular-nums lg:order-none ${CELL}`}>
        {vm.vcpus}
        <span className={`lg:hidden ${MUTED}`}> vCPU{vm.vcpus === 1 ? '' : 's'}</span>
      </div>
      <div role="cell" className={`order-6 tabular-nums lg:order-none ${CELL}`}>
        {formatMib(vm.memoryMib)}
        <span className={`lg:hidden ${MUTED}`}> memory</span>
      </div>
      <div role="cell" className={`order-7 tabular-nums lg:order-none ${CELL}`}>
        {vm.diskGib} GiB<span className={`lg:hidden ${MUTED}`}> disk</span>
      </div>
      <div role="cell" className={`order-8 lg:order-none ${MUTED} ${CELL}`} title={hostName}>
        <span className="lg:hidden">on </span>
        {hostName}
      </div>
      <div role="cell" className={`order-9 tabular-nums lg:order-none ${MUTED} ${CELL}`} data-testid="vm-uptime">
        {uptime === null ? (
          <span className="hidden lg:inline">{NONE}</span>
        ) : (
          <>
            <span className="lg:hidden">up </span>
            {uptime}
          </>
        )}
      </div>
      <div aria-hidden className="order-10 h-0 basis-full lg:hidden" />
      <div
        role="cell"
        className={`order-11 items-center gap-2 lg:order-none lg:flex lg:px-3 ${running ? 'flex' : 'hidden'}`}
        data-testid="vm-cpu"
      >
        {running && usage ? (
          <>
            <span className="w-12 whitespace-nowrap tabular-nums">{formatCpu(usage.latest.cpuPercent)}</span>
            <Sparkline
              values={usage.cpu}
              floor={100}
              label={`CPU of ${vm.name} over the last minute`}
              className="h-5 w-14"
            />
          </>
        ) : (
          <span className={MUTED}>{running ? 'sampling…' : NONE}</span>
        )}
      </div>
      <div
        role="cell"
        className={`order-12 items-center gap-2 lg:order-none lg:flex lg:px-3 ${running ? 'flex' : 'hidden'}`}
        data-testid="vm-memory-use"
      >
        {running && usage ? (
          <>
            <span className="w-20 whitespace-nowrap tabular-nums">{formatBytes(usage.latest.memoryBytes)}</span>
            <Sparkline
              values={usage.memory}
              floor={vm.memoryMib * 1024 * 1024}
              label={`Memory of ${vm.name} over the last minute`}
              className="h-5 w-14"
            />
          </>
        ) : (
          <span className={MUTED}>{running ? '…' : NONE}</span>
        )}
      </div>
    </div>
  );
});
