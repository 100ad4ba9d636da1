import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { openSqlite, sqliteMigrationsFolder, type SqliteHandle } from './sqlite.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import { SqliteLeaseStore } from './sqlite-lease-store.ts';
import { labBase, makeLease, makeScratchDir } from './testing/fixtures.ts';

function tableNames(raw: Database.Database): string[] {
  const rows = raw
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  return rows.map((r) => r.name).sort();
}

function journalTags(): string[] {
  const journal = JSON.parse(readFileSync(join(sqliteMigrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  return journal.entries.map((e) => e.tag);
}

describe('openSqlite', () => {
  const scratch = makeScratchDir();
  after(() => scratch.remove());

  test('the database and its -wal and -shm files are 0600 whatever the umask; a loose existing file is tightened', () => {
    const previous = process.umask(0o022);
    try {
      const file = join(scratch.path, 'private', 'db.sqlite');
      const handle = openSqlite({ file, durability: 'process' });
      handle.raw.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        assert.ok(existsSync(path), path);
        assert.equal((statSync(path).mode & 0o777).toString(8), '600', path);
      }
      assert.equal((statSync(dirname(file)).mode & 0o777).toString(8), '700', 'a folder it makes is 0700');
      handle.close();
      chmodSync(file, 0o644);
      openSqlite({ file, durability: 'process' }).close();
      assert.equal((statSync(file).mode & 0o777).toString(8), '600');
    } finally {
      process.umask(previous);
    }
  });

  test('creates the parent folder, uses WAL, and maps durability to synchronous', () => {
    const cases = [
      { durability: 'process', synchronous: 1 /* NORMAL */ },
      { durability: 'power', synchronous: 2 /* FULL */ },
    ] as const;
    for (const c of cases) {
      const file = join(scratch.path, c.durability, 'nested', 'db.sqlite');
      const handle = openSqlite({ file, durability: c.durability });
      try {
        assert.equal(handle.raw.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(handle.raw.pragma('synchronous', { simple: true }), c.synchronous, c.durability);
        assert.equal(handle.raw.pragma('busy_timeout', { simple: true }), 20);
      } finally {
        handle.close();
      }
    }
  });

  test('applies every migration to an empty (zero-byte) file', () => {
    const file = join(scratch.path, 'empty', 'db.sqlite');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
    const handle = openSqlite({ file, durability: 'process' });
    try {
      assert.deepEqual(tableNames(handle.raw), [
        '__drizzle_migrations',
        'event_log_floor',
        'events',
        'hosts',
        'lease_journal',
        'leases',
        'reservations',
        'sessions',
        'users',
        'vms',
      ]);
      const applied = handle.raw.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get();
      assert.deepEqual(applied, { n: journalTags().length });
    } finally {
      handle.close();
    }
  });

  test('brings an old file (first migration only) up to date and keeps its rows', () => {
    const file = join(scratch.path, 'old', 'db.sqlite');
    mkdirSync(dirname(file), { recursive: true });
    migrateWithFirstMigrationOnly(file, join(scratch.path, 'old-migrations'));

    const handle = openSqlite({ file, durability: 'process' });
    try {
      assert.ok(tableNames(handle.raw).includes('events'));
      assert.ok(tableNames(handle.raw).includes('reservations'));
      const lease = handle.raw.prepare('SELECT address, hostname FROM leases').all();
      assert.deepEqual(lease, [{ address: 0x0a7b0064, hostname: 'old' }]);
      // 0006 drops the two lease indexes 0000 made: nothing reads leases by them, and each cost
      // WAL pages on every commit.
      const indexes = handle.raw
        .prepare("SELECT name FROM pragma_index_list('leases') WHERE origin = 'c' ORDER BY name")
        .all();
      assert.deepEqual(indexes, []);
      const applied = handle.raw.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get();
      assert.deepEqual(applied, { n: journalTags().length });
    } finally {
      handle.close();
    }
  });

  test('0007 carries the revision counter over from AUTOINCREMENT: kept events keep their numbers, an emptied log goes on above it', async () => {
    // Two files at 0006 with revisions 1-5 handed out: one still holds 4 and 5, one was emptied.
    const cases = [
      { name: 'kept', deleteBelow: 4, kept: [4, 5] },
      { name: 'emptied', deleteBelow: 6, kept: [] },
    ];
    for (const { name, deleteBelow, kept } of cases) {
      const file = join(scratch.path, `revisions-${name}`, 'db.sqlite');
      mkdirSync(dirname(file), { recursive: true });
      const raw = migrateWithFirst(file, join(scratch.path, `revisions-${name}-migrations`), 7);
      try {
        const insert = raw.prepare(
          `INSERT INTO events (time, kind, object_type, object_id, payload) VALUES (1, 'lease.granted', 'lease', ?, '{}')`,
        );
        for (let i = 1; i <= 5; i += 1) insert.run(`10.123.0.${i}`);
        raw.prepare('DELETE FROM events WHERE revision < ?').run(deleteBelow);
      } finally {
        raw.close();
      }
      const handle = openSqlite({ file, durability: 'process' });
      const log = new SqliteEventLog(handle.raw);
      const store = new SqliteLeaseStore(handle, log);
      try {
        assert.deepEqual(
          log.readSince(0, 10).map((e) => e.revision),
          kept,
          name,
        );
        assert.equal(log.lastRevision(), 5, name);
        await store.put(makeLease(labBase + 9), 'lease.granted');
        assert.equal(log.lastRevision(), 6, `${name}: the next revision follows the last one AUTOINCREMENT gave`);
      } finally {
        await store.close();
      }
    }
  });

  test('background checkpoints: the worker copies the WAL into the file, and the WAL stays bounded under steady commits', async () => {
    const file = join(scratch.path, 'background', 'db.sqlite');
    const handle = openSqlite({ file, durability: 'process', checkpoints: 'background' });
    try {
      // 500 pages: below the 1,000 at which this connection would checkpoint by itself.
      assert.ok(await copiedByCheckpointer(handle, file, 500), 'the checkpointer copied the pages into the file');

      // Commits one after another for a while, as under load: only the writer's own checkpoint
      // restarts the WAL, so with it off the WAL grew by hundreds of MB in seconds.
      const update = handle.raw.prepare('UPDATE t SET x = ? WHERE k = ?');
      const until = Date.now() + 1500;
      let walMax = 0;
      for (let i = 0; Date.now() < until; i += 1) {
        update.run(`${i}`.padEnd(4000, 'y'), i % 500);
        if (i % 100 === 0) walMax = Math.max(walMax, statSync(`${file}-wal`).size);
      }
      assert.ok(walMax < 16 * 1024 * 1024, `the WAL reached ${walMax} bytes`);
    } finally {
      await handle.close();
    }
  });

  test('background checkpoints: idle, the worker waits; a burst of committed rows wakes it at once', async () => {
    const file = join(scratch.path, 'background-wake', 'db.sqlite');
    // An idle wait far longer than this test: only the writer's signal can make it checkpoint.
    const pace = { minMs: 20, maxMs: 600_000, wakeRows: 100 };
    const handle = openSqlite({ file, durability: 'process', checkpoints: 'background', checkpointPace: pace });
    try {
      const sizeBefore = statSync(file).size;
      commitPages(handle, 50);
      handle.committed(50); // fewer than wakeRows
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(statSync(file).size, sizeBefore, 'fifty rows did not wake the checkpointer');
      handle.committed(50); // a hundred pending now
      assert.ok(await fileGrows(file, sizeBefore + 50 * 4000), 'the checkpointer copied the pages once woken');
    } finally {
      await handle.close();
    }
  });

  test('background checkpoints: the writer sees the worker checkpointing, and then its end', async () => {
    const file = join(scratch.path, 'background-running', 'db.sqlite');
    const pace = { minMs: 0, maxMs: 600_000, wakeRows: 100 };
    const handle = openSqlite({ file, durability: 'process', checkpoints: 'background', checkpointPace: pace });
    try {
      assert.equal(handle.checkpointing(), false);
      handle.raw.pragma('wal_autocheckpoint = 0'); // the worker alone copies these pages
      commitPages(handle, 2000); // some 8 MB: copying and syncing them takes a while
      const sizeBefore = statSync(file).size;
      handle.committed(100);
      let seen = false;
      for (const deadline = Date.now() + 5_000; !seen && Date.now() < deadline;) seen = handle.checkpointing();
      assert.ok(seen, 'the worker marked its checkpoint as running');
      const alive = setTimeout(() => undefined, 10_000);
      await handle.afterCheckpoint(10_000);
      clearTimeout(alive);
      assert.equal(handle.checkpointing(), false);
      assert.ok(statSync(file).size > sizeBefore + 1000 * 4000, 'and had copied the pages when it ended it');
    } finally {
      await handle.close();
    }
  });

  test('closing with background checkpoints resolves once the worker has closed too: nothing touches the files after', async () => {
    const file = join(scratch.path, 'background-close', 'db.sqlite');
    const handle = openSqlite({ file, durability: 'process', checkpoints: 'background' });
    // Once the worker has copied pages into the file, it has its connection open.
    assert.ok(await copiedByCheckpointer(handle, file, 20), 'the checkpointer has its connection open');
    await handle.close();
    // The last connection to close deletes the WAL and its index: so none is left open anywhere.
    assert.equal(existsSync(`${file}-wal`), false, 'no connection left holding the WAL');
    assert.equal(existsSync(`${file}-shm`), false, 'no connection left holding the WAL index');
  });

  test('reopening an up-to-date file applies nothing twice', () => {
    const file = join(scratch.path, 'twice', 'db.sqlite');
    openSqlite({ file, durability: 'process' }).close();
    const handle = openSqlite({ file, durability: 'process' });
    try {
      const applied = handle.raw.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get();
      assert.deepEqual(applied, { n: journalTags().length });
    } finally {
      handle.close();
    }
  });
});

/**
 * Creates table t and commits `pages` rows of about a page each in one transaction; true once the
 * database file has grown by them, which only a checkpoint does (false after 10 s).
 */
async function copiedByCheckpointer(handle: SqliteHandle, file: string, pages: number): Promise<boolean> {
  const sizeBefore = statSync(file).size;
  commitPages(handle, pages);
  return fileGrows(file, sizeBefore + pages * 4000);
}

/** Creates table t with `pages` rows of about a page each, in one transaction. */
function commitPages(handle: SqliteHandle, pages: number): void {
  handle.raw.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, x)');
  const insert = handle.raw.prepare('INSERT INTO t VALUES (?, ?)');
  handle.raw.transaction(() => {
    for (let i = 0; i < pages; i += 1) insert.run(i, 'x'.repeat(4000));
  })();
}

/** True once the file has at least `size` bytes, false if it has not after 10 s. */
async function fileGrows(file: string, size: number): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (statSync(file).size < size && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return statSync(file).size >= size;
}

/** A database as an older release left it: only the first `count` migrations applied; still open. */
function migrateWithFirst(file: string, folder: string, count: number): Database.Database {
  assert.ok(journalTags().length > count, `this test needs more than ${count} migrations`);
  cpSync(sqliteMigrationsFolder(), folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalFile, JSON.stringify(journal));
  const raw = new Database(file);
  try {
    migrate(drizzle({ client: raw }), { migrationsFolder: folder });
    return raw;
  } catch (error) {
    raw.close();
    throw error;
  }
}

/** Builds what a database from the first release looks like: only 0000 applied, one lease. */
function migrateWithFirstMigrationOnly(file: string, folder: string): void {
  const raw = migrateWithFirst(file, folder, 1);
  try {
    assert.deepEqual(tableNames(raw), ['__drizzle_migrations', 'leases']);
    raw
      .prepare(
        `INSERT INTO leases (address, subnet_id, client_key, hw_address, hostname, state,
           starts_at, expires_at) VALUES (?, '10.123.0.0/24', 'hw:x', 'x', 'old', 'active', 1, 2)`,
      )
      .run(0x0a7b0064);
  } finally {
    raw.close();
  }
}
