// The event log's model. Every state change is appended in the same transaction as the change,
// under a revision that rises strictly in commit order and is never reused (SQLite AUTOINCREMENT),
// and published to watchers only after that transaction commits.
import type { Lease } from '../dhcp/lease.ts';
import type { ReservationRecord } from '../dhcp/reservations.ts';

export type LeaseEventKind =
  | 'lease.granted'
  | 'lease.renewed'
  | 'lease.released'
  | 'lease.expired'
  | 'lease.declined'
  /** The row for the address is gone (its client moved to another address, or a declined
   * address finished probation). The event carries the lease as it was. */
  | 'lease.deleted';

export type ReservationEventKind = 'reservation.created' | 'reservation.updated' | 'reservation.deleted';

export type EventKind = LeaseEventKind | ReservationEventKind;

/** An event before commit: what changed, with the object after the change. */
export type EventDraft =
  | { kind: LeaseEventKind; lease: Lease }
  | { kind: ReservationEventKind; reservation: ReservationRecord };

/** A committed event. */
export type StoredEvent = EventDraft & {
  revision: number;
  /** Commit time, epoch milliseconds. */
  time: number;
};

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
