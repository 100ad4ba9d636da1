// Commit-to-receipt latencies as a histogram of whole milliseconds: both ends are Date.now()
// readings (the daemon stamps Event.time in ms), so finer buckets would only pretend. Counts are
// kept per watcher process and merged in the parent, so millions of events cost a few KiB.

/** Latencies at or beyond this land in the last bucket (the exact maximum is kept apart). */
const TOP_MS = 60_000;

/** A histogram as it crosses the IPC channel: [milliseconds, count] pairs, sparse. */
export interface LatencySummary {
  buckets: [number, number][];
  count: number;
  /** Exact; -Infinity when empty. */
  maxMs: number;
}

export class LatencyHistogram {
  private counts = new Uint32Array(TOP_MS + 1);
  private total = 0;
  private max = -Infinity;

  get count(): number {
    return this.total;
  }

  /** A negative latency (the commit stamp's ms truncation, or a clock step) counts as 0. */
  add(ms: number): void {
    const bucket = Math.min(Math.max(Math.floor(ms), 0), TOP_MS);
    this.counts[bucket]! += 1;
    this.total += 1;
    if (ms > this.max) this.max = ms;
  }

  clear(): void {
    this.counts.fill(0);
    this.total = 0;
    this.max = -Infinity;
  }

  summary(): LatencySummary {
    const buckets: [number, number][] = [];
    this.counts.forEach((n, ms) => {
      if (n > 0) buckets.push([ms, n]);
    });
    return { buckets, count: this.total, maxMs: this.max };
  }
}

export function mergeSummaries(list: readonly LatencySummary[]): LatencySummary {
  const byMs = new Map<number, number>();
  for (const summary of list) for (const [ms, n] of summary.buckets) byMs.set(ms, (byMs.get(ms) ?? 0) + n);
  return {
    buckets: [...byMs.entries()].sort((a, b) => a[0] - b[0]),
    count: list.reduce((sum, s) => sum + s.count, 0),
    maxMs: Math.max(-Infinity, ...list.map((s) => s.maxMs)),
  };
}

/**
 * The smallest whole millisecond at or below which `fraction` of the latencies fall (nearest
 * rank); null when there are none.
 */
export function percentile(summary: LatencySummary, fraction: number): number | null {
  if (summary.count === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * summary.count));
  let seen = 0;
  for (const [ms, n] of summary.buckets) {
    seen += n;
    if (seen >= rank) return ms;
  }
  return summary.buckets[summary.buckets.length - 1]![0];
}
