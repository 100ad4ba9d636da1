// MACs for new VMs: QEMU's locally administered 52:54:00 prefix (as libvirt and Proxmox use),
// three random octets, never one another VM or reservation already has.
import { randomBytes } from 'node:crypto';

export const VM_MAC_PREFIX = '52:54:00';

/** A random 52:54:00:xx:xx:xx not in `taken`; gives up (throws) only if the prefix is nearly full. */
export function generateMac(taken: (mac: string) => boolean, random: (n: number) => Buffer = randomBytes): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const tail = [...random(3)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const mac = `${VM_MAC_PREFIX}:${tail}`;
    if (!taken(mac)) return mac;
  }
  throw new Error(`no free MAC found under ${VM_MAC_PREFIX} after 1000 tries; give one explicitly`);
}
