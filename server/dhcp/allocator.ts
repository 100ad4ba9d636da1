// Dynamic address allocation for one subnet's pools, without scanning the pool per request.
//
// A cursor walks the pools once, in order, handing out never-used addresses; every address it
// passes is either handed out or found busy. Addresses behind the cursor that become free again
// (released, expired, declined past probation, offers that lapsed) go onto a FIFO queue, so the
// address freed longest ago is reused first and a returning client's old address stays free as
// long as possible (RFC 2131 4.3.1). Queue entries are checked again when popped (lazy
// deletion), because a returning client may have taken its old address back in the meantime.
// Each address passes the cursor at most once, so allocation is O(1) amortised, even for a /8.
import type { PoolConfig } from '../config/types.ts';

/** Answers whether an address may be handed to a new client right now. */
export interface AvailabilityCheck {
  /** Free, and not reserved, offered, declined or leased to anyone. */
  isFree(address: number): boolean;
  /** Free, but still remembered as a previous client's address (released or expired lease). */
  hasHistory(address: number): boolean;
}

export class PoolAllocator {
  private poolIndex = 0;
  private next: number;
  private readonly queue: number[] = [];
  private queueHead = 0;
  private readonly queued = new Set<number>();

  constructor(private readonly pools: readonly PoolConfig[]) {
    this.next = pools[0]?.start ?? 0;
    this.capacity = pools.reduce((sum, p) => sum + (p.end - p.start + 1), 0);
  }

  /** Total number of addresses in the pools. */
  readonly capacity: number;

  contains(address: number): boolean {
    for (const pool of this.pools) if (address >= pool.start && address <= pool.end) return true;
    return false;
  }

  /** Picks an address for a new client, or null when the pools are exhausted. */
  allocate(check: AvailabilityCheck): number | null {
    for (let address = this.advance(); address !== null; address = this.advance()) {
      if (!check.isFree(address)) continue;
      if (!check.hasHistory(address)) return address;
      this.release(address); // keep it for its previous client while never-used ones remain
    }
    while (this.queueHead < this.queue.length) {
      const address = this.queue[this.queueHead++]!;
      this.queued.delete(address);
      if (check.isFree(address)) {
        this.compact();
        return address;
      }
    }
    this.compact();
    return null;
  }

  /** Tells the allocator an address may be free again. Addresses outside the pools are ignored. */
  release(address: number): void {
    if (!this.behindCursor(address) || this.queued.has(address)) return;
    this.queued.add(address);
    this.queue.push(address);
  }

  private behindCursor(address: number): boolean {
    for (let i = 0; i < this.pools.length; i++) {
      const pool = this.pools[i]!;
      if (address < pool.start || address > pool.end) continue;
      return i < this.poolIndex || (i === this.poolIndex && address < this.next);
    }
    return false;
  }

  private advance(): number | null {
    while (this.poolIndex < this.pools.length) {
      const pool = this.pools[this.poolIndex]!;
      if (this.next <= pool.end) return this.next++;
      this.poolIndex++;
      this.next = this.pools[this.poolIndex]?.start ?? 0;
    }
    return null;
  }

  private compact(): void {
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }
}
