'use client';
// The VM list, live: the server's first listing folded forward by the event stream (kinds "vm":
// created, state changes, addresses from its lease, deleted), the usage samples of the running
// ones from the "vm-stats" feed, the search and state filter kept in the URL, and the Create VM
// dialog.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { HypervisorNotice } from '../../components/hypervisor-notice.tsx';
import { LiveIndicator } from '../../components/live-indicator.tsx';
import { hypervisorProblem, type HostView } from '../../lib/host-view.ts';
import { ObjectCache } from '../../lib/live/object-cache.ts';
import type { StreamMessage } from '../../lib/live/types.ts';
import { useNow } from '../../lib/live/use-now.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import {
  compareVms,
  countByState,
  countVms,
  filterSearch,
  hasQemu,
  matchesVm,
  VM_STATES,
  VM_TYPE,
  vmStateWord,
  type VmFilter,
  type VmStateName,
  type VmView,
} from '../../lib/vm-view.ts';
import { CreateVmDialog, type CreateVmDialogProps } from './create-vm-dialog.tsx';
import { useVmStats } from './use-vm-stats.ts';
import { VmTable } from './vm-table.tsx';

const KINDS = ['vm'];

export interface LiveVmsProps {
  initial: VmView[];
  revision: number;
  hosts: HostView[];
  images: CreateVmDialogProps['images'];
  initialFilter: VmFilter;
  /** The server's render time, so the first browser render matches its HTML. */
  renderedAt: number;
}

export function LiveVms({ initial, revision, hosts, images, initialFilter, renderedAt }: LiveVmsProps) {
  const [cache] = useState(() => new ObjectCache(VM_TYPE, initial, revision));
  const [rows, setRows] = useState(() => cache.rows());
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (cache.apply(message)) setRows(cache.rows());
    },
    [cache],
  );
  const status = useWatchStream({ since: revision, kinds: KINDS, onMessage });
  const [filter, setFilter] = useState<VmFilter>(initialFilter);
  const [creating, setCreating] = useState(0);
  const now = useNow(renderedAt, 1_000);

  const vms = useMemo(() => rows.map((r) => r.row).sort(compareVms), [rows]);
  const visible = useMemo(() => vms.filter((vm) => matchesVm(vm, filter)), [vms, filter]);
  const counts = useMemo(() => countByState(vms), [vms]);
  const usage = useVmStats(vms.some((vm) => hasQemu(vm.state)));
  const hostNames = useMemo(() => new Map(hosts.map((h) => [h.id, h.hostname])), [hosts]);
  const problem = hypervisorProblem(hosts);

  // The filter lives in the URL (shareable, kept on reload) without a server round trip per key.
  useEffect(() => {
    const url = `${window.location.pathname}${filterSearch(filter)}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, '', url);
  }, [filter]);

  return (
    <section aria-label="VMs" className="space-y-4">
      {problem !== null ? <HypervisorNotice reason={problem} /> : null}
      <div className="flex flex-wrap items-center gap-3">
        <input
          type="search"
          value={filter.query}
          onChange={(e) => setFilter((f) => ({ ...f, query: e.target.value }))}
          placeholder="Filter by name, address, MAC…"
          aria-label="Filter VMs"
          className="h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400 focus:border-zinc-500 focus:ring-2 focus:ring-zinc-200 focus:outline-none sm:w-64 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:focus:ring-zinc-700"
        />
        <label className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-300">
          State
          <select
            value={filter.state}
            onChange={(e) => setFilter((f) => ({ ...f, state: e.target.value as VmStateName | '' }))}
            className="h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 shadow-xs focus:border-zinc-500 focus:ring-2 focus:ring-zinc-200 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:focus:ring-zinc-700"
          >
            <option value="">All ({vms.length})</option>
            {VM_STATES.map((state) => (
              <option key={state} value={state}>
                {vmStateWord(state)} ({counts[state]})
              </option>
            ))}
          </select>
        </label>
        <LiveIndicator status={status} revision={cache.revision} />
        <button
          type="button"
          disabled={problem !== null}
          title={problem ?? undefined}
          onClick={() => setCreating((n) => n + 1)}
          className="ml-auto inline-flex h-9 items-center rounded-md bg-zinc-900 px-3.5 text-sm font-medium text-white shadow-xs hover:bg-zinc-700 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 dark:focus-visible:ring-offset-zinc-950"
        >
          Create VM
        </button>
      </div>

      {vms.length === 0 ? (
        <div
          data-testid="vms-empty"
          className="rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center dark:border-zinc-700 dark:bg-zinc-900"
        >
          <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">No VMs yet.</p>
          <p className="mx-auto mt-1 max-w-prose text-sm text-zinc-500 dark:text-zinc-400">
            {problem === null
              ? 'Create one with “Create VM”: give it a name, its size and what it boots from (a kernel, an ISO or a disk image from the image folders). It gets its address from Homeplane’s DHCP server.'
              : 'VMs can be created once the daemon can run QEMU (see above).'}
          </p>
        </div>
      ) : visible.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          No VM matches {describeFilter(filter)}. Clear the filter to see all {countVms(vms.length)}.
        </p>
      ) : (
        <VmTable vms={visible} usage={usage} hostNames={hostNames} now={now} />
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="vm-count">
        {visible.length === vms.length ? countVms(vms.length) : `${visible.length} of ${countVms(vms.length)}`}
        {counts.running > 0 ? `, ${counts.running} running` : ''}
      </p>

      {creating > 0 ? <CreateVmDialog key={creating} images={images} onClose={() => setCreating(0)} /> : null}
    </section>
  );
}

function describeFilter(filter: VmFilter): string {
  const parts: string[] = [];
  if (filter.query.trim() !== '') parts.push(`“${filter.query.trim()}”`);
  if (filter.state !== '') parts.push(`the state ${vmStateWord(filter.state)}`);
  return parts.join(' in ');
}
