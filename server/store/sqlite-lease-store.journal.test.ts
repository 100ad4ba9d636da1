// SqliteLeaseStore with the lease journal in front of SQLite (durability 'process'): a put()
// resolves once its batch is in the journal, SQLite takes it up to 2 ms later, a restart commits
// exactly what SQLite missed, and while SQLite refuses writes the journal takes nothing more.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Lease } from '../dhcp/lease.ts';
import { LeaseJournal } from './lease-journal.ts';
import { openSqlite, type SqliteHandle } from './sqlite.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import {
  afterCheckpoint,
  checkpointEnded,
  checkpointRunning,
  checkpointStarted,
  createCheckpointSignal,
} from './checkpoint-pace.mjs';
import {
  CHECKPOINT_HOLD_MS,
  DIRECT_COMMIT_ROWS,
  JOURNAL_RETRY_MS,
  MAX_COMMIT_DELAY_MS,
  SqliteLeaseStore,
  type StoreJournal,
} from './sqlite-lease-store.ts';
import { labBase, makeLease, makeScratchDir, type ScratchDir } from './testing/fixtures.ts';
import { JournalRecordEncoder, type LeaseParams } from './lease-journal-record.ts';

const params = (l: Lease): LeaseParams => [
  l.address,
  l.subnetId,
  l.clientKey,
  l.hwAddress,
  l.clientId,
  l.hostname,
  l.fqdn,
  l.state,
  l.startsAt,
  l.expiresAt,
];

interface Opened {
  store: SqliteLeaseStore;
  events: SqliteEventLog;
  health: { error: unknown; waiting: number }[];
  dropped: unknown[];
}

describe('SqliteLeaseStore with a lease journal', () => {
  let scratch: ScratchDir;
  let journalFile: string;
  let opened: Opened[];

  function open(extra: Partial<StoreJournal> = {}, wrap = (h: SqliteHandle) => h): Opened {
    const handle: SqliteHandle = wrap(openSqlite({ file: scratch.databaseFile, durability: 'process' }));
    const events = new SqliteEventLog(handle.raw);
    const health: Opened['health'] = [];
    const dropped: unknown[] = [];
    const store = new SqliteLeaseStore(handle, events, null, {
      file: LeaseJournal.open(journalFile),
      onHealth: (error, waiting) => health.push({ error, waiting }),
      onDropped: (error) => dropped.push(error),
      ...extra,
    });
    const o = { store, events, health, dropped };
    opened.push(o);
    return o;
  }

  /** A second connection, as a backup or the sqlite3 CLI would open one. */
  function other(): Database.Database {
    return new Database(scratch.databaseFile);
  }

  const hostnames = (db: Database.Database) =>
    (
      db.prepare('SELECT address, hostname FROM leases ORDER BY address').all() as {
        address: number;
        hostname: string;
      }[]
    ).map((r) => [r.address, r.hostname]);

  beforeEach(() => {
    scratch = makeScratchDir();
    journalFile = join(scratch.path, 'lease-journal');
    opened = [];
  });
  afterEach(async () => {
    for (const o of opened) await o.store.close();
    scratch.remove();
  });

  test('put() resolves once the batch is journaled; SQLite has it MAX_COMMIT_DELAY_MS later, with its events', async (t) => {
    // The store's delay runs on a mocked clock, so a slow machine cannot make it pass early.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { store, events } = open();
    const db = other();
    try {
      await store.put(makeLease(labBase + 1, { hostname: 'one' }), 'lease.granted');
      assert.deepEqual(hostnames(db), [], 'not in SQLite yet when the promise resolves');
      assert.equal(store.counters.journaled, 1);
      assert.equal(events.lastRevision(), 0, 'events are published with the SQLite commit');
      await turn();
      await turn();
      t.mock.timers.tick(MAX_COMMIT_DELAY_MS - 1);
      assert.deepEqual(hostnames(db), [], 'nor a turn later: it waits for the leases of the next moments');
      t.mock.timers.tick(1);
      assert.deepEqual(hostnames(db), [[labBase + 1, 'one']]);
      assert.equal(store.counters.journaled, 0);
      assert.equal(store.counters.batchesCommitted, 1);
      assert.deepEqual(
        events.readSince(0, 10).map((e) => e.kind),
        ['lease.granted'],
      );
    } finally {
      db.close();
    }
  });

  test('batches queued while one waits for SQLite go in with it, in one transaction, in order', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { store, events } = open();
    let transactions = 0;
    const transact = events.transact.bind(events);
    events.transact = (work) => {
      transactions += 1;
      return transact(work);
    };
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      writes.push(
        store.put(makeLease(labBase + 1, { hostname: `h${i}` }), i === 0 ? 'lease.granted' : 'lease.renewed'),
      );
      await turn(); // each its own batch, journaled before the commit of the first has run
    }
    await Promise.all(writes);
    assert.equal(transactions, 0, 'none before the delay');
    t.mock.timers.tick(MAX_COMMIT_DELAY_MS);
    assert.equal(store.counters.batchesCommitted, 5);
    assert.equal(transactions, 1);
    assert.deepEqual(
      events.readSince(0, 10).map((e) => (e.object === 'lease' ? e.lease.hostname : null)),
      ['h0', 'h1', 'h2', 'h3', 'h4'],
    );
    assert.equal((await store.loadAll())[0]?.hostname, 'h4', 'the last write wins');
  });

  test('a batch of DIRECT_COMMIT_ROWS rows skips the journal: committed with the batches waiting there, after them', async () => {
    const { store, events } = open();
    const db = other();
    try {
      await store.put(makeLease(labBase + 1, { hostname: 'small' }), 'lease.granted');
      const journaled = LeaseJournal.open(journalFile);
      const records = journaled.read().records.length;
      journaled.close();
      assert.equal(records, 1, 'the one-row batch was journaled');
      assert.deepEqual(hostnames(db), [], 'and is not in SQLite yet');

      const big = Array.from({ length: DIRECT_COMMIT_ROWS }, (_, i) =>
        store.put(makeLease(labBase + 10 + i, { hostname: `big${i}` }), 'lease.granted'),
      );
      const seen = await Promise.all(big).then(() => hostnames(db));
      assert.deepEqual(
        seen,
        [[labBase + 1, 'small'], ...big.map((_, i) => [labBase + 10 + i, `big${i}`])],
        'in SQLite when its promises resolve, with the journaled batch',
      );
      assert.equal(store.counters.journaled, 0);
      const after = LeaseJournal.open(journalFile);
      try {
        assert.equal(after.read().records.length, 1, 'nothing more was journaled');
      } finally {
        after.close();
      }
      assert.deepEqual(
        events.readSince(0, 10).map((e) => (e.object === 'lease' ? e.lease.hostname : null)),
        ['small', ...big.map((_, i) => `big${i}`)],
        'the changes in the order they were made',
      );
      assert.deepEqual(db.prepare('SELECT applied_seq AS seq FROM lease_journal').get(), { seq: 1 });
    } finally {
      db.close();
    }
  });

  /** The store over a handle whose background checkpointer is the test's: it starts and ends it. */
  function openWithCheckpointer(): Opened & { signal: Int32Array } {
    const signal = createCheckpointSignal();
    const o = open({}, (h) => ({
      ...h,
      checkpointing: () => checkpointRunning(signal),
      afterCheckpoint: (ms) => afterCheckpoint(signal, ms),
    }));
    return { ...o, signal };
  }

  const journalRecords = () => {
    const journal = LeaseJournal.open(journalFile);
    try {
      return journal.read().records.length;
    } finally {
      journal.close();
    }
  };

  test('while the background checkpointer runs, journaled batches wait for it, large ones are journaled too; its end lets them in', async () => {
    const { store, events, signal } = openWithCheckpointer();
    let transactions = 0;
    const transact = events.transact.bind(events);
    events.transact = (work) => {
      transactions += 1;
      return transact(work);
    };
    const db = other();
    try {
      checkpointStarted(signal);
      await store.put(makeLease(labBase + 1, { hostname: 'small' }), 'lease.granted');
      await sleep(MAX_COMMIT_DELAY_MS + 30);
      assert.deepEqual(hostnames(db), [], 'past the delay, the journaled batch still waits for the checkpoint');
      const big = Array.from({ length: DIRECT_COMMIT_ROWS }, (_, i) =>
        store.put(makeLease(labBase + 10 + i, { hostname: `big${i}` }), 'lease.granted'),
      );
      await Promise.all(big);
      assert.equal(journalRecords(), 2, 'the large batch was journaled instead of committed');
      assert.deepEqual(hostnames(db), []);
      assert.equal(transactions, 0);

      checkpointEnded(signal);
      for (let i = 0; i < 100 && store.counters.journaled > 0; i++) await sleep(10);
      assert.deepEqual(hostnames(db), [[labBase + 1, 'small'], ...big.map((_, i) => [labBase + 10 + i, `big${i}`])]);
      assert.equal(transactions, 1, 'both in one transaction once the checkpoint ended');
      assert.deepEqual(db.prepare('SELECT applied_seq AS seq FROM lease_journal').get(), { seq: 2 });
    } finally {
      db.close();
    }
  });

  test('a checkpoint that runs past CHECKPOINT_HOLD_MS holds the journaled batches no longer', async () => {
    const { store, signal } = openWithCheckpointer();
    const db = other();
    try {
      checkpointStarted(signal);
      await store.put(makeLease(labBase + 1, { hostname: 'waited' }));
      await sleep(CHECKPOINT_HOLD_MS + MAX_COMMIT_DELAY_MS + 50);
      assert.deepEqual(hostnames(db), [[labBase + 1, 'waited']], 'committed while the checkpoint still runs');
      assert.equal(checkpointRunning(signal), true);
      checkpointEnded(signal);
    } finally {
      db.close();
    }
  });

  test('a large batch SQLite refuses as invalid is rejected; the journaled batch before it goes in', async () => {
    const { store } = open();
    await store.put(makeLease(labBase + 1, { hostname: 'journaled' }));
    const bad = { ...makeLease(labBase + 2), state: 'bogus' } as unknown as Lease;
    const big = [bad, ...Array.from({ length: DIRECT_COMMIT_ROWS - 1 }, (_, i) => makeLease(labBase + 10 + i))];
    const results = await Promise.allSettled(big.map((l) => store.put(l)));
    assert.ok(
      results.every((r) => r.status === 'rejected' && /CHECK constraint failed/.test(String(r.reason))),
      'the whole large batch is refused, as one transaction',
    );
    assert.deepEqual(
      (await store.loadAll()).map((l) => l.hostname),
      ['journaled'],
    );
    assert.equal(store.counters.batchesDropped, 0, 'no acknowledged change was lost');
    assert.equal(store.counters.batchesFailed, 1);
  });

  // What a kill -9 between the append and the commit leaves: batch 1 was committed (and then
  // changed in SQLite by batch 2's successor), batches 2 and 3 only journaled. Journals of this
  // version hold binary records; those of earlier versions JSON ones, read the same way.
  const restartRecords: [string, (seq: number, lease: Lease) => Uint8Array][] = [
    [
      'records of this version',
      (seq, lease) =>
        Buffer.from(
          new JournalRecordEncoder().encode(seq, new Map([[lease.address, params(lease)]]), [
            { object: 'lease', kind: 'lease.granted', lease },
          ]),
        ),
    ],
    [
      'JSON records of earlier versions',
      (seq, lease) =>
        Buffer.from(
          JSON.stringify({
            seq,
            writes: [[lease.address, params(lease)]],
            events: [{ object: 'lease', kind: 'lease.granted', lease }],
          }),
        ),
    ],
  ];
  for (const [format, record] of restartRecords)
    test(`a restart commits exactly the journaled batches SQLite missed, then empties the journal (${format})`, async () => {
      const seed = openSqlite({ file: scratch.databaseFile, durability: 'process' });
      seed.raw.exec(`INSERT INTO lease_journal (id, applied_seq) VALUES (1, 1)`);
      await seed.close();
      const journal = LeaseJournal.open(journalFile);
      journal.append(record(1, makeLease(labBase + 1, { hostname: 'committed before' })));
      journal.append(record(2, makeLease(labBase + 2, { hostname: 'two' })));
      journal.append(record(3, makeLease(labBase + 3, { hostname: 'three' })));
      journal.close();

      const { store, events } = open();
      assert.deepEqual(store.recovered, { batches: 2, dropped: 0, ignoredBytes: 0 });
      assert.deepEqual(
        (await store.loadAll()).map((l) => [l.address, l.hostname]),
        [
          [labBase + 2, 'two'],
          [labBase + 3, 'three'],
        ],
        'batch 1 is not committed a second time',
      );
      assert.deepEqual(
        events.readSince(0, 10).map((e) => e.revision),
        [1, 2],
        "batches 2 and 3's events, once each",
      );
      // The journal was emptied, and sequence numbers go on above the recovered ones.
      await store.put(makeLease(labBase + 4));
      await store.close();
      opened.length = 0;
      const db = other();
      try {
        assert.deepEqual(db.prepare('SELECT applied_seq AS seq FROM lease_journal').get(), { seq: 4 });
      } finally {
        db.close();
      }
      const again = open();
      assert.deepEqual(again.store.recovered, { batches: 0, dropped: 0, ignoredBytes: 0 });
      assert.equal((await again.store.loadAll()).length, 3);
    });

  test('while SQLite refuses writes: the journaled batch waits and is retried, new ones are refused; then all go in', async () => {
    const { store, health } = open();
    const lock = other();
    try {
      lock.exec('BEGIN IMMEDIATE');
      await store.put(makeLease(labBase + 1, { hostname: 'acked' }), 'lease.granted'); // journaled: durable
      await sleep(MAX_COMMIT_DELAY_MS); // its commit ran and met the lock
      assert.equal(health.length, 1);
      assert.match(String(health[0]!.error), /SQLITE_BUSY|database is locked/);
      assert.equal(health[0]!.waiting, 1);
      await assert.rejects(store.put(makeLease(labBase + 2)), /database is locked/);
      assert.equal(store.counters.journaled, 1, 'the refused batch was not journaled');
      lock.exec('ROLLBACK');
      await sleep(JOURNAL_RETRY_MS * 2);
      assert.deepEqual(health[1], { error: null, waiting: 0 });
      assert.deepEqual(hostnames(lock), [[labBase + 1, 'acked']]);
      await store.put(makeLease(labBase + 3, { hostname: 'after' }));
      assert.equal((await store.loadAll()).length, 2);
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
    }
  });

  test('a batch SQLite refuses as invalid is dropped and counted; the batches around it go in', async () => {
    const { store, dropped } = open();
    const bad = { ...makeLease(labBase + 2), state: 'bogus' } as unknown as Lease;
    const writes = [store.put(makeLease(labBase + 1))];
    await turn();
    writes.push(store.put(bad));
    await turn();
    writes.push(store.put(makeLease(labBase + 3)));
    await Promise.all(writes); // all three were journaled: their replies would have gone
    const stored = await store.loadAll();
    assert.deepEqual(
      stored.map((l) => l.address),
      [labBase + 1, labBase + 3],
    );
    assert.equal(store.counters.batchesDropped, 1);
    assert.equal(dropped.length, 1);
    assert.match(String(dropped[0]), /CHECK constraint failed/);
    await store.put(makeLease(labBase + 4));
    assert.equal((await store.loadAll()).length, 3, 'the store goes on');
  });

  test('recover-only (durability power after a process run): commits what the journal holds, then commits directly', async () => {
    const first = open();
    const lock = other();
    lock.exec('BEGIN IMMEDIATE');
    await first.store.put(makeLease(labBase + 1, { hostname: 'journaled' }));
    // The process ends before SQLite took it (its commit meets the lock; close() cannot either).
    await first.store.close();
    opened.length = 0;
    lock.exec('ROLLBACK');
    lock.close();

    const { store } = open({ recoverOnly: true });
    assert.equal(store.recovered.batches, 1);
    const db = other();
    try {
      const direct = store.put(makeLease(labBase + 2, { hostname: 'direct' })).then(() => hostnames(db));
      assert.deepEqual(await direct, [
        [labBase + 1, 'journaled'],
        [labBase + 2, 'direct'],
      ]);
      assert.equal(store.counters.journaled, 0);
    } finally {
      db.close();
    }
  });
});
