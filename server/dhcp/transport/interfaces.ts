// What the host says about its network interfaces, in the numeric form the DHCP code uses.
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseIPv4 } from '../codec/ipv4.ts';

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
    const address = parseIPv4(entry.address);
    const prefix = prefixOf(entry.cidr, entry.netmask);
    if (address !== null && prefix !== null) found.push({ address, prefix });
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

function prefixOf(cidr: string | null, netmask: string): number | null {
  if (cidr !== null) {
    const prefix = Number(cidr.slice(cidr.indexOf('/') + 1));
    if (Number.isInteger(prefix) && prefix >= 0 && prefix <= 32) return prefix;
  }
  const mask = parseIPv4(netmask);
  if (mask === null) return null;
  // Count the leading one bits of a contiguous mask.
  const prefix = 32 - Math.log2(((~mask >>> 0) + 1));
  return Number.isInteger(prefix) ? prefix : null;
}
