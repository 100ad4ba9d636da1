import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRelative, formatTimestamp } from './relative-time.ts';

const now = Date.UTC(2025, 10, 25, 12, 0, 0);
const s = 1_000;
const min = 60 * s;
const h = 60 * min;

test('formatRelative', () => {
  const cases: [number, string][] = [
    [10 * s, 'in a few seconds'],
    [-10 * s, 'just now'],
    [50 * s, 'in 1 min'],
    [59 * min + 50 * s, 'in 1 h'],
    [-3 * min, '3 min ago'],
    [h + 5 * min, 'in 1 h 5 min'],
    [-(2 * h), '2 h ago'],
    [26 * h, 'in 1 d 2 h'],
    [-(48 * h), '2 d ago'],
  ];
  for (const [delta, text] of cases) assert.equal(formatRelative(now + delta, now), text, `delta ${delta} ms`);
});

test('formatTimestamp is UTC to the second', () => {
  assert.equal(formatTimestamp(now + 5_500), '2025-11-25 12:00:05 UTC');
});
