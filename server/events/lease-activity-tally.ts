// Per-minute counts of the lease events, kept in memory, so GetLeaseActivity does not count the
// window's rows again on every call. Counting the log itself (SqliteEventLog.countPerBucket)
// reads every event of the window: measured 144,000 events in 300 ms, during which the daemon,
// DHCP included, waits; the Overview asks again every few seconds while leases change. Here a
// call reads only the events committed since the previous call (readSince) and sums one map
// entry per minute of the window (at most 10,080 for 7 days).
//
// It pulls rather than subscribes, so it holds no place among the log's subscribers (which are
// the Watch streams), and costs nothing while nobody asks. It starts from the log's own count
// for the longest window; when it has fallen further behind than a catch-up is worth, or the
// events it has not read yet were compacted away, it starts again the same way.
import type { Clock } from '../ports.ts';
import type { BucketCount, EventHistory, EventLogReader } from './types.ts';

const MINUTE_MS = 60_000;
/** Unread events past which counting the window again is cheaper than reading them one by one. */
const MAX_CATCH_UP = 20_000;
const READ_CHUNK = 1_000;

/** What GetLeaseActivity reads: counts per bucket and the log's retained horizon. */
export type ActivityCounts = Pick<EventHistory, 'countPerBucket' | 'oldestRetainedTime'>;

export class LeaseActivityTally implements ActivityCounts {
  /** Minute start (epoch ms) -> kind -> count. */
  private readonly minutes = new Map<number, Map<string, number>>();
  private readonly counted: ReadonlySet<string>;
  /** The revision counted up to; null before the first count. */
  private seen: number | null = null;
  private horizon = 0;

  /**
   * `kinds` are the event kinds counted; `keepMs` how far back counts are kept (the longest
   * window a caller may ask for).
   */
  constructor(
    private readonly log: EventLogReader & EventHistory,
    private readonly clock: Clock,
    kinds: readonly string[],
    private readonly keepMs: number,
  ) {
    this.counted = new Set(kinds);
  }

  countPerBucket(kinds: readonly string[], from: number, to: number, bucketMs: number): BucketCount[] {
    this.catchUp();
    // Buckets that do not fall on minute boundaries (bucket_seconds 90, say) cannot be summed
    // from minutes; the log counts them exactly, at its cost.
    if (bucketMs % MINUTE_MS !== 0 || from < this.horizon || kinds.some((kind) => !this.counted.has(kind)))
      return this.log.countPerBucket(kinds, from, to, bucketMs);
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
    return this.log.oldestRetainedTime();
  }

  /** Brings the counts up to the newest committed revision (reads are synchronous: one tick). */
  private catchUp(): void {
    const last = this.log.lastRevision();
    const behind = this.seen === null ? Infinity : last - this.seen;
    if (behind > MAX_CATCH_UP || this.seen! + 1 < this.log.firstRetainedRevision()) {
      this.recount(last);
      return;
    }
    while (this.seen! < last) {
      const events = this.log.readSince(this.seen!, READ_CHUNK);
      if (events.length === 0) break;
      for (const event of events) if (this.counted.has(event.kind)) this.add(minuteOf(event.time), event.kind, 1);
      this.seen = events[events.length - 1]!.revision;
    }
    this.prune();
  }

  /** Starts again from the log's own count of the longest window. */
  private recount(last: number): void {
    this.minutes.clear();
    this.horizon = minuteOf(this.clock.now()) - this.keepMs;
    for (const row of this.log.countPerBucket([...this.counted], this.horizon, Number.MAX_SAFE_INTEGER, MINUTE_MS))
      this.add(row.start, row.kind, row.count);
    this.seen = last;
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
