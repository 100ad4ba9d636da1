// The event log: same transaction as the change, strictly increasing revisions that survive
// restarts and compaction, publication only after commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite } from './sqlite.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import { SqliteLeaseStore } from './sqlite-lease-store.ts';
import { SqliteReservationStore } from './sqlite-reservation-store.ts';
import { labBase, makeLease, makeScratchDir } from './testing/fixtures.ts';
import type { StoredEvent } from '../events/types.ts';

function open(file: string) {
  const handle = openSqlite({ file, durability: 'process' });
  const log = new SqliteEventLog(handle.raw);
  return {
    handle,
    log,
    store: new SqliteLeaseStore(handle, log),
    reservations: new SqliteReservationStore(handle.raw, log),
  };
}

test('lease writes and their events commit together; watchers hear only after commit, in revision order', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const db = open(dir.databaseFile);
  const heard: StoredEvent[][] = [];
  db.log.subscribe((events) => heard.push([...events]));
  assert.equal(db.log.lastRevision(), 0);
  assert.equal(db.log.firstRetainedRevision(), 1);
  const a = db.store.put(makeLease(labBase + 1), 'lease.granted');
  const b = db.store.put(makeLease(labBase + 2), 'lease.granted');
  assert.equal(heard.length, 0, 'nothing is published before the commit');
  await Promise.all([a, b]);
  assert.equal(heard.length, 1, 'one commit, one publication');
  assert.deepEqual(
    heard[0]!.map((e) => [e.revision, e.kind]),
    [
      [1, 'lease.granted'],
      [2, 'lease.granted'],
    ],
  );
  await db.store.remove(labBase + 1, makeLease(labBase + 1));
  assert.deepEqual(
    heard[1]!.map((e) => [e.revision, e.kind]),
    [[3, 'lease.deleted']],
  );
  const replay = db.log.readSince(1, 10);
  assert.deepEqual(
    replay.map((e) => e.revision),
    [2, 3],
  );
  assert.equal((replay[0] as { lease: { address: number } }).lease.address, labBase + 2);
  await db.store.close();
});

test('revisions continue after a restart and after compaction, never reused', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  let db = open(dir.databaseFile);
  for (let i = 0; i < 5; i++) await db.store.put(makeLease(labBase + i), 'lease.granted');
  assert.equal(db.log.lastRevision(), 5);
  assert.equal(db.log.compact(Date.now() + 1000), 5);
  assert.equal(db.log.firstRetainedRevision(), 6, 'an empty log starts after the last revision');
  await db.store.close();
  db = open(dir.databaseFile);
  assert.equal(db.log.lastRevision(), 5);
  assert.equal(db.log.firstRetainedRevision(), 6);
  await db.store.put(makeLease(labBase + 9), 'lease.renewed');
  assert.equal(db.log.lastRevision(), 6);
  assert.equal(db.log.firstRetainedRevision(), 6);
  await db.store.close();
});

test('compaction deletes only a prefix of revisions: a clock stepped back never lets newer ones go first', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const handle = openSqlite({ file: dir.databaseFile, durability: 'process' });
  let clock = 2_000_000;
  const log = new SqliteEventLog(handle.raw, { now: () => clock });
  const store = new SqliteLeaseStore(handle, log);
  for (let i = 0; i < 5; i++) await store.put(makeLease(labBase + i), 'lease.granted'); // revisions 1-5 at t=2,000,000
  clock = 1_000_000; // the wall clock steps back
  for (let i = 5; i < 10; i++) await store.put(makeLease(labBase + i), 'lease.granted'); // revisions 6-10 at t=1,000,000
  assert.equal(log.compact(1_500_000), 0, 'revision 1 is young, so nothing after it may go');
  assert.deepEqual(
    log.readSince(0, 100).map((e) => e.revision),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(log.compact(2_500_000), 10, 'once all are old, all go');
  await store.close();
});

test('compaction caps the log by rows, dropping the oldest revisions', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const db = open(dir.databaseFile);
  for (let i = 0; i < 25; i++) await db.store.put(makeLease(labBase + i), 'lease.granted');
  assert.equal(db.log.compact(0, 10), 15);
  assert.equal(db.log.firstRetainedRevision(), 16);
  assert.deepEqual(
    db.log.readSince(0, 100).map((e) => e.revision),
    [16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
  );
  assert.equal(db.log.compact(0, 10), 0, 'already within the cap');
  await db.store.close();
});

test('reservation changes commit with their event and are published at once', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const db = open(dir.databaseFile);
  const heard: string[] = [];
  db.log.subscribe((events) => heard.push(...events.map((e) => `${e.revision} ${e.kind}`)));
  const r = db.reservations.create({
    subnetId: '10.123.0.0/24',
    mac: '52:54:00:00:00:01',
    clientId: null,
    ip: labBase + 10,
    hostname: 'nas',
    source: 'api',
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
  });
  db.reservations.update({ ...r, hostname: 'nas2' });
  assert.throws(
    () =>
      db.reservations.create({
        subnetId: '10.123.0.0/24',
        mac: '52:54:00:00:00:02',
        clientId: null,
        ip: labBase + 10,
        hostname: null,
        source: 'api',
        options: [],
        nextServer: null,
        bootFile: null,
        serverHostname: null,
      }),
    /UNIQUE/,
  );
  db.reservations.delete(r);
  assert.deepEqual(heard, ['1 reservation.created', '2 reservation.updated', '3 reservation.deleted']);
  assert.equal(db.log.lastRevision(), 3, 'the failed insert handed out no revision');
  assert.deepEqual(db.reservations.loadAll(), []);
  await db.store.close();
});
