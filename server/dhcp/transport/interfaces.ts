// What the host says about its network interfaces, in the numeric form the DHCP code uses.
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseAddressWithPrefix } from '../codec/ipv4.ts';

export interface InterfaceAddress {
  /** IPv4 address as an unsigned 32-bit number (codec/ipv4.ts). */
  address: number;
  /** Prefix length of the subnet the address sits in: 24 for a /24. */
  prefix: number;
}

/** IPv4 addresses of `name`; empty when it has none or does not exist (or is down, for Node). */
export function interfaceAddresses(name: string): InterfaceAddress[] {
  const entries = networkInterfaces()[name] ?? [];
  const found: InterfaceAddress[] = [];
  for (const entry of entries) {
    if (entry.family !== 'IPv4') continue;
    // Node leaves cidr null only for a netmask it cannot read; such an entry is skipped.
    const parsed = entry.cidr === null ? null : parseAddressWithPrefix(entry.cidr);
    if (parsed !== null) found.push(parsed);
  }
  return found;
}

/** True when the kernel knows a network device called `name` (in this network namespace). */
export function interfaceExists(name: string): boolean {
  if (name.length === 0 || name.length > 15 || name.includes('/') || name.startsWith('.')) {
    return false;
  }
  return existsSync(`/sys/class/net/${name}`);
}
