// Datagrams the kernel dropped because a UDP socket's receive buffer was full, per network
// namespace (/proc/net/snmp is per namespace). The bench reads it in the server's namespace
// (requests the server never read) and in perfdhcp's (replies perfdhcp never read), before and
// after a step, so a step's loss can be put on the side that lost it: the load generator falling
// behind on a busy machine looks the same as a slow server in perfdhcp's own counters.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Lab } from '../lab/lab.ts';

/** The Udp RcvbufErrors counter of one /proc/net/snmp text. */
export function parseUdpRcvbufErrors(snmp: string): number {
  const lines = snmp.split('\n').filter((line) => line.startsWith('Udp: '));
  if (lines.length < 2) throw new Error('/proc/net/snmp has no Udp header and value lines');
  const names = lines[0]!.split(' ').slice(1);
  const values = lines[1]!.split(' ').slice(1);
  const at = names.indexOf('RcvbufErrors');
  const value = Number(values[at]);
  if (at < 0 || !Number.isInteger(value)) throw new Error('/proc/net/snmp has no Udp RcvbufErrors value');
  return value;
}

export interface SocketDrops {
  /** Datagrams dropped at the server namespace's sockets: requests. */
  server: number;
  /** Datagrams dropped at the load generator's namespace: replies. */
  generator: number;
}

async function rcvbufErrors(lab: Lab, ns: string): Promise<number> {
  const result = await lab.exec(ns, 'cat', ['/proc/net/snmp']);
  if (result.code !== 0) throw new Error(`reading /proc/net/snmp in ${ns} failed: ${result.stderr.trim()}`);
  return parseUdpRcvbufErrors(result.stdout);
}

/** Both namespaces' counters now; subtract two readings for a step's drops. */
export async function readSocketDrops(lab: Lab, generatorNamespace: string): Promise<SocketDrops> {
  const [server, generator] = await Promise.all([
    rcvbufErrors(lab, lab.serverNamespace),
    rcvbufErrors(lab, generatorNamespace),
  ]);
  return { server, generator };
}

export function dropsBetween(before: SocketDrops, after: SocketDrops): SocketDrops {
  return { server: after.server - before.server, generator: after.generator - before.generator };
}

/** Where Linux keeps the receive buffer a new socket starts with. Not per network namespace. */
export const RMEM_DEFAULT_FILE = '/proc/sys/net/core/rmem_default';

/**
 * Raises the receive buffer every new socket starts with to at least `bytes` (a no-op when it is
 * already that large) and returns what undoes it. Homeplane asks for its own buffer; Kea and
 * perfdhcp take this default, so the bench sets it to Homeplane's size for the run: every socket
 * of the lab gets the same buffer, and perfdhcp's no longer overflows at high rates, which
 * counted as the server's loss (issue 12's note: 4,335 of the 4,670 exchanges lost at
 * 10,000/s in one run).
 */
export function raiseDefaultReceiveBuffer(
  bytes: number,
  file = RMEM_DEFAULT_FILE,
): { from: number; to: number; restore: () => void } {
  const from = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(from)) throw new Error(`${file} does not hold a whole number`);
  if (from >= bytes) return { from, to: from, restore: () => undefined };
  writeFileSync(file, String(bytes));
  let restored = false;
  return {
    from,
    to: bytes,
    restore: () => {
      if (restored) return;
      restored = true;
      writeFileSync(file, String(from));
    },
  };
}
