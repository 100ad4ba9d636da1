// The browser's copy of the lease table, kept current by folding the Watch stream into it
// (event.proto: a client folds events by the object's identity; a lease's is its address).
// "lease.deleted" (the daemon dropped the row, e.g. its address went to another client) removes
// it; every other lease kind inserts or replaces the whole lease.
//
// It starts from a ListLeases page and that page's revision. Live events replace the whole
// lease. Reset begins a new snapshot: rows are collected aside and swapped in at Synced, so the
// table never shows the half-built state in between.
import type { LeaseRow, StreamMessage } from './types.ts';

export interface CachedLease {
  row: LeaseRow;
  /** How many times this row changed since the page loaded; 0 for rows from the first list. */
  changes: number;
}

export class LeaseCache {
  private rows = new Map<string, CachedLease>();
  /** Rows of a snapshot in progress (between Reset and Synced), else null. */
  private snapshot: Map<string, CachedLease> | null = null;
  private resumeRevision: number;

  constructor(initial: readonly LeaseRow[], revision: number) {
    for (const row of initial) this.rows.set(row.address, { row, changes: 0 });
    this.resumeRevision = revision;
  }

  /** The revision of the last change folded in: the point to resume watching from. */
  get revision(): number {
    return this.resumeRevision;
  }

  /** True while a Reset's snapshot is arriving. */
  get resyncing(): boolean {
    return this.snapshot !== null;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Folds one stream message in; returns whether the visible rows changed. */
  apply(message: StreamMessage): boolean {
    switch (message.type) {
      case 'event':
        return this.applyEvent(message.event.revision, message.event.kind, message.event.lease);
      case 'reset':
        this.snapshot = new Map();
        return false;
      case 'synced':
        return this.finishSnapshot(message.revision);
      case 'bookmark':
        this.advance(message.revision);
        return false;
    }
  }

  /** Rows ordered by address, numerically (as ListLeases orders them). */
  sorted(): CachedLease[] {
    return [...this.rows.values()].sort((a, b) => addressOrder(a.row.address) - addressOrder(b.row.address));
  }

  private applyEvent(revision: number, kind: string, lease: LeaseRow | undefined): boolean {
    if (!kind.startsWith('lease.') || lease === undefined) return false;
    if (revision === 0) {
      // A snapshot event: part of the rebuild after Reset (it never moves the resume point).
      (this.snapshot ?? this.rows).set(lease.address, { row: lease, changes: this.changesOf(lease.address) });
      return this.snapshot === null;
    }
    // Replay after a resume starts strictly after our revision; anything older is already in.
    if (revision <= this.resumeRevision) return false;
    this.resumeRevision = revision;
    if (kind === 'lease.deleted') return this.rows.delete(lease.address);
    this.rows.set(lease.address, { row: lease, changes: this.changesOf(lease.address) + 1 });
    return true;
  }

  private finishSnapshot(revision: number): boolean {
    if (this.snapshot === null) {
      this.advance(revision);
      return false;
    }
    this.rows = this.snapshot;
    this.snapshot = null;
    this.resumeRevision = revision;
    return true;
  }

  private advance(revision: number): void {
    if (revision > this.resumeRevision) this.resumeRevision = revision;
  }

  private changesOf(address: string): number {
    return this.rows.get(address)?.changes ?? 0;
  }
}

/** Dotted quad -> number for sorting; anything else sorts last. */
export function addressOrder(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4) return Number.MAX_SAFE_INTEGER;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!Number.isInteger(octet) || octet < 0 || octet > 255) return Number.MAX_SAFE_INTEGER;
    value = value * 256 + octet;
  }
  return value;
}
