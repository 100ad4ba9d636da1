// The background checkpointer: a worker thread with its own connection that copies the WAL's
// committed pages back into the database file (PRAGMA wal_checkpoint(PASSIVE)): every 100 ms
// under load, once a second when idle, at once when a burst of commits wakes it
// (checkpoint-pace.mjs). While it runs it says so in the shared memory, and the lease store holds
// its journaled batches back until it ends (holdForCheckpoint in sqlite-lease-store.ts): so the
// checkpoint usually copies the whole WAL, and the writer's next transaction starts the WAL over
// (one fsync of its header) instead of SQLite's own checkpoint at 1,000 pages doing so on the
// DHCP path (the copies and two fsyncs, several milliseconds). That one stays as the fallback.
// PASSIVE never waits for a lock and never blocks the writer.
// Plain JavaScript with better-sqlite3 as its only package, so it starts in tens of milliseconds
// without a TypeScript loader; openSqlite (sqlite.ts) passes what it needs.
//
// workerData: { file, synchronous, pace: { minMs, maxMs, wakeRows }, signal }
// in:  { close: true }
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkpointEnded, checkpointStarted, markSeen, waitForRows, wakeNow } from './checkpoint-pace.mjs';

const { file, synchronous, pace, signal } = workerData;
const db = new Database(file, { fileMustExist: true });
// The same level as the daemon's connection, so a checkpoint syncs what that one's would.
db.pragma(`synchronous = ${synchronous}`);
let closed = false;

parentPort.on('message', (message) => {
  if (message?.close !== true) return;
  closed = true;
  db.close();
  wakeNow(signal); // ends the wait in run()
  parentPort.close();
});

async function run() {
  let last = performance.now();
  while (!closed) {
    await waitForRows(signal, pace.maxMs, pace.wakeRows);
    const early = pace.minMs - (performance.now() - last);
    if (early > 0) await sleep(early);
    if (closed) return;
    markSeen(signal);
    checkpointStarted(signal);
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Tried again at the next turn; a checkpoint that fails leaves the WAL as it was.
    } finally {
      checkpointEnded(signal);
    }
    last = performance.now();
  }
}

void run();
