// Checks of what clients were told against what the server stored: the two promises a DHCP
// server keeps across a crash. RFC 2131 4.3.1 (an address goes to one client at a time) and
// design.md (a lease is committed before its ACK leaves).
import type { AckSeen } from './dhcp-client-swarm.ts';

/** A row of the leases table, addresses as text. */
export interface StoredLease {
  address: string;
  hwAddress: string;
  clientId: string | null;
  state: string;
}

/** Pairs of ACKs that gave one address to two different clients for overlapping lease times. */
export function doubleGrants(acks: readonly AckSeen[]): string[] {
  const byAddress = new Map<string, AckSeen[]>();
  for (const ack of acks) {
    const list = byAddress.get(ack.address);
    if (list === undefined) byAddress.set(ack.address, [ack]);
    else list.push(ack);
  }
  const found: string[] = [];
  for (const [address, list] of byAddress) {
    for (const [i, a] of list.entries()) {
      for (const b of list.slice(i + 1)) {
        if (sameClient(a, b) || !overlap(a, b)) continue;
        found.push(`${address}: to ${a.mac} at ${a.receivedAt} and to ${b.mac} at ${b.receivedAt}`);
      }
    }
  }
  return found;
}

function sameClient(a: AckSeen, b: AckSeen): boolean {
  return a.mac === b.mac && a.clientId === b.clientId;
}

/** Whether the two leases' validity, [receivedAt, receivedAt + lease time), intersect. */
function overlap(a: AckSeen, b: AckSeen): boolean {
  return a.receivedAt < b.receivedAt + b.leaseSeconds * 1000 && b.receivedAt < a.receivedAt + a.leaseSeconds * 1000;
}

/** ACKed leases with no stored row, or whose row names another client or is not active. */
export function missingLeases(acks: readonly AckSeen[], stored: ReadonlyMap<string, StoredLease>): string[] {
  return acks.flatMap((ack) => {
    const row = stored.get(ack.address);
    if (row === undefined) return [`${ack.address} (${ack.mac}): no row`];
    if (row.hwAddress !== ack.mac || row.clientId !== ack.clientId || row.state !== 'active') {
      return [`${ack.address} (${ack.mac}): row is ${JSON.stringify(row)}`];
    }
    return [];
  });
}
