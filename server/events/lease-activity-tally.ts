// Per-minute counts of the lease events, kept in memory from the feed, so GetLeaseActivity reads
// no rows. Counting the log itself (SqliteEventLog.countPerBucket) reads every event of the
// window: measured 144,000 events in 300 ms, during which the daemon, DHCP included, waits; the
// Overview asks again every few seconds while leases change. Here a call costs one map read per
// minute of the window (at most 10,080 for 7 days), whatever the traffic.
//
// Seeded once from the log for the longest window, then fed every commit. The seed and the
// subscription happen in one tick: commits are synchronous (better-sqlite3), so none falls
// between them.
import type { Clock } from '../ports.ts';
import type { BucketCount, EventFeed, EventHistory, StoredEvent } from './types.ts';

const MINUTE_MS = 60_000;

/** What GetLeaseActivity reads: counts per bucket and the log's retained horizon. */
export type ActivityCounts = Pick<EventHistory, 'countPerBucket' | 'oldestRetainedTime'>;

export class LeaseActivityTally implements ActivityCounts {
  /** Minute start (epoch ms) -> kind -> count. */
  private readonly minutes = new Map<number, Map<string, number>>();
  private readonly counted: ReadonlySet<string>;
  private readonly unsubscribe: () => void;
  private horizon: number;

  /**
   * `kinds` are the event kinds counted; `keepMs` how far back counts are kept (the longest
   * window a caller may ask for).
   */
  constructor(
    private readonly history: EventHistory,
    feed: EventFeed,
    private readonly clock: Clock,
    kinds: readonly string[],
    private readonly keepMs: number,
  ) {
    this.counted = new Set(kinds);
    this.horizon = minuteOf(clock.now()) - keepMs;
    for (const row of history.countPerBucket(kinds, this.horizon, Number.MAX_SAFE_INTEGER, MINUTE_MS))
      this.add(row.start, row.kind, row.count);
    this.unsubscribe = feed.subscribe((events) => this.record(events));
  }

  stop(): void {
    this.unsubscribe();
  }

  countPerBucket(kinds: readonly string[], from: number, to: number, bucketMs: number): BucketCount[] {
    // Buckets that do not fall on minute boundaries (bucket_seconds 90, say) cannot be summed
    // from minutes; the log counts them exactly, at its cost.
    if (bucketMs % MINUTE_MS !== 0 || from < this.horizon || kinds.some((kind) => !this.counted.has(kind)))
      return this.history.countPerBucket(kinds, from, to, bucketMs);
    const sums = new Map<string, BucketCount>();
    for (let minute = minuteOf(from + MINUTE_MS - 1); minute < to; minute += MINUTE_MS) {
      const counts = this.minutes.get(minute);
      if (counts === undefined) continue;
      const start = minute - (minute % bucketMs);
      for (const kind of kinds) {
        const count = counts.get(kind) ?? 0;
        if (count === 0) continue;
        const key = `${start} ${kind}`;
        const sum = sums.get(key);
        if (sum === undefined) sums.set(key, { start, kind, count });
        else sum.count += count;
      }
    }
    // In the log's order: by bucket, then kind.
    return [...sums.values()].sort((a, b) => a.start - b.start || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  }

  oldestRetainedTime(): number | null {
    return this.history.oldestRetainedTime();
  }

  private record(events: readonly StoredEvent[]): void {
    for (const event of events) if (this.counted.has(event.kind)) this.add(minuteOf(event.time), event.kind, 1);
    this.prune();
  }

  private add(minute: number, kind: string, count: number): void {
    let counts = this.minutes.get(minute);
    if (counts === undefined) this.minutes.set(minute, (counts = new Map()));
    counts.set(kind, (counts.get(kind) ?? 0) + count);
  }

  /** Forgets minutes older than the longest window, once per minute of the clock. */
  private prune(): void {
    const horizon = minuteOf(this.clock.now()) - this.keepMs;
    if (horizon <= this.horizon) return;
    this.horizon = horizon;
    for (const minute of this.minutes.keys()) if (minute < horizon) this.minutes.delete(minute);
  }
}

function minuteOf(time: number): number {
  return time - (time % MINUTE_MS);
}
