// When the background checkpointer (checkpointer.worker.mjs) runs, and how the daemon's thread
// tells it that writes are coming in. Plain JavaScript, as the worker is; checkpoint-pace.d.mts
// gives TypeScript callers its types.
//
// Each checkpoint that finds new pages syncs the WAL and the database file, and each wake-up of
// the worker costs CPU even when there is nothing to copy: at a fixed 100 ms the worker was most
// of an idle daemon's CPU. So the worker sleeps up to `maxMs`, and the writer wakes it early once
// `wakeRows` rows have been committed since it last looked; it never checkpoints sooner than
// `minMs` after its last checkpoint. Under load that is every `minMs`, as before; idle, one
// wake-up per `maxMs`; a burst after a quiet spell wakes it at once, so SQLite's own checkpoint
// in the commit that reaches 1,000 pages still finds most of them copied.
//
// The shared memory: four int32 slots. ROWS: rows committed so far (the writer adds, wrapping
// at 2^32); SEEN: ROWS when the worker last looked; WAKE: always 0, the word the worker waits on;
// RUNNING: 1 while the worker checkpoints, the word the writer waits on to commit after it.

const ROWS = 0;
const SEEN = 1;
const WAKE = 2;
const RUNNING = 3;

/** The memory both threads share; pass it in workerData. */
export function createCheckpointSignal() {
  return new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
}

/**
 * Rows committed since the worker last looked.
 * @param {Int32Array} signal
 * @returns {number}
 */
export function rowsPending(signal) {
  return (Atomics.load(signal, ROWS) - Atomics.load(signal, SEEN)) >>> 0;
}

/**
 * The writer's side, after each commit: counts the rows, and wakes the worker when `wakeRows` or
 * more are pending. Returns whether it woke it (a worker that is not waiting misses nothing: the
 * next commit wakes it again while that many are pending).
 * @param {Int32Array} signal
 * @param {number} rows
 * @param {number} wakeRows
 * @returns {boolean}
 */
export function noteCommitted(signal, rows, wakeRows) {
  Atomics.add(signal, ROWS, rows);
  if (rowsPending(signal) < wakeRows) return false;
  Atomics.notify(signal, WAKE);
  return true;
}

/**
 * The worker's side: resolves after `ms`, or earlier once the writer wakes it (at once if enough
 * rows are pending already). The stopping thread wakes it too (wakeNow).
 * @param {Int32Array} signal
 * @param {number} ms
 * @param {number} wakeRows
 * @returns {Promise<void>}
 */
export async function waitForRows(signal, ms, wakeRows) {
  if (rowsPending(signal) >= wakeRows) return;
  const wait = Atomics.waitAsync(signal, WAKE, 0, ms);
  if (wait.async) await wait.value;
}

/**
 * The worker's side, before it checkpoints: what is pending now is what it copies.
 * @param {Int32Array} signal
 */
export function markSeen(signal) {
  Atomics.store(signal, SEEN, Atomics.load(signal, ROWS));
}

/**
 * Wakes a waiting worker whatever is pending (to stop it).
 * @param {Int32Array} signal
 */
export function wakeNow(signal) {
  Atomics.notify(signal, WAKE);
}

/**
 * The worker's side, around its checkpoint: while it runs, the writer holds back what can wait.
 * @param {Int32Array} signal
 */
export function checkpointStarted(signal) {
  Atomics.store(signal, RUNNING, 1);
}

/**
 * @param {Int32Array} signal
 */
export function checkpointEnded(signal) {
  Atomics.store(signal, RUNNING, 0);
  Atomics.notify(signal, RUNNING);
}

/**
 * The writer's side: whether the worker is checkpointing now.
 * @param {Int32Array} signal
 * @returns {boolean}
 */
export function checkpointRunning(signal) {
  return Atomics.load(signal, RUNNING) !== 0;
}

/**
 * The writer's side: resolves once no checkpoint is running, or after `ms` at the latest.
 * @param {Int32Array} signal
 * @param {number} ms
 * @returns {Promise<void>}
 */
export async function afterCheckpoint(signal, ms) {
  const wait = Atomics.waitAsync(signal, RUNNING, 1, ms);
  if (wait.async) await wait.value;
}
