// Opens the embedded SQLite database, sets the pragmas that decide what a commit survives, and
// brings the schema up to date with the drizzle-kit migrations before anything reads it.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../../drizzle/sqlite/schema.ts';
import {
  afterCheckpoint,
  checkpointEnded,
  checkpointRunning,
  createCheckpointSignal,
  noteCommitted,
  type CheckpointPace,
} from './checkpoint-pace.mjs';

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
  /**
   * Who copies the WAL back into the database file. 'inline' (SQLite's default): the commit that
   * finds 1,000 pages in the WAL, which then takes several milliseconds (the copies and two
   * fsyncs) while every packet waits. 'background': a worker thread on its own connection as well,
   * at CHECKPOINT_PACE (checkpointer.worker.mjs), so by the time a commit reaches 1,000
   * pages nearly all of them are already copied and its own checkpoint is short, and a writer that
   * waits for the worker's checkpoint to end (`afterCheckpoint`) starts the WAL over without one.
   * Default 'inline'.
   */
  checkpoints?: 'inline' | 'background';
  /** The background checkpointer's pace; CHECKPOINT_PACE unless a test needs another. */
  checkpointPace?: CheckpointPace;
}

/**
 * When the background checkpointer runs (checkpoint-pace.mjs). Under load every 100 ms: some 400
 * WAL pages apart at 2,000 exchanges a second, so the commit that reaches 1,000 finds little left
 * to copy. With fewer than 100 rows committed since its last look it sleeps up to a second: each
 * checkpoint that finds new pages syncs two files, and at a fixed 100 ms the worker's wake-ups
 * were most of an idle daemon's CPU. A hundred rows are some 200 pages (400 pages for the 200
 * rows of 100 ms at 2,000/s), well below 1,000.
 */
export const CHECKPOINT_PACE: CheckpointPace = { minMs: 100, maxMs: 1_000, wakeRows: 100 };

/** A few milliseconds: a backup's or sqlite3 CLI's short write passes, a long one fails fast. */
export const DEFAULT_BUSY_TIMEOUT_MS = 20;

export type StoreDatabase = BetterSQLite3Database<typeof schema>;

export interface SqliteHandle {
  /** drizzle over the connection: schema-typed queries, migrations, non-hot reads. */
  db: StoreDatabase;
  /** The better-sqlite3 connection itself, for prepared statements on the hot path. */
  raw: Database.Database;
  /**
   * Tells the background checkpointer that a transaction of `rows` rows has committed, so a burst
   * wakes it before its idle wait ends (checkpoint-pace.mjs); one atomic add. A no-op without it.
   */
  committed(rows: number): void;
  /** Whether the background checkpointer is copying the WAL now (false without one). */
  checkpointing(): boolean;
  /** Resolves once no background checkpoint is running, or after `ms`. */
  afterCheckpoint(ms: number): Promise<void>;
  /**
   * Closes the connection at once, and stops the background checkpointer if there is one; resolves
   * once that thread has closed its own connection and ended, after which nothing of this handle
   * touches the database files (a folder removed before then may see them come back).
   */
  close(): Promise<void>;
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
    const checkpointer = opts.checkpoints === 'background' ? startCheckpointer(opts) : null;
    return {
      db,
      raw,
      committed: checkpointer?.committed ?? (() => undefined),
      checkpointing: checkpointer?.checkpointing ?? (() => false),
      afterCheckpoint: checkpointer?.afterCheckpoint ?? (() => Promise.resolve()),
      close: async () => {
        raw.close();
        await checkpointer?.stop();
      },
    };
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
 * The daemon's choice, by measurement (issue 12; `npm run bench -- --servers
 * kea,homeplane-process,homeplane-power --rates 2000,4000 --repeat 2`, 2 cores shared with
 * perfdhcp). With durability 'process', at 2,000/s, the checkpointer beside the daemon's own took
 * REQUEST-ACK to 0.49-1.04 ms (4 runs) from 1.02-2.01 ms (6 runs without it), and DISCOVER-OFFER
 * to 0.37-0.67 ms from 0.95-2.1 ms. With 'power', where each commit fsyncs the WAL already, the
 * checkpointer's fsyncs of the database file compete with those: REQUEST-ACK 2.47 and 8.48 ms
 * against 1.46-1.98 ms without it, so there SQLite checkpoints alone.
 */
export function checkpointsFor(durability: Durability): 'inline' | 'background' {
  return durability === 'process' ? 'background' : 'inline';
}

/** How long a stopping checkpointer may take to close its connection before its thread is ended. */
const CHECKPOINTER_STOP_MS = 2_000;

/**
 * Starts the worker that checkpoints beside this connection. The WAL starts over only at a
 * transaction that finds every frame copied; a writer that commits while the worker copies
 * (back-to-back commits straight to SQLite, as the bounded-WAL test makes) never gives it that moment, and
 * without a checkpoint of its own the WAL grew without bound (503 MB after 5 s of back-to-back
 * renewals). So this connection keeps SQLite's own checkpoint at 1,000 pages, and the lease store
 * holds its journaled batches while the worker runs (`checkpointing`, `afterCheckpoint`), so that
 * at its pace the worker's checkpoint is usually whole and that one rarely runs. The worker is
 * unreferenced, so it never keeps the process alive; a process that ends without close() leaves
 * its connection as a crash would, which WAL recovers from at the next open.
 */
function startCheckpointer(opts: SqliteOptions): {
  committed(rows: number): void;
  checkpointing(): boolean;
  afterCheckpoint(ms: number): Promise<void>;
  stop(): Promise<void>;
} {
  const pace = opts.checkpointPace ?? CHECKPOINT_PACE;
  const signal = createCheckpointSignal();
  const worker = new Worker(new URL('./checkpointer.worker.mjs', import.meta.url), {
    workerData: { file: opts.file, synchronous: synchronousFor(opts.durability), pace, signal },
  });
  worker.unref();
  worker.on('error', () => undefined); // it only makes the inline checkpoints shorter: without it they are as before
  // Made now, so a thread that has already ended (an error at its start) counts as stopped.
  // A thread that ends mid-checkpoint (terminated at close) leaves nothing held back.
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      checkpointEnded(signal);
      resolve();
    }),
  );
  return {
    committed: (rows) => void noteCommitted(signal, rows, pace.wakeRows),
    checkpointing: () => checkpointRunning(signal),
    afterCheckpoint: (ms) => afterCheckpoint(signal, ms),
    // A thread still starting gets the message once it listens, so it closes what it opened.
    stop: async () => {
      worker.postMessage({ close: true });
      const late = setTimeout(() => void worker.terminate(), CHECKPOINTER_STOP_MS);
      await exited;
      clearTimeout(late);
    },
  };
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
