// The event log: same transaction as the change, strictly increasing revisions that survive
// restarts and compaction, publication only after commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite } from './sqlite.ts';
import Database from 'better-sqlite3';
import { EVENT_INSERT_SQL, SqliteEventLog, eventValues } from './sqlite-event-log.ts';
import { SqliteLeaseStore } from './sqlite-lease-store.ts';
import { SqliteReservationStore } from './sqlite-reservation-store.ts';
import { labBase, makeLease, makeScratchDir } from './testing/fixtures.ts';
import type { EventDraft, StoredEvent } from '../events/types.ts';

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

function reservationFields(n: number) {
  return {
    subnetId: '10.123.0.0/24',
    mac: `52:54:00:00:01:${n.toString(16).padStart(2, '0')}`,
    clientId: null,
    ip: labBase + 100 + n,
    hostname: null,
    source: 'api' as const,
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
  };
}

test('events the lease writer commits on its own connection and those committed here are published in revision order', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const db = open(dir.databaseFile);
  // The other connection, doing by hand what the lease writer's worker does.
  const other = new Database(dir.databaseFile);
  t.after(() => other.close());
  const insert = other.prepare(EVENT_INSERT_SQL);
  const draft: EventDraft = { object: 'lease', kind: 'lease.granted', lease: makeLease(labBase + 1) };
  const commitThere = (): StoredEvent => {
    const time = Date.now();
    return { ...draft, revision: Number(insert.run(time, ...eventValues(draft)).lastInsertRowid), time };
  };
  const heard: number[][] = [];
  db.log.subscribe((events) => heard.push(events.map((e) => e.revision)));

  // Committed there, not yet reported, when this connection commits revision 2: 2 waits for 1.
  db.log.externalCommitStarted();
  const first = commitThere();
  db.reservations.create(reservationFields(1));
  assert.deepEqual(heard, [], 'revision 2 is held while revision 1 is unreported');
  db.log.externalCommitted([first]);
  assert.deepEqual(heard, [[1, 2]]);
  assert.equal(db.log.lastRevision(), 2);

  // This connection commits first (3) while the writer's batch is in flight: nothing to wait for.
  db.log.externalCommitStarted();
  db.reservations.create(reservationFields(2));
  assert.deepEqual(heard.at(-1), [3], 'a contiguous revision goes out at once');
  db.log.externalCommitted([commitThere()]);
  assert.deepEqual(heard.at(-1), [4]);

  // A batch that rolled back releases what waited behind a gap it would not fill; so does a gap
  // with nothing in flight (another process wrote revision 5).
  db.log.externalCommitStarted();
  commitThere(); // revision 5, as if by another process
  db.reservations.create(reservationFields(3));
  assert.deepEqual(heard.at(-1), [4], 'revision 6 waits behind the gap while a batch is in flight');
  db.log.externalAbandoned();
  assert.deepEqual(heard.at(-1), [6]);
  commitThere(); // revision 7, nothing in flight
  db.reservations.create(reservationFields(4));
  assert.deepEqual(heard.at(-1), [8]);
  assert.equal(db.log.lastRevision(), 8);
  await db.store.close();
});

test('lease batches from the worker and reservations committed meanwhile reach a watcher once each, in revision order', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const db = open(dir.databaseFile);
  const heard: number[] = [];
  db.log.subscribe((events) => heard.push(...events.map((e) => e.revision)));
  const writes: Promise<void>[] = [];
  let reservations = 0;
  for (let i = 0; i < 400; i += 1) {
    writes.push(db.store.put(makeLease(labBase + (i % 50), { hostname: `h${i}` }), 'lease.renewed'));
    // Turns of different lengths, so reservations land before, during and after a batch's commit.
    if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, i % 2));
    if (i % 5 === 0) {
      // Busy for 2 ms, as with a burst of packets: the worker's commit lands meanwhile and its
      // report waits behind this turn, so this reservation gets the higher revision.
      if (i % 10 === 0) {
        const until = performance.now() + 2;
        while (performance.now() < until);
      }
      db.reservations.create(reservationFields(reservations));
      reservations += 1;
    }
  }
  await Promise.all(writes);
  const total = 400 + reservations;
  assert.equal(db.log.lastRevision(), total);
  assert.deepEqual(
    heard,
    Array.from({ length: total }, (_, i) => i + 1),
    'every revision once, in order',
  );
  await db.store.close();
});
