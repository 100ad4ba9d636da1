// The in-memory lease table: the hot path reads only this, never the database.
// Two indexes: by address, and by (subnet, client). A client holds at most one lease per subnet.
import type { Lease } from './lease.ts';

export function clientIndexKey(subnetId: string, clientKey: string): string {
  return `${subnetId}\u0000${clientKey}`;
}

/** A subnet's leases by state, kept as the table changes (reading it costs nothing per lease). */
export interface SubnetLeaseCounts {
  active: number;
  declined: number;
  /** Active or declined leases on addresses of the subnet's pools: what the pools cannot hand out. */
  busyInPool: number;
}

export class LeaseTable {
  private readonly byAddress = new Map<number, Lease>();
  private readonly byClient = new Map<string, Lease>();
  private readonly counts = new Map<string, SubnetLeaseCounts>();

  /** `inPool`: whether an address is in the pools of the subnet (for SubnetLeaseCounts.busyInPool). */
  constructor(private readonly inPool: (subnetId: string, address: number) => boolean = () => false) {}

  get size(): number {
    return this.byAddress.size;
  }

  /** The subnet's counts now; zero for a subnet without leases. */
  countsOf(subnetId: string): Readonly<SubnetLeaseCounts> {
    return this.counts.get(subnetId) ?? { active: 0, declined: 0, busyInPool: 0 };
  }

  byAddr(address: number): Lease | undefined {
    return this.byAddress.get(address);
  }

  forClient(subnetId: string, clientKey: string): Lease | undefined {
    return this.byClient.get(clientIndexKey(subnetId, clientKey));
  }

  /**
   * Stores a lease, replacing whatever held its address and the client's previous lease in the
   * subnet. Returns the address of the client's previous lease when it moved (so the caller can
   * delete that row and recycle the address), else null.
   */
  set(lease: Lease): number | null {
    const displaced = this.byAddress.get(lease.address);
    if (displaced) this.tally(displaced, -1);
    if (displaced && displaced.clientKey !== '') {
      const key = clientIndexKey(displaced.subnetId, displaced.clientKey);
      if (this.byClient.get(key) === displaced) this.byClient.delete(key);
    }
    let moved: number | null = null;
    if (lease.clientKey !== '') {
      const key = clientIndexKey(lease.subnetId, lease.clientKey);
      const previous = this.byClient.get(key);
      if (previous && previous.address !== lease.address) {
        this.byAddress.delete(previous.address);
        this.tally(previous, -1);
        moved = previous.address;
      }
      this.byClient.set(key, lease);
    }
    this.byAddress.set(lease.address, lease);
    this.tally(lease, 1);
    return moved;
  }

  delete(address: number): Lease | undefined {
    const lease = this.byAddress.get(address);
    if (!lease) return undefined;
    this.byAddress.delete(address);
    this.tally(lease, -1);
    if (lease.clientKey !== '') {
      const key = clientIndexKey(lease.subnetId, lease.clientKey);
      if (this.byClient.get(key) === lease) this.byClient.delete(key);
    }
    return lease;
  }

  values(): IterableIterator<Lease> {
    return this.byAddress.values();
  }

  private tally(lease: Lease, sign: 1 | -1): void {
    if (lease.state !== 'active' && lease.state !== 'declined') return;
    let counts = this.counts.get(lease.subnetId);
    if (counts === undefined) {
      counts = { active: 0, declined: 0, busyInPool: 0 };
      this.counts.set(lease.subnetId, counts);
    }
    counts[lease.state] += sign;
    if (this.inPool(lease.subnetId, lease.address)) counts.busyInPool += sign;
  }
}
