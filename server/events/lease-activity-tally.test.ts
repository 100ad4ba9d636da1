// The in-memory tally against the log it stands in for: for the same events and window, the
// tally's counts are the log's own GROUP BY counts (SqliteEventLog.countPerBucket), whether an
// event was committed before the tally first counted (the recount) or after (the catch-up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openSqlite } from '../store/sqlite.ts';
import { SqliteEventLog } from '../store/sqlite-event-log.ts';
import { labBase, makeLease, makeScratchDir } from '../store/testing/fixtures.ts';
import { LeaseActivityTally } from './lease-activity-tally.ts';
import { ACTIVITY_KINDS } from './lease-activity.ts';
import type { EventDraft } from './types.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = 1_780_000_000_000 - (1_780_000_000_000 % DAY);
const KINDS = ['lease.granted', 'lease.renewed', 'lease.released', 'lease.expired', 'lease.declined'] as const;

function world(t: { after: (fn: () => void) => void }) {
  const dir = makeScratchDir();
  const handle = openSqlite({ file: dir.databaseFile, durability: 'process' });
  const clock = { time: T0, now: () => clock.time };
  const log = new SqliteEventLog(handle.raw, clock);
  t.after(() => {
    handle.close();
    dir.remove();
  });
  const commit = (kind: string, at: number, i = 0) => {
    clock.time = at;
    const draft = { object: 'lease', kind, lease: makeLease(labBase + i) } as EventDraft;
    log.transact((record) => record([draft]));
  };
  const tally = () => new LeaseActivityTally(log, clock, ACTIVITY_KINDS, 7 * DAY);
  return { log, clock, commit, tally };
}

test('seeded and fed events are counted as the log counts them, for any bucket width', (t) => {
  // One world per property run would be slow; commits only move forward in time, so each run
  // appends to the same log and compares over a window that ends at its last commit.
  const w = world(t);
  let now = T0;
  let live: LeaseActivityTally | null = null;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 7 * MINUTE })), { maxLength: 40 }),
      fc.constantFrom(60, 120, 300, 900, 1800, 3600),
      fc.boolean(),
      (commits, bucketSeconds, restart) => {
        for (const [kind, gap] of commits) w.commit(kind, (now += gap));
        // A new tally counts the log afresh; the old one reads only what was committed since.
        if (live === null || restart) live = w.tally();
        const bucketMs = bucketSeconds * 1000;
        const to = now - (now % bucketMs) + bucketMs;
        const from = to - 24 * bucketMs;
        assert.deepEqual(
          live.countPerBucket(ACTIVITY_KINDS, from, to, bucketMs),
          w.log.countPerBucket(ACTIVITY_KINDS, from, to, bucketMs),
        );
      },
    ),
    { numRuns: 60 },
  );
});

test('a tally that counted a busy log, then caught up: both halves counted in their minutes', (t) => {
  const w = world(t);
  w.commit('lease.granted', T0 + 5_000);
  w.commit('lease.granted', T0 + 59_999);
  const tally = w.tally();
  tally.countPerBucket(ACTIVITY_KINDS, T0, T0 + MINUTE, MINUTE);
  w.commit('lease.granted', T0 + 60_000);
  w.commit('lease.renewed', T0 + 61_000);
  w.commit('vm.created', T0 + 62_000);
  assert.deepEqual(tally.countPerBucket(ACTIVITY_KINDS, T0, T0 + 2 * MINUTE, MINUTE), [
    { start: T0, kind: 'lease.granted', count: 2 },
    { start: T0 + MINUTE, kind: 'lease.granted', count: 1 },
    { start: T0 + MINUTE, kind: 'lease.renewed', count: 1 },
  ]);
});

test('90-second buckets and windows older than the kept span are counted by the log', (t) => {
  const w = world(t);
  const tally = w.tally();
  for (let i = 0; i < 10; i += 1) w.commit('lease.renewed', T0 + i * 45_000);
  const ninety = tally.countPerBucket(ACTIVITY_KINDS, T0, T0 + 450_000, 90_000);
  assert.deepEqual(ninety, w.log.countPerBucket(ACTIVITY_KINDS, T0, T0 + 450_000, 90_000));
  assert.equal(ninety.length, 5);
  // Eight days on, the tally has let those minutes go; a window reaching back to them still
  // gets them, from the log.
  w.commit('lease.granted', T0 + 8 * DAY);
  assert.deepEqual(tally.countPerBucket(ACTIVITY_KINDS, T0, T0 + 8 * DAY + DAY, DAY), [
    { start: T0, kind: 'lease.renewed', count: 10 },
    { start: T0 + 8 * DAY, kind: 'lease.granted', count: 1 },
  ]);
});

test('events compacted before the tally read them are recounted from the log, not lost or doubled', (t) => {
  const w = world(t);
  const tally = w.tally();
  w.commit('lease.granted', T0 + 1_000);
  assert.equal(tally.countPerBucket(ACTIVITY_KINDS, T0, T0 + MINUTE, MINUTE)[0]?.count, 1);
  w.commit('lease.granted', T0 + 2_000);
  w.commit('lease.renewed', T0 + 3_000);
  // Revision 2 goes before the tally read it: it starts again from what the log holds.
  w.log.compact(0, 1);
  assert.deepEqual(
    tally.countPerBucket(ACTIVITY_KINDS, T0, T0 + MINUTE, MINUTE),
    w.log.countPerBucket(ACTIVITY_KINDS, T0, T0 + MINUTE, MINUTE),
  );
});
