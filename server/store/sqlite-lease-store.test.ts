import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { Lease } from '../dhcp/lease.ts';
import { openSqlite } from './sqlite.ts';
import { LeaseStoreClosedError, SqliteLeaseStore } from './sqlite-lease-store.ts';
import { labBase, makeLease, makeScratchDir, type ScratchDir } from './testing/fixtures.ts';

function byAddress(leases: Lease[]): Lease[] {
  return [...leases].sort((a, b) => a.address - b.address);
}

describe('SqliteLeaseStore', () => {
  let scratch: ScratchDir;
  let store: SqliteLeaseStore;
  const open = () => new SqliteLeaseStore(openSqlite({ file: scratch.databaseFile, durability: 'process' }));

  beforeEach(() => {
    scratch = makeScratchDir();
    store = open();
  });
  afterEach(async () => {
    await store.close();
    scratch.remove();
  });

  test('round trip: every field of every state comes back after a reopen', async () => {
    const written: Lease[] = [
      makeLease(labBase + 1),
      makeLease(labBase + 2, {
        clientKey: 'id:01525400000002',
        clientId: '01525400000002',
        hostname: 'nas',
        fqdn: 'nas.lab.home',
        state: 'released',
      }),
      makeLease(labBase + 3, { state: 'expired', startsAt: 5, expiresAt: 6 }),
      makeLease(labBase + 4, { state: 'declined', hostname: 'ünïcode' }),
      makeLease(0xffffffff, { subnetId: '255.255.255.0/24' }),
      makeLease(0),
    ];
    await Promise.all(written.map((l) => store.put(l)));
    await store.close();

    store = open();
    assert.deepEqual(byAddress(await store.loadAll()), byAddress(written));
  });

  test('each commit tells the handle how many rows it wrote (the background checkpointer wakes on a burst)', async () => {
    await store.close();
    const handle = openSqlite({ file: scratch.databaseFile, durability: 'process' });
    const told: number[] = [];
    store = new SqliteLeaseStore({ ...handle, committed: (rows) => told.push(rows) });
    await Promise.all([
      store.put(makeLease(labBase + 1)),
      store.put(makeLease(labBase + 2)),
      store.remove(labBase + 3),
    ]);
    await store.put(makeLease(labBase + 1, { hostname: 'again' }));
    assert.deepEqual(told, [3, 1]);
  });

  test('a later write to an address in the same turn wins, and rows are coalesced', async () => {
    const a = labBase + 10;
    const b = labBase + 11;
    const c = labBase + 12;
    await store.put(makeLease(c)); // committed in an earlier turn, removed below
    const settled = Promise.all([
      store.put(makeLease(a, { hostname: 'first' })),
      store.put(makeLease(a, { hostname: 'second' })),
      store.remove(b),
      store.put(makeLease(b, { hostname: 'back' })),
      store.put(makeLease(c, { hostname: 'gone' })),
      store.remove(c),
    ]);
    await settled;

    const rows = byAddress(await store.loadAll());
    assert.deepEqual(
      rows.map((l) => [l.address, l.hostname]),
      [
        [a, 'second'],
        [b, 'back'],
      ],
    );
    assert.equal(store.counters.lastBatchSize, 3);
  });

  test('the row is the lease as it was at put(), not as the caller later changed it', async () => {
    const lease = makeLease(labBase + 20, { hostname: 'before' });
    const done = store.put(lease);
    lease.hostname = 'after';
    await done;
    assert.equal((await store.loadAll())[0]?.hostname, 'before');
  });

  test('many writes in one turn share one transaction; the next turn starts another', async () => {
    const first = Array.from({ length: 1000 }, (_, i) => store.put(makeLease(labBase + i)));
    await Promise.all(first);
    assert.deepEqual(store.counters, {
      batchesCommitted: 1,
      batchesFailed: 0,
      rowsWritten: 1000,
      lastBatchSize: 1000,
      journaled: 0,
      batchesDropped: 0,
    });

    await Promise.all([store.put(makeLease(labBase + 5000)), store.remove(labBase + 1)]);
    assert.deepEqual(store.counters, {
      batchesCommitted: 2,
      batchesFailed: 0,
      rowsWritten: 1002,
      lastBatchSize: 2,
      journaled: 0,
      batchesDropped: 0,
    });
    assert.equal((await store.loadAll()).length, 1000);
  });

  test('a promise resolves only once its row is committed: a second connection sees it', async () => {
    const other = new Database(scratch.databaseFile, { readonly: true });
    try {
      const find = other.prepare('SELECT hostname FROM leases WHERE address = ?');
      const address = labBase + 30;
      const done = store.put(makeLease(address, { hostname: 'seen' })).then(() => find.get(address));
      assert.equal(find.get(address), undefined, 'not committed before the turn ends');
      assert.deepEqual(await done, { hostname: 'seen' });

      const removed = store.remove(address).then(() => find.get(address));
      assert.deepEqual(find.get(address), { hostname: 'seen' }, 'delete not committed yet');
      assert.equal(await removed, undefined);
    } finally {
      other.close();
    }
  });

  test('a failing transaction rolls back the whole batch and rejects every promise in it', async () => {
    const good = makeLease(labBase + 40);
    const bad = { ...makeLease(labBase + 41), state: 'bogus' } as unknown as Lease;
    const results = await Promise.allSettled([store.put(good), store.put(bad), store.remove(labBase + 42)]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.match(String((r as PromiseRejectedResult).reason), /CHECK constraint failed/);
    }
    assert.deepEqual(await store.loadAll(), [], 'the good row was rolled back with the bad one');
    assert.equal(store.counters.batchesFailed, 1);
    assert.equal(store.counters.batchesCommitted, 0);

    await store.put(good); // the store keeps working after a failed batch
    assert.deepEqual(await store.loadAll(), [good]);
  });

  test('close() commits what is queued; writes after close() are refused', async () => {
    const queued = store.put(makeLease(labBase + 50));
    await store.close();
    await queued;
    await assert.rejects(store.put(makeLease(labBase + 51)), LeaseStoreClosedError);
    await assert.rejects(store.remove(labBase + 50), LeaseStoreClosedError);
    await store.close(); // a second close is harmless

    store = open();
    assert.deepEqual(
      (await store.loadAll()).map((l) => l.address),
      [labBase + 50],
    );
  });

  test('loadAll() includes writes queued in the same turn', async () => {
    const queued = store.put(makeLease(labBase + 60));
    assert.deepEqual(
      (await store.loadAll()).map((l) => l.address),
      [labBase + 60],
    );
    await queued;
  });
});

describe('SqliteLeaseStore in power durability', () => {
  const scratch = makeScratchDir();
  after(() => scratch.remove());

  test('commits and reloads like process durability', async () => {
    const options = { file: scratch.databaseFile, durability: 'power' } as const;
    let store = new SqliteLeaseStore(openSqlite(options));
    const leases = Array.from({ length: 64 }, (_, i) => makeLease(labBase + i));
    await Promise.all(leases.map((l) => store.put(l)));
    assert.equal(store.counters.batchesCommitted, 1);
    await store.close();
    store = new SqliteLeaseStore(openSqlite(options));
    assert.deepEqual(byAddress(await store.loadAll()), leases);
    await store.close();
  });
});
