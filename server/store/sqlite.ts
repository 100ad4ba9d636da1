// Opens the embedded SQLite database, sets the pragmas that decide what a commit survives, and
// brings the schema up to date with the drizzle-kit migrations before anything reads it.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../../drizzle/sqlite/schema.ts';

/**
 * What a committed transaction survives.
 * - 'process': a crash or kill -9 of the daemon (the guarantee of Kea's memfile backend).
 * - 'power': also an OS crash or power loss, at the price of an fsync per commit.
 */
export type Durability = 'process' | 'power';

export interface SqliteOptions {
  /** Path of the database file; its folder is created when missing. */
  file: string;
  durability: Durability;
  /**
   * How long a writer waits for another connection's lock before SQLITE_BUSY. better-sqlite3 is
   * synchronous, so the wait blocks the whole daemon, DHCP included: keep it short and let the
   * callers retry (the lease bindings rewrite what failed; compaction runs again). Default 20.
   */
  busyTimeoutMs?: number;
}

/** A few milliseconds: a backup's or sqlite3 CLI's short write passes, a long one fails fast. */
export const DEFAULT_BUSY_TIMEOUT_MS = 20;

export type StoreDatabase = BetterSQLite3Database<typeof schema>;

export interface SqliteHandle {
  /** drizzle over the connection: schema-typed queries, migrations, non-hot reads. */
  db: StoreDatabase;
  /** The better-sqlite3 connection itself, for prepared statements on the hot path. */
  raw: Database.Database;
  close(): void;
}

/** The folder of generated migrations, found from this file so the cwd does not matter. */
export function sqliteMigrationsFolder(): string {
  return fileURLToPath(new URL('../../drizzle/sqlite/migrations', import.meta.url));
}

export function openSqlite(opts: SqliteOptions): SqliteHandle {
  mkdirSync(dirname(opts.file), { recursive: true, mode: 0o700 });
  makePrivate(opts.file);
  const raw = new Database(opts.file);
  try {
    applyPragmas(raw, opts);
    const db = drizzle({ client: raw, schema });
    // Runs every migration the file has not seen yet, each in a transaction, and records it in
    // __drizzle_migrations: an empty file gets the whole schema, an old one only what it lacks.
    migrate(db, { migrationsFolder: sqliteMigrationsFolder() });
    return { db, raw, close: () => raw.close() };
  } catch (error) {
    raw.close();
    throw error;
  }
}

/**
 * The database holds every client's MAC, address and host name: mode 0600. SQLite gives the -wal
 * and -shm files it creates the database file's mode, so creating the file first (an empty file
 * is an empty database) with 0600 covers all three; an existing file is tightened.
 */
function makePrivate(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function applyPragmas(raw: Database.Database, opts: SqliteOptions): void {
  raw.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
  // Write-ahead log: a commit appends its pages to <file>-wal and ends with a commit frame; the
  // main file is only rewritten at checkpoints. Readers never block the writer. On open after a
  // crash, SQLite replays the WAL up to the last complete commit frame and ignores the rest, so a
  // transaction is either wholly there or wholly absent.
  const mode = raw.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') {
    throw new Error(
      `SQLite at ${opts.file} refused WAL mode (got "${String(mode)}"); ` +
        'put the data directory on a local filesystem that supports shared memory',
    );
  }
  raw.pragma(`synchronous = ${synchronousFor(opts.durability)}`);
  raw.pragma('foreign_keys = ON');
}

/**
 * synchronous=NORMAL in WAL mode: at commit the WAL frames are write()n, which hands them to the
 * OS page cache, but not fsync()ed (the WAL is synced only at checkpoints). Once write() has
 * returned, the data belongs to the kernel, not to our process: kill -9 or a crash of the daemon
 * loses no committed transaction. Only an OS crash or power loss, which drops the page cache, can
 * lose the last transactions (never corrupt the file: the WAL checksums cut the tail cleanly).
 *
 * synchronous=FULL in WAL mode: the WAL is fsync()ed at every commit, so a commit survives power
 * loss too. The cost is one fsync per transaction, which group commit spreads over a whole batch.
 */
function synchronousFor(durability: Durability): 'NORMAL' | 'FULL' {
  return durability === 'power' ? 'FULL' : 'NORMAL';
}
