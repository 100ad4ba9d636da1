'use client';
// The VMs by MAC, live (kinds "vm"), so the Leases page names the VM a lease belongs to. The
// page handles 50,000 rows at 500 events a second: a row looks its VM up in a Map (no scan),
// and a VM's link object keeps its identity while its id and name stay, so the memoised rows
// (lease-row-view.tsx) re-render only when their VM changed. VM events are few.
import { useCallback, useRef, useState } from 'react';
import { ObjectCache } from '../../lib/live/object-cache.ts';
import type { StreamMessage } from '../../lib/live/types.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { VM_TYPE, type VmView } from '../../lib/vm-view.ts';

export interface VmLink {
  id: string;
  name: string;
}

const KINDS = ['vm'];

/** MAC -> VM, reusing the previous map's links where they did not change. */
export function linksByMac(vms: Iterable<VmView>, previous: ReadonlyMap<string, VmLink>): Map<string, VmLink> {
  const next = new Map<string, VmLink>();
  for (const vm of vms) {
    if (vm.mac === '') continue;
    const before = previous.get(vm.mac);
    next.set(vm.mac, before && before.id === vm.id && before.name === vm.name ? before : { id: vm.id, name: vm.name });
  }
  return next;
}

export function useVmLinks(initial: VmView[], revision: number): ReadonlyMap<string, VmLink> {
  const [cache] = useState(() => new ObjectCache(VM_TYPE, initial, revision));
  const [links, setLinks] = useState(() => linksByMac(initial, new Map()));
  const current = useRef(links);
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (!cache.apply(message)) return;
      const next = linksByMac(
        cache.rows().map((r) => r.row),
        current.current,
      );
      current.current = next;
      setLinks(next);
    },
    [cache],
  );
  useWatchStream({ since: revision, kinds: KINDS, onMessage });
  return links;
}
