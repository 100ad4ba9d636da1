// The background checkpointer: a worker thread with its own connection that copies the WAL's
// committed pages back into the database file (PRAGMA wal_checkpoint(PASSIVE)) once every
// interval. SQLite's own checkpoint still runs in the commit that finds 1,000 pages in the WAL,
// and only it can restart the WAL, but it then finds nearly every page copied already, so the
// stall it puts on the DHCP path (the copies and two fsyncs, several milliseconds) is short.
// PASSIVE never waits for a lock and never blocks the writer.
// Plain JavaScript with better-sqlite3 as its only import, so it starts in tens of milliseconds
// without a TypeScript loader; openSqlite (sqlite.ts) passes what it needs.
//
// workerData: { file, synchronous, intervalMs }
// in:  { close: true }
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, synchronous, intervalMs } = workerData;
const db = new Database(file, { fileMustExist: true });
// The same level as the daemon's connection, so a checkpoint syncs what that one's would.
db.pragma(`synchronous = ${synchronous}`);

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Tried again at the next interval; a checkpoint that fails leaves the WAL as it was.
  }
}, intervalMs);

parentPort.on('message', (message) => {
  if (message?.close !== true) return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
