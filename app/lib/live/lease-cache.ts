// The browser's copy of the lease table, for the Leases page: every lease by address, the
// reservations that say which leases are reserved, and the rows in view order (lease-order.ts).
//
// It starts from the first ListLeases page (server-rendered) and fills in the later pages after
// hydration. The stream is watched from the first page's revision; a later page may reflect a
// later revision (lease.proto, ListLeasesResponse.revision), so every row remembers the revision
// it reflects and neither a page nor a replayed event ever puts an older version over a newer one.
//
// Reset begins a new snapshot: rows are collected aside and swapped in at Synced, so the view
// never shows the half-built state; the snapshot holds every lease, so no page is needed after it.
//
// Unlike the generic ObjectCache (object-cache.ts), which other pages use, this one keeps its rows
// sorted incrementally and its counts per state and subnet as they change: the page has 50,000
// rows and 500 events a second to fold without re-sorting or re-counting per event.
import {
  indexLease,
  leaseComparator,
  leaseMatcher,
  type IndexedLease,
  type LeaseFilter,
  type LeaseSort,
} from './lease-filter.ts';
import { LeaseOrder } from './lease-order.ts';

// Other pages sort addresses the same way (reservation-view.ts); it lives with the filter now.
export { addressOrder } from './lease-filter.ts';
import type { LeaseRow, LeaseStateName, LiveEvent, StreamMessage } from './types.ts';

/** How long a row the daemon deleted stays, fading, before it leaves the list. */
export const FADE_MS = 1_500;

export interface LeaseEntry extends IndexedLease {
  /** How many times the row changed live since the page loaded. */
  changes: number;
  /** When it last changed live (epoch ms), for the highlight; null for rows from a listing. */
  changedAt: number | null;
  /** When the daemon deleted it (epoch ms), for the fade; null while it exists. */
  removedAt: number | null;
}

/** A reservation as far as this page needs one: whose address it pins to which client. */
export interface ReservationPin {
  id: string;
  address: string;
  /** Exactly one of mac and clientId is set (reservation.proto). */
  mac: string;
  clientId: string;
}

export interface LeaseListing {
  leases: readonly LeaseRow[];
  /** The revision the first ListLeases page reflects. */
  leaseRevision: number;
  reservations: readonly ReservationPin[];
  reservationRevision: number;
}

/** Reservation proto JSON (watch-frames.ts) -> pin; undefined when it carries no id. */
export function toPin(json: unknown): ReservationPin | undefined {
  const r = (json ?? {}) as Partial<Record<keyof ReservationPin, unknown>>;
  if (typeof r.id !== 'string' || r.id === '') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { id: r.id, address: text(r.address), mac: text(r.mac), clientId: text(r.clientId) };
}

interface Snapshot {
  leases: Map<string, LeaseRow>;
  pins: Map<string, ReservationPin>;
}

export class LeaseCache {
  private entries = new Map<string, LeaseEntry>();
  /** Address -> revision of the version held; kept after a delete, so an older page cannot revive it. */
  private leaseRevisions = new Map<string, number>();
  private pins = new Map<string, { pin: ReservationPin; revision: number }>();
  private pinsByAddress = new Map<string, ReservationPin[]>();
  private snapshot: Snapshot | null = null;
  private latest: number;
  private fading = new Set<string>();
  private readonly states = new Map<LeaseStateName, number>();
  private readonly subnets = new Map<string, number>();
  readonly order: LeaseOrder<LeaseEntry>;
  /** True once every lease is in (all pages read, or a snapshot arrived). */
  complete = false;

  constructor(listing: LeaseListing, filter: LeaseFilter, sort: LeaseSort) {
    this.order = new LeaseOrder<LeaseEntry>(leaseComparator(sort), leaseMatcher(filter));
    for (const pin of listing.reservations) this.setPin(pin, listing.reservationRevision);
    for (const row of listing.leases) this.store(row, listing.leaseRevision, null);
    this.latest = Math.max(listing.leaseRevision, listing.reservationRevision);
    this.order.rebuild(this.entries.values());
  }

  /** The highest revision folded in. */
  get revision(): number {
    return this.latest;
  }

  get resyncing(): boolean {
    return this.snapshot !== null;
  }

  /** Leases held (deleted ones that are still fading not counted). */
  get size(): number {
    return this.entries.size;
  }

  get(address: string): LeaseEntry | undefined {
    return this.entries.get(address);
  }

  countOf(state: LeaseStateName): number {
    return this.states.get(state) ?? 0;
  }

  /** Leases per subnet, in no particular order. */
  subnetCounts(): ReadonlyMap<string, number> {
    return this.subnets;
  }

  /** A new filter or sort: the list is placed again, once. */
  setView(filter: LeaseFilter, sort: LeaseSort): void {
    this.order.rebuild(this.entries.values(), leaseComparator(sort), leaseMatcher(filter));
  }

  /** A later ListLeases page; returns whether any row changed. */
  addPage(rows: readonly LeaseRow[], revision: number): boolean {
    if (this.snapshot !== null || this.complete) return false;
    const placed: LeaseEntry[] = [];
    for (const row of rows) {
      if ((this.leaseRevisions.get(row.address) ?? -1) >= revision) continue;
      placed.push(this.store(row, revision, null));
    }
    this.order.putMany(placed);
    return placed.length > 0;
  }

  /** Folds one stream message in; returns whether the visible rows changed. */
  apply(message: StreamMessage, now: number): boolean {
    switch (message.type) {
      case 'event':
        return this.applyEvent(message.event, now);
      case 'reset':
        this.snapshot = { leases: new Map(), pins: new Map() };
        return false;
      case 'synced':
        return this.finishSnapshot(message.revision);
      case 'bookmark':
        this.latest = Math.max(this.latest, message.revision);
        return false;
    }
  }

  /** Drops the deleted rows whose fade is over; returns whether any left. */
  sweep(now: number): boolean {
    let removed = false;
    for (const address of this.fading) {
      const ghost = this.ghostAt(address);
      if (ghost !== undefined && now - ghost < FADE_MS) continue;
      this.fading.delete(address);
      if (!this.entries.has(address)) this.order.remove(address);
      removed = true;
    }
    return removed;
  }

  get fadingCount(): number {
    return this.fading.size;
  }

  private ghostAt(address: string): number | undefined {
    const index = this.order.indexOf(address);
    return index < 0 ? undefined : (this.order.at(index)!.removedAt ?? undefined);
  }

  private applyEvent(event: LiveEvent, now: number): boolean {
    const object = event.kind.slice(0, event.kind.indexOf('.'));
    switch (object) {
      case 'lease':
        return event.lease ? this.applyLease(event, event.lease, now) : false;
      case 'reservation': {
        const pin = toPin(event.reservation);
        return pin ? this.applyPin(event, pin, now) : false;
      }
      default:
        return false;
    }
  }

  private applyLease(event: LiveEvent, row: LeaseRow, now: number): boolean {
    if (event.revision === 0) {
      // A snapshot event (after Reset): part of the rebuild; it never moves the resume point.
      this.snapshot?.leases.set(row.address, row);
      return false;
    }
    if (event.revision <= (this.leaseRevisions.get(row.address) ?? -1)) return false;
    this.latest = Math.max(this.latest, event.revision);
    if (event.kind === 'lease.deleted') {
      this.leaseRevisions.set(row.address, event.revision);
      const old = this.entries.get(row.address);
      if (old === undefined) return false;
      this.forget(old);
      // The row stays in the list, fading, until sweep() takes it out.
      this.order.put(leaseEntry(old, old.changes, old.changedAt, now));
      this.fading.add(row.address);
      return true;
    }
    this.order.put(this.store(row, event.revision, now));
    return true;
  }

  private applyPin(event: LiveEvent, pin: ReservationPin, now: number): boolean {
    if (event.revision === 0) {
      this.snapshot?.pins.set(pin.id, pin);
      return false;
    }
    if (event.revision <= (this.pins.get(pin.id)?.revision ?? -1)) return false;
    this.latest = Math.max(this.latest, event.revision);
    const before = this.pins.get(pin.id)?.pin;
    if (event.kind === 'reservation.deleted') this.dropPin(pin.id);
    else this.setPin(pin, event.revision);
    // The leases at the old and the new address may have become (un)reserved.
    let changed = false;
    for (const address of new Set([before?.address, pin.address])) {
      if (address === undefined) continue;
      const entry = this.entries.get(address);
      if (entry === undefined || entry.reserved === this.isReserved(entry.row)) continue;
      this.order.put(this.store(entry.row, this.leaseRevisions.get(address) ?? 0, now));
      changed = true;
    }
    return changed;
  }

  private finishSnapshot(revision: number): boolean {
    const snapshot = this.snapshot;
    if (snapshot === null) {
      this.latest = Math.max(this.latest, revision);
      return false;
    }
    this.snapshot = null;
    this.entries.clear();
    this.leaseRevisions.clear();
    this.pins.clear();
    this.pinsByAddress.clear();
    this.states.clear();
    this.subnets.clear();
    this.fading.clear();
    for (const pin of snapshot.pins.values()) this.setPin(pin, revision);
    for (const row of snapshot.leases.values()) this.store(row, revision, null);
    this.latest = revision;
    this.complete = true;
    this.order.rebuild(this.entries.values());
    return true;
  }

  /** Indexes a row, replaces what the cache held for its address and counts it. */
  private store(row: LeaseRow, revision: number, changedAt: number | null): LeaseEntry {
    const old = this.entries.get(row.address);
    if (old !== undefined) this.forget(old);
    const entry = leaseEntry(
      indexLease(row, this.isReserved(row)),
      (old?.changes ?? 0) + (changedAt === null ? 0 : 1),
      changedAt ?? old?.changedAt ?? null,
      null,
    );
    this.entries.set(row.address, entry);
    this.leaseRevisions.set(row.address, revision);
    this.fading.delete(row.address);
    bump(this.states, row.state, 1);
    bump(this.subnets, row.subnet, 1);
    return entry;
  }

  private forget(entry: LeaseEntry): void {
    this.entries.delete(entry.row.address);
    bump(this.states, entry.row.state, -1);
    bump(this.subnets, entry.row.subnet, -1);
  }

  private isReserved(row: LeaseRow): boolean {
    return (this.pinsByAddress.get(row.address) ?? []).some(
      (p) => (p.mac !== '' && p.mac === row.hwAddress) || (p.clientId !== '' && p.clientId === row.clientId),
    );
  }

  private setPin(pin: ReservationPin, revision: number): void {
    this.dropPin(pin.id);
    this.pins.set(pin.id, { pin, revision });
    this.pinsByAddress.set(pin.address, [...(this.pinsByAddress.get(pin.address) ?? []), pin]);
  }

  private dropPin(id: string): void {
    const held = this.pins.get(id);
    if (held === undefined) return;
    this.pins.delete(id);
    const rest = (this.pinsByAddress.get(held.pin.address) ?? []).filter((p) => p.id !== id);
    if (rest.length === 0) this.pinsByAddress.delete(held.pin.address);
    else this.pinsByAddress.set(held.pin.address, rest);
  }
}

/**
 * Every entry built in one place with its fields in one order: the comparators run millions of
 * times over these, and objects of one shape keep them fast (spread copies did not, ~10x).
 */
function leaseEntry(
  lease: IndexedLease,
  changes: number,
  changedAt: number | null,
  removedAt: number | null,
): LeaseEntry {
  return {
    row: lease.row,
    reserved: lease.reserved,
    order: lease.order,
    subnetOrder: lease.subnetOrder,
    text: lease.text,
    mac: lease.mac,
    host: lease.host,
    changes,
    changedAt,
    removedAt,
  };
}

function bump<K>(counts: Map<K, number>, key: K, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}
