// An in-memory event log and feed, faithful to the port's promises: revisions rise strictly in
// commit order, lastRevision() moves at commit, and subscribers hear of a commit synchronously
// right after it, all of one commit in one call (the same array for every subscriber).
import type { EventDraft, EventFeed, EventLogReader, StoredEvent } from '../../events/types.ts';

type Listener = (events: readonly StoredEvent[]) => void;

export class FakeEventLog implements EventLogReader, EventFeed {
  private events: StoredEvent[] = [];
  private last: number;
  private readonly listeners = new Set<Listener>();
  /** How many times readSince was called (to see a replay happen in chunks). */
  reads = 0;

  /** `startAfter`: the newest revision a previous life of the log reached (a fresh log: 0). */
  constructor(startAfter = 0) {
    this.last = startAfter;
  }

  lastRevision(): number {
    return this.last;
  }

  firstRetainedRevision(): number {
    return this.events[0]?.revision ?? this.last + 1;
  }

  readSince(since: number, limit: number): StoredEvent[] {
    this.reads += 1;
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle]!.revision <= since) low = middle + 1;
      else high = middle;
    }
    return this.events.slice(low, low + limit);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Commits the drafts as one transaction, then publishes them (one call per subscriber). */
  commit(drafts: readonly EventDraft[], time = Date.now()): StoredEvent[] {
    const stored = drafts.map((draft) => ({ ...draft, revision: ++this.last, time }) as StoredEvent);
    this.events.push(...stored);
    if (stored.length > 0) this.publish(stored);
    return stored;
  }

  /** Drops every event older than `revision` (the retention window moved past them). */
  compactBefore(revision: number): void {
    this.events = this.events.filter((e) => e.revision >= revision);
  }

  private publish(events: readonly StoredEvent[]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(events);
      } catch {
        // As the real feed: one subscriber's failure is not the committer's.
      }
    }
  }
}
