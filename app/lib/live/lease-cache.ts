// The browser's copy of the lease table: the generic object cache (object-cache.ts) keyed by
// address, listed in address order as ListLeases orders it. "lease.deleted" (the daemon dropped
// the row, e.g. its address went to another client) removes it.
import { ObjectCache, OBJECT_TYPES, type Cached } from './object-cache.ts';
import type { LeaseRow } from './types.ts';

export type CachedLease = Cached<LeaseRow>;

export class LeaseCache extends ObjectCache<LeaseRow> {
  constructor(initial: readonly LeaseRow[], revision: number) {
    super(OBJECT_TYPES.lease, initial, revision);
  }

  /** Rows ordered by address, numerically (as ListLeases orders them). */
  sorted(): CachedLease[] {
    return this.rows().sort((a, b) => addressOrder(a.row.address) - addressOrder(b.row.address));
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
