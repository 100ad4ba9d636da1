// Lease activity over a recent window (stats.proto GetLeaseActivity): the lease events of the log
// counted per time bucket, every bucket of the window present, so a chart needs no gap filling.
import { InvalidInputError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { ActivityCounts } from './lease-activity-tally.ts';

export const MIN_BUCKET_SECONDS = 60;
export const MAX_BUCKET_SECONDS = 3600;
export const MAX_WINDOW_SECONDS = 7 * 86400;
export const MAX_BUCKETS = 1440;

/** The kinds counted, by the bucket field each goes to. */
const COUNTED = {
  'lease.granted': 'granted',
  'lease.renewed': 'renewed',
  'lease.released': 'released',
  'lease.expired': 'expired',
  'lease.declined': 'declined',
} as const;

type CountedKind = keyof typeof COUNTED;

/** The event kinds GetLeaseActivity counts. */
export const ACTIVITY_KINDS: readonly string[] = Object.keys(COUNTED);
type Counter = (typeof COUNTED)[CountedKind];

export type ActivityBucket = { start: number } & Record<Counter, number>;

export interface LeaseActivity {
  /** Every bucket of the window, oldest first; the last one holds now. */
  buckets: ActivityBucket[];
  /** Commit time of the oldest retained event (older buckets may be undercounted); null for an empty log. */
  retainedSince: number | null;
}

export interface ActivityWindow {
  bucketSeconds: number;
  windowSeconds: number;
}

/** Refuses what stats.proto refuses, naming the field. */
export function checkWindow({ bucketSeconds, windowSeconds }: ActivityWindow): void {
  if (!Number.isInteger(bucketSeconds) || bucketSeconds < MIN_BUCKET_SECONDS || bucketSeconds > MAX_BUCKET_SECONDS)
    throw new InvalidInputError(
      'bucket_seconds',
      `${bucketSeconds} is outside ${MIN_BUCKET_SECONDS}-${MAX_BUCKET_SECONDS}; give 60 for per-minute counts`,
    );
  if (!Number.isInteger(windowSeconds) || windowSeconds < bucketSeconds || windowSeconds > MAX_WINDOW_SECONDS)
    throw new InvalidInputError(
      'window_seconds',
      `${windowSeconds} is outside ${bucketSeconds} (bucket_seconds)-${MAX_WINDOW_SECONDS} (7 days)`,
    );
  if (windowSeconds % bucketSeconds !== 0)
    throw new InvalidInputError(
      'window_seconds',
      `${windowSeconds} is not a multiple of bucket_seconds (${bucketSeconds}); the window is a whole number of buckets`,
    );
  if (windowSeconds / bucketSeconds > MAX_BUCKETS)
    throw new InvalidInputError(
      'window_seconds',
      `${windowSeconds} s makes ${windowSeconds / bucketSeconds} buckets of ${bucketSeconds} s; at most ${MAX_BUCKETS}: ` +
        'widen bucket_seconds or shorten the window',
    );
}

/**
 * Buckets start at multiples of bucketSeconds since the epoch (so two calls a few seconds apart
 * see the same boundaries); the last one is the bucket that holds now, still filling.
 */
export function leaseActivity(history: ActivityCounts, clock: Clock, window: ActivityWindow): LeaseActivity {
  checkWindow(window);
  const bucketMs = window.bucketSeconds * 1000;
  const count = window.windowSeconds / window.bucketSeconds;
  const last = Math.floor(clock.now() / bucketMs) * bucketMs;
  const first = last - (count - 1) * bucketMs;
  const buckets: ActivityBucket[] = Array.from({ length: count }, (_, i) => ({
    start: first + i * bucketMs,
    granted: 0,
    renewed: 0,
    released: 0,
    expired: 0,
    declined: 0,
  }));
  for (const row of history.countPerBucket(ACTIVITY_KINDS, first, last + bucketMs, bucketMs)) {
    const bucket = buckets[(row.start - first) / bucketMs];
    const counter = COUNTED[row.kind as CountedKind] as Counter | undefined;
    if (bucket !== undefined && counter !== undefined) bucket[counter] += row.count;
  }
  return { buckets, retainedSince: history.oldestRetainedTime() };
}
