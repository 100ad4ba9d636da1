// Types of checkpoint-pace.mjs, for TypeScript callers.
export interface CheckpointPace {
  /** The shortest time between two checkpoints: the cadence under load. */
  minMs: number;
  /** The longest the worker sleeps when no burst of rows wakes it. */
  maxMs: number;
  /** Rows committed since the worker last looked that wake it before maxMs. */
  wakeRows: number;
}
/** The memory the writer and the worker share; pass it in workerData. */
export function createCheckpointSignal(): Int32Array;
/** Rows committed since the worker last looked. */
export function rowsPending(signal: Int32Array): number;
/** After a commit: counts the rows, and wakes the worker when wakeRows or more are pending; true if it woke it. */
export function noteCommitted(signal: Int32Array, rows: number, wakeRows: number): boolean;
/** Resolves after ms, or once the writer wakes the worker (at once if wakeRows are pending). */
export function waitForRows(signal: Int32Array, ms: number, wakeRows: number): Promise<void>;
/** Before a checkpoint: what is pending now is what it copies. */
export function markSeen(signal: Int32Array): void;
/** Wakes a waiting worker whatever is pending (to stop it). */
export function wakeNow(signal: Int32Array): void;
/** The worker's side, before its checkpoint: the writer holds back what can wait. */
export function checkpointStarted(signal: Int32Array): void;
/** The worker's side, after its checkpoint (also when its thread ends): wakes the writer's wait. */
export function checkpointEnded(signal: Int32Array): void;
/** The writer's side: whether the worker is checkpointing now. */
export function checkpointRunning(signal: Int32Array): boolean;
/** The writer's side: resolves once no checkpoint is running, or after ms at the latest. */
export function afterCheckpoint(signal: Int32Array, ms: number): Promise<void>;
