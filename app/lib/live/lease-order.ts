// The Leases page's rows in view order, kept sorted as they change: a change moves one row by
// binary search (O(log n) to find, one splice to move; none when it keeps its place) instead of
// re-sorting every row, so 500 lease events a second over 50,000 rows cost well under a
// millisecond a frame. A batch (a page of the listing) is sorted on its own and merged in one
// linear pass. Only rows that match the filter are held; changing the filter or the sort
// rebuilds the list once.
import type { IndexedLease } from './lease-filter.ts';

/** Past this many rows, a batch is merged in one pass rather than spliced row by row. */
const MERGE_THRESHOLD = 64;

export class LeaseOrder<E extends IndexedLease> {
  private list: E[] = [];
  /** Address -> the entry as it sits in `list` (the old value is what finds its place). */
  private members = new Map<string, E>();

  constructor(
    private compare: (a: E, b: E) => number,
    private matches: (entry: E) => boolean,
  ) {}

  get length(): number {
    return this.list.length;
  }

  at(index: number): E | undefined {
    return this.list[index];
  }

  /** The list as it is (do not change it). */
  view(): readonly E[] {
    return this.list;
  }

  /** Where the row of that address sits, or -1 when it is not listed. */
  indexOf(address: string): number {
    const entry = this.members.get(address);
    return entry === undefined ? -1 : this.find(entry);
  }

  /** A new filter or sort: every row placed again. */
  rebuild(entries: Iterable<E>, compare = this.compare, matches = this.matches): void {
    this.compare = compare;
    this.matches = matches;
    this.list = [];
    this.members.clear();
    for (const entry of entries) if (matches(entry)) this.list.push(entry);
    this.list.sort(compare);
    for (const entry of this.list) this.members.set(entry.row.address, entry);
  }

  /** Inserts, moves or (when it no longer matches) drops the row of entry's address. */
  put(entry: E): void {
    const address = entry.row.address;
    const old = this.members.get(address);
    if (old !== undefined && this.matches(entry)) {
      // Most changes keep a row's place (a renewal or release, sorted by address): replace it
      // there, with no splice of the whole list.
      const index = this.find(old);
      const before = this.list[index - 1];
      const after = this.list[index + 1];
      if (
        (before === undefined || this.compare(before, entry) < 0) &&
        (after === undefined || this.compare(entry, after) < 0)
      ) {
        this.list[index] = entry;
        this.members.set(address, entry);
        return;
      }
    }
    this.remove(address);
    if (!this.matches(entry)) return;
    this.list.splice(this.lowerBound(entry), 0, entry);
    this.members.set(address, entry);
  }

  remove(address: string): void {
    const old = this.members.get(address);
    if (old === undefined) return;
    this.list.splice(this.find(old), 1);
    this.members.delete(address);
  }

  /** put() for many rows at once, in O(n + m log m). */
  putMany(entries: readonly E[]): void {
    if (entries.length < MERGE_THRESHOLD) {
      for (const entry of entries) this.put(entry);
      return;
    }
    const replaced = new Set<E>();
    for (const entry of entries) {
      const old = this.members.get(entry.row.address);
      if (old !== undefined) replaced.add(old);
    }
    const kept = replaced.size === 0 ? this.list : this.list.filter((e) => !replaced.has(e));
    for (const old of replaced) this.members.delete(old.row.address);
    // The last entry of an address wins, as put() in sequence would have it.
    const latest = new Map<string, E>();
    for (const entry of entries) latest.set(entry.row.address, entry);
    const added = [...latest.values()].filter(this.matches).sort(this.compare);
    this.list = merge(kept, added, this.compare);
    for (const entry of added) this.members.set(entry.row.address, entry);
  }

  /** The first index whose entry does not sort before `entry`. */
  private lowerBound(entry: E): number {
    let low = 0;
    let high = this.list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.compare(this.list[mid]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private find(entry: E): number {
    const index = this.lowerBound(entry);
    if (this.list[index] === entry) return index;
    // Only if a row's sort values changed under it, which entries never do (each change is a new
    // entry); kept so a slip can cost time but never a wrong row.
    return this.list.indexOf(entry);
  }
}

function merge<E>(a: readonly E[], b: readonly E[], compare: (x: E, y: E) => number): E[] {
  if (b.length === 0) return a as E[];
  // The listing comes in address order: sorted so, each page lands after everything held.
  if (a.length === 0 || compare(a[a.length - 1]!, b[0]!) < 0) return a.concat(b);
  // push, not a preallocated array: that one would be holey, and every later splice slower.
  const out: E[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
