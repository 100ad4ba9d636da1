import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog } from './event-log.ts';
import type { EventEntry } from './event-view.ts';

const entry = (revision: number): EventEntry => ({
  revision,
  time: revision * 1000,
  kind: 'lease.granted',
  object: 'lease',
  summary: `#${revision}`,
  link: null,
});
const revisions = (log: EventLog) => log.entries().map((e) => e.revision);

test('live events go on top, newest first; duplicates, older ones and snapshots are ignored', () => {
  const log = new EventLog([entry(5), entry(3)], 3);
  assert.equal(log.addLive(entry(6)), true);
  assert.equal(log.addLive(entry(6)), false);
  assert.equal(log.addLive(entry(4)), false);
  assert.equal(log.addLive({ ...entry(0), kind: 'lease.snapshot' }), false);
  assert.deepEqual(revisions(log), [6, 5, 3]);
});

test('older pages go below, only what is older than the oldest row', () => {
  const log = new EventLog([entry(10), entry(9)], 9);
  assert.equal(log.canLoadOlder, true);
  assert.equal(log.addOlder([entry(9), entry(7), entry(4)], 4), true);
  assert.deepEqual(revisions(log), [10, 9, 7, 4]);
  assert.equal(log.olderBefore, 4);
  log.addOlder([entry(2)], 0);
  assert.equal(log.canLoadOlder, false, 'the log has nothing older');
});

test('past the cap the oldest live-pushed rows go, and loading older starts again after them', () => {
  const log = new EventLog([entry(3), entry(2), entry(1)], 0, 3);
  log.addLive(entry(4));
  log.addLive(entry(5));
  assert.deepEqual(revisions(log), [5, 4, 3]);
  assert.equal(log.olderBefore, 3, 'events < 3 are the ones dropped');
  assert.equal(log.canLoadOlder, false, 'no room: the cap is reached');
});

test('an older page larger than the room left is cut, and resumes where it was cut', () => {
  const log = new EventLog([entry(20)], 20, 3);
  log.addOlder([entry(19), entry(18), entry(17), entry(16)], 16);
  assert.deepEqual(revisions(log), [20, 19, 18]);
  assert.equal(log.olderBefore, 18);
});

test('a first page larger than the cap is cut the same way', () => {
  const log = new EventLog([entry(4), entry(3), entry(2), entry(1)], 0, 2);
  assert.deepEqual(revisions(log), [4, 3]);
  assert.equal(log.olderBefore, 3);
});
