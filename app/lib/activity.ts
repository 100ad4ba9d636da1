// Lease activity for the Overview's chart: StatsService.GetLeaseActivity's buckets as a plain
// view, the two windows the chart offers, and the numbers the chart draws from.

import type { GetLeaseActivityResponse } from '../../proto/gen/homeplane/v1/stats.ts';

/** The event kinds the chart stacks, bottom up, as the daemon counts them (stats.proto). */
export const ACTIVITY_SERIES = ['granted', 'renewed', 'released', 'expired', 'declined'] as const;
export type ActivitySeries = (typeof ACTIVITY_SERIES)[number];

export interface ActivityRange {
  id: 'hour' | 'day';
  label: string;
  bucketSeconds: number;
  windowSeconds: number;
  /** How a bucket is named in its tooltip and the axis ("per minute"). */
  bucketLabel: string;
}

export const ACTIVITY_RANGES: Record<ActivityRange['id'], ActivityRange> = {
  hour: { id: 'hour', label: 'Last hour', bucketSeconds: 60, windowSeconds: 3600, bucketLabel: 'per minute' },
  day: { id: 'day', label: 'Last day', bucketSeconds: 1800, windowSeconds: 86_400, bucketLabel: 'per 30 minutes' },
};

/** The range a `?activity=` search parameter names; the hour for anything else. */
export function activityRange(param: string | string[] | undefined): ActivityRange {
  return param === 'day' ? ACTIVITY_RANGES.day : ACTIVITY_RANGES.hour;
}

export type ActivityCounts = Record<ActivitySeries, number>;

export interface ActivityBucketView extends ActivityCounts {
  /** Start of the bucket, epoch milliseconds. */
  startsAt: number;
}

export interface ActivityView {
  range: ActivityRange;
  buckets: ActivityBucketView[];
  totals: ActivityCounts;
  /** The largest bucket's total (at least 1, so an empty window draws an empty chart). */
  peak: number;
  /** Oldest event still in the log, epoch ms: buckets before it may be undercounted; null if the log is empty. */
  retainedSince: number | null;
}

export function bucketTotal(bucket: ActivityCounts): number {
  return ACTIVITY_SERIES.reduce((sum, series) => sum + bucket[series], 0);
}

export function toActivityView(range: ActivityRange, response: GetLeaseActivityResponse): ActivityView {
  const totals: ActivityCounts = { granted: 0, renewed: 0, released: 0, expired: 0, declined: 0 };
  let peak = 1;
  const buckets = response.buckets.map((bucket): ActivityBucketView => {
    const view: ActivityBucketView = {
      startsAt: bucket.startTime?.getTime() ?? 0,
      granted: bucket.granted,
      renewed: bucket.renewed,
      released: bucket.released,
      expired: bucket.expired,
      declined: bucket.declined,
    };
    for (const series of ACTIVITY_SERIES) totals[series] += view[series];
    peak = Math.max(peak, bucketTotal(view));
    return view;
  });
  return { range, buckets, totals, peak, retainedSince: response.retainedSince?.getTime() ?? null };
}

const SERIES_WORDS: Record<ActivitySeries, [one: string, many: string]> = {
  granted: ['grant', 'grants'],
  renewed: ['renewal', 'renewals'],
  released: ['release', 'releases'],
  expired: ['expiry', 'expiries'],
  declined: ['decline', 'declines'],
};

/** "1 grant", "3 renewals". */
export function countWords(series: ActivitySeries, count: number): string {
  const [one, many] = SERIES_WORDS[series];
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

/** "2 grants, 1 renewal" for a bucket's tooltip, the kinds with a count only; "no lease events" when none. */
export function describeCounts(counts: ActivityCounts): string {
  const parts = ACTIVITY_SERIES.filter((series) => counts[series] > 0).map((series) =>
    countWords(series, counts[series]),
  );
  return parts.length === 0 ? 'no lease events' : parts.join(', ');
}
