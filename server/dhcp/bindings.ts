// The binding database (RFC 2131 1: "a collection of client-address bindings"): the one owner of
// the in-memory lease table, the offers held, the subnets' pool allocators and the lease store's
// copy of all that. Everyone who changes a binding (the engine per packet, the reclaimer, the
// operator API, start-up) calls a method here, so the rule "table, offers, pools and store agree"
// lives in this file only.
//
// Durability: each change updates memory at once (the next request in the same turn sees it) and
// queues the changed rows; its `durable` promise says whether that commit succeeded. A failed
// commit is never replayed as it was: leases are snapshots, and replaying an old write could undo
// a newer one (A moves off X, the commit fails, X goes to B and commits, A's replay deletes B's
// row). Instead the changed addresses stay in a dirty set, and the retry rewrites each one from
// the table's current state; an address leaves the set only when the database has committed its
// latest state. Retries never give up; while any address waits, the store is "behind", which the
// daemon reports (health NOT_SERVING, an error log line, a counter).
import type { Lease, LeaseEventKind, LeaseStore } from './lease.ts';
import type { AvailabilityCheck } from './allocator.ts';
import type { LeaseWrite } from './outcome.ts';
import type { Subnet } from './subnet.ts';
import { LeaseTable } from './lease-table.ts';
import { OfferBook } from './offers.ts';

/** What a change wrote, and whether the commit holding it succeeded (false: retried later). */
export interface Change {
  writes: LeaseWrite[];
  durable: Promise<boolean>;
}

export interface StoreHealth {
  /** Some change failed to commit and is not yet rewritten successfully: the database is behind the table. */
  behind: boolean;
  /** Addresses whose latest state is not yet committed (in flight or waiting for a retry). */
  dirty: number;
  /** Row writes that failed since start (each failed commit fails every row in it). */
  failedWrites: number;
  /** Rewrites of dirty addresses since start. */
  retries: number;
}

/** A subnet's pool as it stands, from counts kept as leases change (no walk over the table). */
export interface PoolUsage {
  subnet: string;
  /** Addresses in the subnet's pools. */
  size: number;
  /** Active leases (until the reclaimer marks the expired ones). */
  leased: number;
  /** Reservations of the subnet (config, API and VMs), inside the pools or not. */
  reserved: number;
  /** Declined addresses in probation. */
  declined: number;
  /** Pool addresses not held by an active or declined lease. */
  free: number;
}

export interface BindingsOptions {
  /** Called when the store falls behind (with the error) and when it has caught up (error null). */
  onStoreHealth?: (health: StoreHealth, error: unknown) => void;
  /** First retry delay; it doubles up to maxRetryDelayMs while commits keep failing. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

interface Dirty {
  /** Bumped by every write of the address; a commit settles the entry only if it wrote the latest. */
  generation: number;
  /** The event kind of the latest change: a rewrite records it again. */
  kind: LeaseEventKind;
  /** The latest lease at the address: the one put, or the one removed (lease.deleted's object). */
  lease: Lease;
  /** A write of the address failed since it was last settled. */
  behind: boolean;
  /** The latest write failed and nothing newer is queued: the retry must rewrite the address. */
  needsRewrite: boolean;
}

/** Nothing to write (offers, INFORM, drops). */
export const NO_CHANGE: Change = Object.freeze({ writes: [], durable: Promise.resolve(true) });

export class Bindings {
  private readonly table: LeaseTable;
  private readonly offers = new OfferBook();
  private readonly subnetsById: ReadonlyMap<string, Subnet>;
  private readonly dirty = new Map<number, Dirty>();
  /** Dirty entries with `behind` set. */
  private behindCount = 0;
  private failedWrites = 0;
  private retries = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay: number;
  private readonly firstRetryDelay: number;
  private readonly maxRetryDelay: number;
  private closed = false;

  constructor(
    readonly subnets: readonly Subnet[],
    private readonly store: LeaseStore,
    private readonly options: BindingsOptions = {},
  ) {
    this.subnetsById = new Map(subnets.map((s) => [s.id, s]));
    this.table = new LeaseTable(
      (subnetId, address) => this.subnetsById.get(subnetId)?.allocator.contains(address) ?? false,
    );
    this.firstRetryDelay = options.retryDelayMs ?? 100;
    this.maxRetryDelay = options.maxRetryDelayMs ?? 5_000;
    this.retryDelay = this.firstRetryDelay;
  }

  // --- reads

  get size(): number {
    return this.table.size;
  }

  byAddr(address: number): Readonly<Lease> | undefined {
    return this.table.byAddr(address);
  }

  forClient(subnetId: string, clientKey: string): Readonly<Lease> | undefined {
    return this.table.forClient(subnetId, clientKey);
  }

  leases(): IterableIterator<Readonly<Lease>> {
    return this.table.values();
  }

  offerFor(subnetId: string, clientKey: string, now: number): number | undefined {
    return this.offers.forClient(subnetId, clientKey, now);
  }

  offerHeldByOther(address: number, clientKey: string | undefined, now: number): boolean {
    return this.offers.heldByOther(address, clientKey, now);
  }

  /** Per subnet, in config order: cheap enough for every metrics scrape. */
  poolUsage(): PoolUsage[] {
    return this.subnets.map((subnet) => {
      const counts = this.table.countsOf(subnet.id);
      const size = subnet.allocator.capacity;
      return {
        subnet: subnet.id,
        size,
        leased: counts.active,
        reserved: subnet.reservationCount,
        declined: counts.declined,
        free: Math.max(0, size - counts.busyInPool),
      };
    });
  }

  health(): StoreHealth {
    return {
      behind: this.behindCount > 0,
      dirty: this.dirty.size,
      failedWrites: this.failedWrites,
      retries: this.retries,
    };
  }

  // --- start-up

  /**
   * Fills the table from the stored rows. Oldest first: should the database ever hold two rows
   * for one client, the newest binding wins and the stale row is deleted (with its event).
   */
  load(stored: readonly Lease[]): Change {
    const writes: LeaseWrite[] = [];
    for (const lease of [...stored].sort((a, b) => a.startsAt - b.startsAt)) {
      const displaced = this.table.forClient(lease.subnetId, lease.clientKey);
      const moved = this.table.set(lease);
      if (moved !== null && displaced) writes.push({ op: 'remove', address: moved, was: displaced });
    }
    return this.persist(writes);
  }

  // --- pools and offers (memory only: an offer is a promise for offerTimeout, never persisted)

  /** A free address of the subnet's pools for a new client, or null. */
  allocate(subnet: Subnet, check: AvailabilityCheck): number | null {
    return subnet.allocator.allocate(check);
  }

  /** The address may be free again (a reservation moved off it, say): its pool may hand it out. */
  returnToPool(subnetId: string, address: number): void {
    this.subnetsById.get(subnetId)?.allocator.release(address);
  }

  /** Holds the address for the client; the client's earlier offer goes back to its pool. */
  holdOffer(subnet: Subnet, address: number, clientKey: string, expiresAt: number): void {
    const superseded = this.offers.hold(address, subnet.id, clientKey, expiresAt);
    if (superseded !== undefined) subnet.allocator.release(superseded);
  }

  /** The client chose another server: its offer goes back to the pool. */
  forgetOffer(subnet: Subnet, clientKey: string): void {
    const address = this.offers.dropClient(subnet.id, clientKey);
    if (address !== undefined) subnet.allocator.release(address);
  }

  /** Forgets lapsed offers and returns their addresses to the pools; returns the subnets that got some. */
  expireOffers(now: number): Set<string> {
    const subnets = new Set<string>();
    for (const lapsed of this.offers.expire(now)) {
      this.returnToPool(lapsed.subnetId, lapsed.address);
      subnets.add(lapsed.subnetId);
    }
    return subnets;
  }

  // --- lease changes

  /** Binds the lease's address to its client (granted or renewed); a move deletes the client's old row. */
  bind(lease: Lease, kind: 'lease.granted' | 'lease.renewed'): Change {
    const writes: LeaseWrite[] = [];
    const previous = this.table.forClient(lease.subnetId, lease.clientKey);
    const moved = this.table.set(lease);
    if (moved !== null) {
      writes.push({ op: 'remove', address: moved, was: previous! });
      this.returnToPool(lease.subnetId, moved);
    }
    writes.push({ op: 'put', lease, kind });
    this.offers.release(lease.address);
    return this.persist(writes);
  }

  /** The client found the address in use (RFC 2131 4.3.3): quarantined until `until`. */
  decline(lease: Readonly<Lease>, now: number, until: number): Change {
    const declined: Lease = {
      ...lease,
      clientKey: '',
      clientId: null,
      hostname: null,
      fqdn: null,
      state: 'declined',
      startsAt: now,
      expiresAt: until,
    };
    this.table.set(declined);
    return this.persist([{ op: 'put', lease: declined, kind: 'lease.declined' }]);
  }

  /**
   * Ends a lease now (a client's RELEASE, an operator's release): it stays on record for its
   * client (RFC 2131 4.3.1) and the address goes back to the pool.
   */
  end(lease: Readonly<Lease>, now: number): Change {
    const released: Lease = { ...lease, state: 'released', expiresAt: now };
    this.table.set(released);
    this.returnToPool(lease.subnetId, lease.address);
    return this.persist([{ op: 'put', lease: released, kind: 'lease.released' }]);
  }

  /**
   * Expired-lease reclamation (Kea: reclaim-timer-wait-time). Leases past their end become
   * 'expired' (kept, so the client can get the address back while it stays free); declined
   * addresses past probation are forgotten; lapsed offers go back to their pools.
   */
  reclaim(now: number): Change {
    const ended: Lease[] = [];
    for (const lease of this.table.values()) {
      if (lease.expiresAt <= now && (lease.state === 'active' || lease.state === 'declined')) ended.push(lease);
    }
    const writes: LeaseWrite[] = [];
    for (const lease of ended) {
      if (lease.state === 'active') {
        const expired: Lease = { ...lease, state: 'expired' };
        this.table.set(expired);
        writes.push({ op: 'put', lease: expired, kind: 'lease.expired' });
      } else {
        this.table.delete(lease.address);
        writes.push({ op: 'remove', address: lease.address, was: lease });
      }
      this.returnToPool(lease.subnetId, lease.address);
    }
    this.expireOffers(now);
    return this.persist(writes);
  }

  /**
   * Stops the retry timer and makes one last attempt at what waits for a retry (the store's
   * close() commits it); returns how many addresses were behind before that attempt.
   */
  close(): number {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const behind = this.behindCount;
    this.rewriteDirty();
    return behind;
  }

  // --- durability

  private persist(writes: LeaseWrite[]): Change {
    if (writes.length === 0) return NO_CHANGE;
    const done = writes.map((write) => {
      const address = addressOf(write);
      const lease = write.op === 'put' ? write.lease : write.was;
      let entry = this.dirty.get(address);
      if (entry === undefined) {
        entry = { generation: 0, kind: kindOf(write), lease, behind: false, needsRewrite: false };
        this.dirty.set(address, entry);
      }
      entry.generation += 1;
      entry.kind = kindOf(write);
      entry.lease = lease;
      entry.needsRewrite = false;
      return this.submit(write, entry);
    });
    return { writes, durable: Promise.all(done).then((results) => results.every(Boolean)) };
  }

  /** Queues one row's write; settles the dirty entry if that write was the address's latest. */
  private submit(write: LeaseWrite, entry: Dirty): Promise<boolean> {
    const address = addressOf(write);
    const generation = entry.generation;
    const queued =
      write.op === 'put' ? this.store.put(write.lease, write.kind) : this.store.remove(write.address, write.was);
    return queued.then(
      () => {
        if (this.dirty.get(address) === entry && entry.generation === generation) {
          this.dirty.delete(address);
          if (entry.behind && --this.behindCount === 0) this.caughtUp();
        }
        return true;
      },
      (error: unknown) => {
        this.failedWrites++;
        if (this.dirty.get(address) === entry && entry.generation === generation) {
          entry.needsRewrite = true;
          if (!entry.behind) {
            entry.behind = true;
            if (this.behindCount++ === 0) this.options.onStoreHealth?.(this.health(), error);
          }
          this.scheduleRetry();
        }
        return false;
      },
    );
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryDelay = Math.min(this.retryDelay * 2, this.maxRetryDelay);
      this.rewriteDirty();
    }, this.retryDelay);
    this.retryTimer.unref();
  }

  private caughtUp(): void {
    this.retryDelay = this.firstRetryDelay;
    this.options.onStoreHealth?.(this.health(), null);
  }

  /** Writes every address whose latest write failed again, from the table's current state. */
  private rewriteDirty(): void {
    for (const [address, entry] of this.dirty) {
      if (!entry.needsRewrite) continue;
      entry.needsRewrite = false;
      entry.generation += 1;
      this.retries++;
      const current = this.table.byAddr(address);
      const write: LeaseWrite =
        current !== undefined
          ? { op: 'put', lease: current, kind: entry.kind === 'lease.deleted' ? 'lease.granted' : entry.kind }
          : { op: 'remove', address, was: entry.lease };
      void this.submit(write, entry);
    }
  }
}

function addressOf(write: LeaseWrite): number {
  return write.op === 'put' ? write.lease.address : write.address;
}

function kindOf(write: LeaseWrite): LeaseEventKind {
  return write.op === 'put' ? write.kind : 'lease.deleted';
}
