// The sliding window of failed sign-ins, on a test clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from './rate-limiter.ts';
import { testClock } from './testing/accounts-world.ts';

test('allowed below the limit, refused at it, allowed again as the oldest failure leaves the window', () => {
  const clock = testClock(0);
  const limiter = new RateLimiter({ maxFailures: 3, windowMs: 1_000 }, clock);
  for (const at of [0, 100, 200]) {
    assert.equal(limiter.retryAfterMs('k'), 0);
    clock.advance(at - clock.now());
    limiter.recordFailure('k');
  }
  assert.equal(limiter.retryAfterMs('k'), 800);
  assert.equal(limiter.retryAfterMs('other'), 0);
  clock.advance(800);
  assert.equal(limiter.retryAfterMs('k'), 0);
});

test('reset forgets a key', () => {
  const limiter = new RateLimiter({ maxFailures: 1, windowMs: 1_000 }, testClock(0));
  limiter.recordFailure('k');
  assert.ok(limiter.retryAfterMs('k') > 0);
  limiter.reset('k');
  assert.equal(limiter.retryAfterMs('k'), 0);
});
