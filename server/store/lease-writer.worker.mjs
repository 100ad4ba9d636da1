// The lease writer: a worker thread that owns the lease store's write connection, so a commit
// (the statements, the WAL writes, in `durability: power` the fsync, now and then a checkpoint)
// runs on its own thread while the daemon's thread goes on reading and answering packets.
// Plain JavaScript with better-sqlite3 as its only import, so it starts in tens of milliseconds
// and needs no TypeScript loader: the SQL, the pragmas and every row's values come from
// SqliteLeaseStore (sqlite-lease-store.ts), which is the one place that knows them.
//
// workerData: { file, pragmas: string[], sql: { upsert, remove, event } }
// in:  { upserts: unknown[][], deletes: number[], time: number, events: unknown[][] }, one at a time
//      (the store sends the next batch only after this one's reply), or { close: true }
// out: { ok: true, revisions: number[] } after COMMIT returned, or { ok: false, message, code }
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, pragmas, sql } = workerData;
const db = new Database(file, { fileMustExist: true });
for (const pragma of pragmas) db.pragma(pragma);
const upsert = db.prepare(sql.upsert);
const remove = db.prepare(sql.remove);
const insertEvent = db.prepare(sql.event);

// IMMEDIATE takes the write lock at BEGIN, waiting up to busy_timeout while the daemon's own
// connection (an operator's reservation, a VM, compaction) or another process is writing.
const commit = db.transaction((batch) => {
  for (const params of batch.upserts) upsert.run(params);
  for (const address of batch.deletes) remove.run(address);
  const revisions = [];
  for (const params of batch.events) {
    revisions.push(Number(insertEvent.run(batch.time, ...params).lastInsertRowid));
  }
  return revisions;
}).immediate;

parentPort.on('message', (message) => {
  if (message.close === true) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ ok: true, revisions: commit(message) });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error?.message ?? error), code: error?.code ?? null });
  }
});
