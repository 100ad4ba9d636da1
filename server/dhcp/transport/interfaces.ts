// What the host says about its network interfaces, in the numeric form the DHCP code uses.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseAddressWithPrefix } from '../codec/ipv4.ts';

export interface InterfaceAddress {
  /** IPv4 address as an unsigned 32-bit number (codec/ipv4.ts). */
  address: number;
  /** Prefix length of the subnet the address sits in: 24 for a /24. */
  prefix: number;
}

/**
 * IPv4 addresses of `name`; empty when it has none or does not exist. Asked of the kernel with
 * `ip -j addr` because Node (libuv) leaves out every interface that is not running: a bridge
 * whose only ports are the taps of stopped VMs has no carrier, yet its address is configured and
 * DHCP must still serve it (the next VM to start needs it).
 */
export function interfaceAddresses(name: string): InterfaceAddress[] {
  if (!interfaceExists(name)) return [];
  let output: string;
  try {
    output = execFileSync('ip', ['-j', '-4', 'addr', 'show', 'dev', name], {
      encoding: 'utf8',
      timeout: 5_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return fromNode(name); // no iproute2: Node's view, running interfaces only
  }
  const links = JSON.parse(output) as { addr_info?: { family?: string; local?: string; prefixlen?: number }[] }[];
  const found: InterfaceAddress[] = [];
  for (const info of links.flatMap((l) => l.addr_info ?? [])) {
    if (info.family !== 'inet' || info.local === undefined || info.prefixlen === undefined) continue;
    const parsed = parseAddressWithPrefix(`${info.local}/${info.prefixlen}`);
    if (parsed !== null) found.push(parsed);
  }
  return found;
}

function fromNode(name: string): InterfaceAddress[] {
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
