// The event log on SQLite: appended inside the transaction of the change it records (the
// caller's), read back synchronously for replays, published to subscribers after commit.
// Revisions come from AUTOINCREMENT: strictly increasing in commit order (one writer connection)
// and never reused, also after compaction or a kill -9 (sqlite_sequence is part of the commit).
import type Database from 'better-sqlite3';
import type { EventDraft, EventFeed, EventLogReader, StoredEvent } from '../events/types.ts';
import { formatIPv4 } from '../dhcp/codec/ipv4.ts';

type Listener = (events: readonly StoredEvent[]) => void;

interface EventRowRaw {
  revision: number;
  time: number;
  kind: string;
  object_type: string;
  payload: string;
}

export class SqliteEventLog implements EventLogReader, EventFeed {
  private readonly insert: Database.Statement;
  private readonly selectSince: Database.Statement;
  private readonly listeners = new Set<Listener>();
  private last: number;
  private first: number;

  constructor(private readonly raw: Database.Database) {
    this.insert = raw.prepare('INSERT INTO events (time, kind, object_type, object_id, payload) VALUES (?, ?, ?, ?, ?)');
    this.selectSince = raw.prepare('SELECT revision, time, kind, object_type, payload FROM events WHERE revision > ? ORDER BY revision LIMIT ?');
    this.last = this.readLastRevision();
    this.first = this.readFirstRevision();
  }

  lastRevision(): number {
    return this.last;
  }

  firstRetainedRevision(): number {
    return this.first;
  }

  readSince(since: number, limit: number): StoredEvent[] {
    return (this.selectSince.all(since, limit) as EventRowRaw[]).map(eventFromRow);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /**
   * Appends the drafts; must run inside the caller's transaction. Returns the stored events, to
   * be passed to published() once (and only if) that transaction commits.
   */
  appendInTransaction(drafts: readonly EventDraft[], time: number): StoredEvent[] {
    const stored: StoredEvent[] = [];
    for (const draft of drafts) {
      const result =
        'lease' in draft
          ? this.insert.run(time, draft.kind, 'lease', formatIPv4(draft.lease.address), JSON.stringify(draft.lease))
          : this.insert.run(time, draft.kind, 'reservation', draft.reservation.id, JSON.stringify(draft.reservation));
      stored.push({ ...draft, revision: Number(result.lastInsertRowid), time } as StoredEvent);
    }
    return stored;
  }

  /** After commit: advance the revision and tell every subscriber, in revision order. */
  published(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    this.last = events[events.length - 1]!.revision;
    if (this.first > this.last) this.first = events[0]!.revision;
    for (const listener of [...this.listeners]) {
      try {
        listener(events);
      } catch {
        // A subscriber's failure is its own: the others and the committing writer go on.
      }
    }
  }

  /** Deletes events older than `before` (epoch ms); returns how many. */
  compact(before: number): number {
    const result = this.raw.prepare('DELETE FROM events WHERE time < ?').run(before);
    this.first = this.readFirstRevision();
    return result.changes;
  }

  private readLastRevision(): number {
    const row = this.raw.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  private readFirstRevision(): number {
    const row = this.raw.prepare('SELECT MIN(revision) AS first FROM events').get() as { first: number | null };
    return row.first ?? this.readLastRevision() + 1;
  }
}

function eventFromRow(row: EventRowRaw): StoredEvent {
  const object = JSON.parse(row.payload) as unknown;
  if (row.object_type === 'lease') return { revision: row.revision, time: row.time, kind: row.kind, lease: object } as StoredEvent;
  return { revision: row.revision, time: row.time, kind: row.kind, reservation: object } as StoredEvent;
}
