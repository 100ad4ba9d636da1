// The in-memory lease table: the hot path reads only this, never the database.
// Two indexes: by address, and by (subnet, client). A client holds at most one lease per subnet.
import type { Lease } from './lease.ts';

/**
 * Values by (subnet, client key), one map per subnet. Not one map keyed by the two joined: that
 * built a new string at every lookup (several a DORA) and kept one more per entry.
 */
export class ClientIndex<V> {
  private readonly bySubnet = new Map<string, Map<string, V>>();

  get(subnetId: string, clientKey: string): V | undefined {
    return this.bySubnet.get(subnetId)?.get(clientKey);
  }

  set(subnetId: string, clientKey: string, value: V): void {
    let clients = this.bySubnet.get(subnetId);
    if (clients === undefined) {
      clients = new Map();
      this.bySubnet.set(subnetId, clients);
    }
    clients.set(clientKey, value);
  }

  /** Removes the entry when it holds `value` (or any value when `value` is undefined). */
  delete(subnetId: string, clientKey: string, value?: V): void {
    const clients = this.bySubnet.get(subnetId);
    if (clients === undefined || (value !== undefined && clients.get(clientKey) !== value)) return;
    clients.delete(clientKey);
  }
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
  private readonly byClient = new ClientIndex<Lease>();
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
    return this.byClient.get(subnetId, clientKey);
  }

  /**
   * Stores a lease, replacing whatever held its address and the client's previous lease in the
   * subnet. Returns the address of the client's previous lease when it moved (so the caller can
   * delete that row and recycle the address), else null.
   */
  set(lease: Lease): number | null {
    const displaced = this.byAddress.get(lease.address);
    if (displaced) this.tally(displaced, -1);
    if (displaced && displaced.clientKey !== '')
      this.byClient.delete(displaced.subnetId, displaced.clientKey, displaced);
    let moved: number | null = null;
    if (lease.clientKey !== '') {
      const previous = this.byClient.get(lease.subnetId, lease.clientKey);
      if (previous && previous.address !== lease.address) {
        this.byAddress.delete(previous.address);
        this.tally(previous, -1);
        moved = previous.address;
      }
      this.byClient.set(lease.subnetId, lease.clientKey, lease);
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
    if (lease.clientKey !== '') this.byClient.delete(lease.subnetId, lease.clientKey, lease);
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
