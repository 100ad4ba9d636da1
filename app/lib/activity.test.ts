import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetLeaseActivityResponse } from '../../proto/gen/homeplane/v1/stats.ts';
import { ACTIVITY_RANGES, activityRange, countWords, describeCounts, toActivityView } from './activity.ts';

test('the chart view sums each kind over the window and finds the tallest bucket', () => {
  const response = GetLeaseActivityResponse.fromPartial({
    buckets: [
      { startTime: new Date(0), granted: 2, renewed: 1 },
      { startTime: new Date(60_000), released: 1, expired: 3, declined: 1 },
      { startTime: new Date(120_000) },
    ],
    retainedSince: new Date(30_000),
  });
  const view = toActivityView(ACTIVITY_RANGES.hour, response);
  assert.deepEqual(view.totals, { granted: 2, renewed: 1, released: 1, expired: 3, declined: 1 });
  assert.equal(view.peak, 5);
  assert.deepEqual(
    view.buckets.map((b) => b.startsAt),
    [0, 60_000, 120_000],
  );
  assert.equal(view.retainedSince, 30_000);
});

test('an empty window still draws: the peak is at least 1', () => {
  const view = toActivityView(ACTIVITY_RANGES.day, GetLeaseActivityResponse.fromPartial({ buckets: [{}] }));
  assert.equal(view.peak, 1);
  assert.equal(view.retainedSince, null);
});

test('counts read as words with the right plural', () => {
  assert.equal(countWords('granted', 1), '1 grant');
  assert.equal(countWords('expired', 2), '2 expiries');
  assert.equal(countWords('renewed', 1200), '1,200 renewals');
  assert.equal(describeCounts({ granted: 1, renewed: 0, released: 2, expired: 0, declined: 0 }), '1 grant, 2 releases');
  assert.equal(describeCounts({ granted: 0, renewed: 0, released: 0, expired: 0, declined: 0 }), 'no lease events');
});

test('the ?activity= parameter picks the day, anything else the hour', () => {
  assert.equal(activityRange('day').id, 'day');
  assert.equal(activityRange(undefined).id, 'hour');
  assert.equal(activityRange(['day']).id, 'hour');
  assert.equal(activityRange('week').id, 'hour');
});
