import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, mergeSummaries, percentile } from './watch-latency.ts';

describe('latency histogram', () => {
  test('percentiles by nearest rank over whole milliseconds', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) h.add(ms + 0.4);
    const s = h.summary();
    assert.equal(s.count, 100);
    assert.equal(percentile(s, 0.5), 50);
    assert.equal(percentile(s, 0.99), 99);
    assert.equal(percentile(s, 1), 100);
    assert.equal(s.maxMs, 100.4);
  });

  test('negative readings count as 0, huge ones in the top bucket with the exact max kept', () => {
    const h = new LatencyHistogram();
    h.add(-1);
    h.add(90_000);
    const s = h.summary();
    assert.deepEqual(s.buckets, [
      [0, 1],
      [60_000, 1],
    ]);
    assert.equal(s.maxMs, 90_000);
  });

  test('merging adds counts bucket by bucket', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.add(2);
    a.add(5);
    b.add(5);
    b.add(7);
    const merged = mergeSummaries([a.summary(), b.summary()]);
    assert.deepEqual(merged.buckets, [
      [2, 1],
      [5, 2],
      [7, 1],
    ]);
    assert.equal(merged.count, 4);
    assert.equal(merged.maxMs, 7);
    assert.equal(percentile(merged, 0.5), 5);
  });

  test('empty: no percentile; clear() empties', () => {
    const h = new LatencyHistogram();
    assert.equal(percentile(h.summary(), 0.5), null);
    h.add(3);
    h.clear();
    assert.equal(h.count, 0);
    assert.equal(percentile(mergeSummaries([h.summary()]), 0.99), null);
  });
});
