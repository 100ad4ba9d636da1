'use client';
// The hosts, live: "host" events bring new stable facts (a new QEMU, more memory), "vm" events
// move what is allocated (every defined VM counts against capacity, running or not), so the bars
// follow VMs being created and deleted without a reload.
import { useCallback, useMemo, useState } from 'react';
import { HypervisorNotice } from '../../components/hypervisor-notice.tsx';
import { LiveIndicator } from '../../components/live-indicator.tsx';
import { HOST_TYPE, hypervisorProblem, mergeHost, type HostView } from '../../lib/host-view.ts';
import { ObjectCache } from '../../lib/live/object-cache.ts';
import type { StreamMessage } from '../../lib/live/types.ts';
import { useNow } from '../../lib/live/use-now.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { VM_TYPE, type VmView } from '../../lib/vm-view.ts';
import { HostCard } from './host-card.tsx';

const KINDS = ['host', 'vm'];

export function LiveHosts({
  hosts,
  vms,
  revision,
  renderedAt,
}: {
  hosts: HostView[];
  vms: VmView[];
  revision: number;
  renderedAt: number;
}) {
  const [hostCache] = useState(() => new ObjectCache(HOST_TYPE, hosts, revision));
  const [vmCache] = useState(() => new ObjectCache(VM_TYPE, vms, revision));
  const [hostRows, setHostRows] = useState(() => hostCache.rows());
  const [vmRows, setVmRows] = useState(() => vmCache.rows());
  const reads = useMemo(() => new Map(hosts.map((h) => [h.id, h])), [hosts]);
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (hostCache.apply(message)) setHostRows(hostCache.rows());
      if (vmCache.apply(message)) setVmRows(vmCache.rows());
    },
    [hostCache, vmCache],
  );
  const status = useWatchStream({ since: revision, kinds: KINDS, onMessage });
  const now = useNow(renderedAt, 10_000);
  const shown = useMemo(
    () =>
      hostRows.map((r) => mergeHost(reads.get(r.row.id), r.row)).sort((a, b) => a.hostname.localeCompare(b.hostname)),
    [hostRows, reads],
  );
  const allVms = useMemo(() => vmRows.map((r) => r.row), [vmRows]);
  const problem = hypervisorProblem(shown);

  return (
    <section aria-label="Hosts" className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <LiveIndicator status={status} revision={Math.max(hostCache.revision, vmCache.revision)} />
      </div>
      {problem !== null ? <HypervisorNotice reason={problem} /> : null}
      {shown.length === 0 ? null : (
        <div className="grid gap-4 xl:grid-cols-2">
          {shown.map((host) => (
            <HostCard key={host.id} host={host} vms={allVms} now={now} />
          ))}
        </div>
      )}
    </section>
  );
}
