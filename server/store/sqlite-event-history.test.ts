// The event log read as history (SqliteEventLog.pageBefore, countPerBucket) on a temporary
// database: bounded runs for filtered pages, and the window found by revision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite } from './sqlite.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import { labBase, makeLease, makeScratchDir } from './testing/fixtures.ts';
import type { EventDraft } from '../events/types.ts';

function openLog(t: { after: (fn: () => void) => void }, clock: { now: () => number }, historyScanRows?: number) {
  const dir = makeScratchDir();
  const handle = openSqlite({ file: dir.databaseFile, durability: 'process' });
  t.after(() => {
    handle.close();
    dir.remove();
  });
  const log = new SqliteEventLog(handle.raw, clock, historyScanRows === undefined ? {} : { historyScanRows });
  const commit = (...drafts: EventDraft[]) => log.transact((record) => record(drafts));
  return { log, commit };
}

const lease = (kind: 'lease.granted' | 'lease.renewed' | 'lease.declined', i = 0): EventDraft => ({
  object: 'lease',
  kind,
  lease: makeLease(labBase + i),
});

test('a filtered page reads a bounded run: short pages point on until the oldest revision', (t) => {
  const { log, commit } = openLog(t, { now: () => 1_000 }, 4);
  // Revisions 1-10; declines at 2 and 9 only.
  for (let r = 1; r <= 10; r += 1) commit(lease(r === 2 || r === 9 ? 'lease.declined' : 'lease.renewed', r));
  const match = { kinds: ['lease.declined'], objectTypes: [] };
  const pages: [number[], number][] = [];
  let before = 11;
  do {
    const page = log.pageBefore(before, 100, match);
    pages.push([page.events.map((e) => e.revision), page.nextBefore]);
    before = page.nextBefore;
  } while (before !== 0);
  // Runs of four revisions: 10-7, 6-3, 2-1.
  assert.deepEqual(pages, [
    [[9], 7],
    [[], 3],
    [[2], 0],
  ]);
});

test('an unfiltered page is full, and says 0 once the oldest retained revision is in it', (t) => {
  const { log, commit } = openLog(t, { now: () => 1_000 }, 4);
  for (let r = 1; r <= 6; r += 1) commit(lease('lease.renewed', r));
  const first = log.pageBefore(7, 3, null);
  assert.deepEqual(
    first.events.map((e) => e.revision),
    [6, 5, 4],
  );
  assert.equal(first.nextBefore, 4);
  const second = log.pageBefore(4, 3, null);
  assert.deepEqual(
    second.events.map((e) => e.revision),
    [3, 2, 1],
  );
  assert.equal(second.nextBefore, 0);
  log.compact(0, 3); // keeps 4-6
  const after = log.pageBefore(7, 10, { kinds: [], objectTypes: ['reservation'] });
  assert.deepEqual(
    after,
    { events: [], nextBefore: 0 },
    'a run reaching the oldest retained revision ends the history',
  );
});

test('countPerBucket counts the window only, found by revision among thousands, with epoch-aligned starts', (t) => {
  let now = 0;
  const { log, commit } = openLog(t, { now: () => now });
  // 3,000 events one second apart from t=0 (revision r at (r - 1) s).
  for (let r = 1; r <= 3000; r += 1) {
    now = (r - 1) * 1000;
    commit(lease(r % 2 === 0 ? 'lease.granted' : 'lease.renewed', r % 200));
  }
  // [1200 s, 1320 s): revisions 1201-1320, two minute buckets (1200 s and 1260 s).
  const rows = log.countPerBucket(['lease.granted', 'lease.renewed'], 1_200_000, 1_320_000, 60_000);
  assert.deepEqual(rows, [
    { start: 1_200_000, kind: 'lease.granted', count: 30 },
    { start: 1_200_000, kind: 'lease.renewed', count: 30 },
    { start: 1_260_000, kind: 'lease.granted', count: 30 },
    { start: 1_260_000, kind: 'lease.renewed', count: 30 },
  ]);
  assert.deepEqual(log.countPerBucket(['lease.declined'], 0, 3_000_000, 60_000), []);
  assert.deepEqual(log.countPerBucket(['lease.granted'], 3_000_000, 3_600_000, 60_000), [], 'after the newest event');
});

test('countPerBucket after the clock stepped back: never counts an event twice nor outside the window', (t) => {
  let now = 100_000;
  const { log, commit } = openLog(t, { now: () => now });
  for (let i = 0; i < 5; i += 1) commit(lease('lease.granted', i)); // revisions 1-5 at 100 s
  now = 50_000; // the clock steps back
  for (let i = 0; i < 5; i += 1) commit(lease('lease.renewed', i)); // revisions 6-10 at 50 s
  now = 120_000;
  commit(lease('lease.granted', 9)); // revision 11 at 120 s
  const rows = log.countPerBucket(['lease.granted', 'lease.renewed'], 60_000, 180_000, 60_000);
  const total = rows.reduce((n, r) => n + r.count, 0);
  assert.ok(rows.every((r) => r.start >= 60_000 && r.start < 180_000));
  assert.ok(total <= 6, `${total} counted; at most the 6 events inside the window`);
  assert.ok(total >= 1, 'the newest in-window event is counted');
});
