// What the process may do with the network: root, or the capabilities DHCP needs.
import { readFileSync } from 'node:fs';

const CAP_NET_BIND_SERVICE = 10;
const CAP_NET_ADMIN = 12;
const CAP_NET_RAW = 13;

function effectiveCapabilities(): bigint {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('CapEff:'));
    return line ? BigInt(`0x${line.slice(7).trim()}`) : 0n;
  } catch {
    return 0n;
  }
}

const has = (caps: bigint, bit: number): boolean => (caps & (1n << BigInt(bit))) !== 0n;

/** Binding port 67 and a socket to a device: root, or CAP_NET_BIND_SERVICE + CAP_NET_RAW. */
export function canServeDhcp(): boolean {
  const caps = effectiveCapabilities();
  return has(caps, CAP_NET_BIND_SERVICE) && has(caps, CAP_NET_RAW);
}

/** Creating bridges and addresses. */
export function canManageNetwork(): boolean {
  return has(effectiveCapabilities(), CAP_NET_ADMIN);
}
