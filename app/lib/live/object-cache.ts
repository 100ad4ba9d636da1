// The browser's copy of one object type (leases, reservations, VMs, hosts), kept current by
// folding the Watch stream into it (event.proto: a client folds events by the object's identity).
// An object type names its key (a lease's is its address; the others' their id) and its
// ".deleted" kind, which removes the row; every other kind of that object inserts or replaces
// the whole object.
//
// It starts from a List page and that page's revision. Reset begins a new snapshot: rows are
// collected aside and swapped in at Synced, so the view never shows the half-built state.
import type { LeaseRow, LiveEvent, StreamMessage } from './types.ts';

export interface ObjectType<T> {
  /** The event kinds' prefix, "lease" for "lease.granted". */
  object: string;
  /** The object an event carries, undefined if it carries none of this type. */
  pick(event: LiveEvent): T | undefined;
  key(row: T): string;
}

export interface Cached<T> {
  row: T;
  /** How many times this row changed since the page loaded; 0 for rows from the first list. */
  changes: number;
}

export class ObjectCache<T> {
  private entries = new Map<string, Cached<T>>();
  /** Rows of a snapshot in progress (between Reset and Synced), else null. */
  private snapshot: Map<string, Cached<T>> | null = null;
  private resumeRevision: number;

  constructor(
    private readonly type: ObjectType<T>,
    initial: readonly T[],
    revision: number,
  ) {
    for (const row of initial) this.entries.set(type.key(row), { row, changes: 0 });
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
    return this.entries.size;
  }

  get(key: string): Cached<T> | undefined {
    return this.entries.get(key);
  }

  /** Every row, in no particular order. */
  rows(): Cached<T>[] {
    return [...this.entries.values()];
  }

  /** Folds one stream message in; returns whether the visible rows changed. */
  apply(message: StreamMessage): boolean {
    switch (message.type) {
      case 'event':
        return this.applyEvent(message.event);
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

  private applyEvent(event: LiveEvent): boolean {
    if (!event.kind.startsWith(`${this.type.object}.`)) return false;
    const row = this.type.pick(event);
    if (row === undefined) return false;
    const key = this.type.key(row);
    if (event.revision === 0) {
      // A snapshot event: part of the rebuild after Reset (it never moves the resume point).
      (this.snapshot ?? this.entries).set(key, { row, changes: this.changesOf(key) });
      return this.snapshot === null;
    }
    // Replay after a resume starts strictly after our revision; anything older is already in.
    if (event.revision <= this.resumeRevision) return false;
    this.resumeRevision = event.revision;
    if (event.kind === `${this.type.object}.deleted`) return this.entries.delete(key);
    this.entries.set(key, { row, changes: this.changesOf(key) + 1 });
    return true;
  }

  private finishSnapshot(revision: number): boolean {
    if (this.snapshot === null) {
      this.advance(revision);
      return false;
    }
    this.entries = this.snapshot;
    this.snapshot = null;
    this.resumeRevision = revision;
    return true;
  }

  private advance(revision: number): void {
    if (revision > this.resumeRevision) this.resumeRevision = revision;
  }

  private changesOf(key: string): number {
    return this.entries.get(key)?.changes ?? 0;
  }
}

/** Reservations, VMs and hosts arrive as proto JSON; each is keyed by its id. */
export interface ObjectWithId {
  id: string;
}

const byId = (object: 'reservation' | 'vm' | 'host'): ObjectType<ObjectWithId> => ({
  object,
  pick: (event) => {
    const row = event[object] as Partial<ObjectWithId> | undefined;
    return typeof row?.id === 'string' ? (row as ObjectWithId) : undefined;
  },
  key: (row) => row.id,
});

export const OBJECT_TYPES = {
  lease: { object: 'lease', pick: (event) => event.lease, key: (row) => row.address } satisfies ObjectType<LeaseRow>,
  reservation: byId('reservation'),
  vm: byId('vm'),
  host: byId('host'),
};
