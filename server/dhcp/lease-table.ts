// The in-memory lease table: the hot path reads only this, never the database.
// Two indexes: by address, and by (subnet, client). A client holds at most one lease per subnet.
import type { Lease } from './lease.ts';

export function clientIndexKey(subnetId: string, clientKey: string): string {
  return `${subnetId}\u0000${clientKey}`;
}

export class LeaseTable {
  private readonly byAddress = new Map<number, Lease>();
  private readonly byClient = new Map<string, Lease>();

  get size(): number {
    return this.byAddress.size;
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
        moved = previous.address;
      }
      this.byClient.set(key, lease);
    }
    this.byAddress.set(lease.address, lease);
    return moved;
  }

  delete(address: number): Lease | undefined {
    const lease = this.byAddress.get(address);
    if (!lease) return undefined;
    this.byAddress.delete(address);
    if (lease.clientKey !== '') {
      const key = clientIndexKey(lease.subnetId, lease.clientKey);
      if (this.byClient.get(key) === lease) this.byClient.delete(key);
    }
    return lease;
  }

  values(): IterableIterator<Lease> {
    return this.byAddress.values();
  }
}
