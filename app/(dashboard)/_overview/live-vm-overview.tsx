'use client';
// VMs by state and the hosts' capacity bars, following "vm" and "host" events.
import { useCallback, useMemo, useState } from 'react';
import { CapacityBar } from '../../components/capacity-bar.tsx';
import { HypervisorNotice } from '../../components/hypervisor-notice.tsx';
import {
  allocatedBy,
  HOST_TYPE,
  hypervisorProblem,
  mergeHost,
  RESOURCES,
  withAllocated,
  type HostView,
} from '../../lib/host-view.ts';
import { ObjectCache } from '../../lib/live/object-cache.ts';
import type { StreamMessage } from '../../lib/live/types.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { countByState, countVms, VM_STATES, VM_TYPE, vmStateWord, type VmView } from '../../lib/vm-view.ts';
import { Card } from './card.tsx';

const KINDS = ['vm', 'host'];
const DOTS: Record<(typeof VM_STATES)[number], string> = {
  running: 'bg-emerald-500',
  starting: 'bg-sky-500',
  paused: 'bg-amber-500',
  stopping: 'bg-sky-500',
  stopped: 'bg-zinc-400',
  crashed: 'bg-rose-500',
};

export function LiveVmOverview({ vms, hosts, revision }: { vms: VmView[]; hosts: HostView[]; revision: number }) {
  const [vmCache] = useState(() => new ObjectCache(VM_TYPE, vms, revision));
  const [hostCache] = useState(() => new ObjectCache(HOST_TYPE, hosts, revision));
  const [vmRows, setVmRows] = useState(() => vmCache.rows());
  const [hostRows, setHostRows] = useState(() => hostCache.rows());
  const reads = useMemo(() => new Map(hosts.map((h) => [h.id, h])), [hosts]);
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (vmCache.apply(message)) setVmRows(vmCache.rows());
      if (hostCache.apply(message)) setHostRows(hostCache.rows());
    },
    [vmCache, hostCache],
  );
  useWatchStream({ since: revision, kinds: KINDS, onMessage });
  const allVms = useMemo(() => vmRows.map((r) => r.row), [vmRows]);
  const counts = useMemo(() => countByState(allVms), [allVms]);
  const shown = useMemo(() => hostRows.map((r) => mergeHost(reads.get(r.row.id), r.row)), [hostRows, reads]);
  const problem = hypervisorProblem(shown);

  return (
    <>
      <Card title="VMs" link={{ href: '/vms', label: 'All VMs' }} testId="vm-counts">
        <p className="text-3xl font-semibold tracking-tight tabular-nums text-zinc-900 dark:text-zinc-50">
          <span data-testid="running-vms">{counts.running.toLocaleString('en')} running</span>
        </p>
        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{countVms(allVms.length)} defined</p>
        <dl className="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-2">
          {VM_STATES.map((state) => (
            <div
              key={state}
              data-testid={`vm-count-${state}`}
              data-count={counts[state]}
              className="rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-800/60"
            >
              <dt className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
                <span aria-hidden className={`size-1.5 shrink-0 rounded-full ${DOTS[state]}`} />
                {vmStateWord(state)}
              </dt>
              <dd className="text-lg font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">{counts[state]}</dd>
            </div>
          ))}
        </dl>
        {problem !== null ? (
          <div className="mt-4">
            <HypervisorNotice reason={problem} />
          </div>
        ) : allVms.length === 0 ? (
          <p className="mt-4 text-sm text-zinc-500 dark:text-zinc-400">
            No VMs yet: “Create VM” on the VMs page makes one.
          </p>
        ) : null}
      </Card>
      <Card
        title="Host capacity"
        link={{ href: '/hosts', label: 'Hosts' }}
        testId="host-capacity"
        className="lg:col-span-2"
      >
        {shown.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">The daemon reports no hypervisor host.</p>
        ) : (
          <div className="space-y-6">
            {shown.map((host) => {
              const allocated = allocatedBy(allVms, host.id);
              return (
                <div key={host.id} data-host-id={host.id}>
                  {shown.length > 1 ? (
                    <p className="mb-2 text-sm font-medium text-zinc-900 dark:text-zinc-100">{host.hostname}</p>
                  ) : null}
                  {host.capacity === null ? (
                    <p className="text-sm text-zinc-500 dark:text-zinc-400">No capacity reported.</p>
                  ) : (
                    <div className="grid gap-4 md:grid-cols-3">
                      {RESOURCES.map((resource) => (
                        <CapacityBar
                          stacked
                          key={resource}
                          resource={resource}
                          capacity={withAllocated(host.capacity![resource], allocated[resource])}
                        />
                      ))}
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </Card>
    </>
  );
}
