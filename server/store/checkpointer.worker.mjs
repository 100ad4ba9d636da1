// The background checkpointer: a worker thread with its own connection that copies the WAL's
// committed pages back into the database file (PRAGMA wal_checkpoint(PASSIVE)) once every
// interval. With it, the daemon's connection runs with wal_autocheckpoint = 0, so no commit on the
// DHCP path does a checkpoint's page copies and fsyncs, a stall of several milliseconds with every
// packet queued behind it. PASSIVE never waits for a lock and never blocks the writer; frames
// appended meanwhile are left for the next run, and once a run has copied everything, the next
// commit starts the WAL again from its beginning.
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
