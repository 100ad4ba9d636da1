// The background checkpointer: a worker thread with its own connection that copies the WAL's
// committed pages back into the database file (PRAGMA wal_checkpoint(PASSIVE)): every 100 ms
// under load, once a second when idle, at once when a burst of commits wakes it
// (checkpoint-pace.mjs). SQLite's own checkpoint still runs in the commit that finds 1,000 pages
// in the WAL, and only it can restart the WAL, but it then finds nearly every page copied
// already, so the stall it puts on the DHCP path (the copies and two fsyncs, several
// milliseconds) is short. PASSIVE never waits for a lock and never blocks the writer.
// Plain JavaScript with better-sqlite3 as its only package, so it starts in tens of milliseconds
// without a TypeScript loader; openSqlite (sqlite.ts) passes what it needs.
//
// workerData: { file, synchronous, pace: { minMs, maxMs, wakeRows }, signal }
// in:  { close: true }
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { markSeen, waitForRows, wakeNow } from './checkpoint-pace.mjs';

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
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Tried again at the next turn; a checkpoint that fails leaves the WAL as it was.
    }
    last = performance.now();
  }
}

void run();
