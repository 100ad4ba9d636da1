// The event log's model. Every state change is appended in the same transaction as the change,
// under a revision that rises strictly in commit order and is never reused (sqlite-event-log.ts),
// and published to watchers only after that transaction commits. Each domain owns its objects
// and kinds; this file only gathers them (domains never import it back).
import type { Lease, LeaseEventKind } from '../dhcp/lease.ts';
import type { ReservationEventKind, ReservationRecord } from '../dhcp/reservations.ts';
import type { Vm, VmEventKind } from '../hypervisor/vm.ts';
import type { HostEventKind, HostRecord } from '../hypervisor/host.ts';

export type { LeaseEventKind } from '../dhcp/lease.ts';
export type { ReservationEventKind } from '../dhcp/reservations.ts';
export type { VmEventKind } from '../hypervisor/vm.ts';
export type { HostEventKind } from '../hypervisor/host.ts';

export type EventKind = LeaseEventKind | ReservationEventKind | VmEventKind | HostEventKind;

/** An event before commit: what changed, with the object after the change. Tagged by `object`. */
export type EventDraft =
  | { object: 'lease'; kind: LeaseEventKind; lease: Lease }
  | { object: 'reservation'; kind: ReservationEventKind; reservation: ReservationRecord }
  | { object: 'vm'; kind: VmEventKind; vm: Vm }
  | { object: 'host'; kind: HostEventKind; host: HostRecord };

export type ObjectType = EventDraft['object'];

/** A committed event. */
export type StoredEvent = EventDraft & {
  revision: number;
  /** Commit time, epoch milliseconds. */
  time: number;
};

/** The object's identity in the log (object_id column): what a watcher folds by. */
export function objectIdOf(draft: EventDraft, formatAddress: (address: number) => string): string {
  switch (draft.object) {
    case 'lease':
      return formatAddress(draft.lease.address);
    case 'reservation':
      return draft.reservation.id;
    case 'vm':
      return draft.vm.id;
    case 'host':
      return draft.host.id;
    default: {
      const never: never = draft;
      throw new Error(`unknown event object ${JSON.stringify(never)}`);
    }
  }
}

/** The object itself, as the payload stored with the event. */
export function payloadOf(draft: EventDraft): unknown {
  switch (draft.object) {
    case 'lease':
      return draft.lease;
    case 'reservation':
      return draft.reservation;
    case 'vm':
      return draft.vm;
    case 'host':
      return draft.host;
    default: {
      const never: never = draft;
      throw new Error(`unknown event object ${JSON.stringify(never)}`);
    }
  }
}

/** Reading the committed log. Synchronous, so a read and lastRevision() in one tick agree. */
export interface EventLogReader {
  /** Newest committed revision; 0 when none was ever committed. */
  lastRevision(): number;
  /** Oldest revision still retained; lastRevision() + 1 when the log is empty. */
  firstRetainedRevision(): number;
  /** Events with revision > since, ascending, at most `limit`. */
  readSince(since: number, limit: number): StoredEvent[];
}

/** Committed events as they happen, in revision order, one call per committed transaction. */
export interface EventFeed {
  subscribe(listener: (events: readonly StoredEvent[]) => void): () => void;
}

/** Which events a history read returns: these full kinds, and every kind of these object types. */
export interface EventMatch {
  kinds: readonly string[];
  objectTypes: readonly string[];
}

/** One page of the log read backwards. */
export interface EventPage {
  events: StoredEvent[];
  /** The `before` of the next (older) page; 0 when no older event is retained. */
  nextBefore: number;
}

/** Events of one kind counted in one time bucket. */
export interface BucketCount {
  /** Start of the bucket, epoch ms (a multiple of the bucket width). */
  start: number;
  kind: string;
  count: number;
}

/** Reading the retained log backwards, and counting it, for history views (ListEvents, GetLeaseActivity). */
export interface EventHistory {
  /**
   * A page of events with revision < before, newest first, at most `limit`; `match` null for
   * every kind. A page reads a bounded run of the log, so one filtered by a rare kind may hold
   * fewer than `limit` events while older ones remain: `nextBefore` says where to go on (0: done).
   */
  pageBefore(before: number, limit: number, match: EventMatch | null): EventPage;
  /** Events of `kinds` committed in [from, to) (epoch ms), counted per bucket of `bucketMs` aligned to the epoch. */
  countPerBucket(kinds: readonly string[], from: number, to: number, bucketMs: number): BucketCount[];
  /** Commit time of the oldest retained event; null when the log is empty. */
  oldestRetainedTime(): number | null;
}
