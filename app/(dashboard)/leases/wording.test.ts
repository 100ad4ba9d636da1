import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countdown, plural, shownCount } from './wording.ts';

test('counts take the plural a person expects', () => {
  assert.equal(plural(0, 'lease'), '0 leases');
  assert.equal(plural(1, 'lease'), '1 lease');
  assert.equal(plural(2, 'lease'), '2 leases');
  assert.equal(plural(49760, 'lease'), '49,760 leases');
  assert.equal(shownCount(1, 1), '1 lease');
  assert.equal(shownCount(5, 5), '5 leases');
  assert.equal(shownCount(2, 5), '2 of 5 leases');
  assert.equal(shownCount(1, 1001), '1 of 1,001 leases');
  assert.equal(shownCount(0, 1), '0 of 1 lease');
});

test('the countdown ticks in seconds under an hour, then coarser; null once past', () => {
  const now = 1_000_000;
  assert.equal(countdown(now + 5_400, now), '0:05');
  assert.equal(countdown(now + 59 * 60_000 + 7_000, now), '59:07');
  assert.equal(countdown(now + 3 * 3_600_000 + 12 * 60_000 + 30_000, now), '3 h 12 min');
  assert.equal(countdown(now + 2 * 3_600_000, now), '2 h');
  assert.equal(countdown(now + 52 * 3_600_000, now), '2 d 4 h');
  assert.equal(countdown(now - 1, now), null);
});
