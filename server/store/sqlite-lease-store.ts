// LeaseStore on SQLite with group commit: every put()/remove() of one event-loop turn goes into
// one transaction. A DHCP server must commit a lease before its ACK leaves (RFC 2131 4.3.1: the
// server must not reuse an address it has promised), and one commit per packet would cap the
// server at the disk's commit rate; one commit per turn lets a busy turn's many requests share it,
// while a lone request still waits only one turn.
//
// The transactions run in a worker thread on a connection of its own (lease-writer.worker.mjs),
// so the daemon's thread, which reads and answers the packets, never waits for SQLite's writes,
// an fsync or a checkpoint. One batch is in the worker at a time; what is queued meanwhile is the
// next batch, sent when the worker reports the first committed (so batches grow with the load by
// themselves). The daemon's own connection (handle) keeps every read and the other stores' writes.
import { Worker } from 'node:worker_threads';
import type { Lease, LeaseEventKind, LeaseStore } from '../dhcp/lease.ts';
import { leases, type LeaseRow } from '../../drizzle/sqlite/schema.ts';
import { connectionPragmas, type SqliteHandle } from './sqlite.ts';
import type { EventDraft, StoredEvent } from '../events/types.ts';
import { EVENT_INSERT_SQL, eventValues, type SqliteEventLog } from './sqlite-event-log.ts';

export interface LeaseStoreCounters {
  /** Transactions committed. */
  batchesCommitted: number;
  /** Transactions rolled back (their put()/remove() promises were rejected). */
  batchesFailed: number;
  /** Rows upserted or deleted by committed transactions, after coalescing. */
  rowsWritten: number;
  /** Rows in the last committed transaction, after coalescing. */
  lastBatchSize: number;
}

/** Told of every committed batch (the metrics' histograms); called on the commit path, so it must be cheap. */
export type CommitObserver = (commit: {
  /** From the batch's first write being queued to its commit: what a reply waiting for it waits. */
  latencySeconds: number;
  /** Rows written, after coalescing. */
  rows: number;
}) => void;

export class LeaseStoreClosedError extends Error {
  constructor() {
    super('the lease store is closed; writes after close() are not stored');
    this.name = 'LeaseStoreClosedError';
  }
}

/** A commit the lease writer could not make (SQLite's message; `code` such as SQLITE_FULL or SQLITE_BUSY). */
export class LeaseWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'LeaseWriteError';
  }
}

/**
 * How long the lease writer waits for the write lock while the daemon's own connection (an
 * operator's change, compaction) or another process holds it. Waiting blocks only the writer's
 * thread and delays the ACKs of one batch; failing would delay them by the bindings' retry.
 */
export const LEASE_WRITER_BUSY_TIMEOUT_MS = 1000;

/**
 * A lease as the upsert's positional parameters, in column order. Taken at put() time, so the row
 * is the lease as it was then even if the caller's in-memory table changes the object before the
 * batch commits; positional binding is also cheaper than named binding on the hot path.
 */
type LeaseParams = [
  address: number,
  subnetId: string,
  clientKey: string,
  hwAddress: string,
  clientId: string | null,
  hostname: string | null,
  fqdn: string | null,
  state: string,
  startsAt: number,
  expiresAt: number,
];

const UPSERT_SQL = `INSERT INTO leases (address, subnet_id, client_key, hw_address, client_id, hostname, fqdn,
    state, starts_at, expires_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (address) DO UPDATE SET
    subnet_id = excluded.subnet_id, client_key = excluded.client_key,
    hw_address = excluded.hw_address, client_id = excluded.client_id,
    hostname = excluded.hostname, fqdn = excluded.fqdn, state = excluded.state,
    starts_at = excluded.starts_at, expires_at = excluded.expires_at`;
const DELETE_SQL = 'DELETE FROM leases WHERE address = ?';

/** One batch as the worker takes it (see lease-writer.worker.mjs). */
interface WriterRequest {
  upserts: LeaseParams[];
  deletes: number[];
  time: number;
  events: ReturnType<typeof eventValues>[];
}

type WriterReply = { ok: true; revisions: number[] } | { ok: false; message: string; code: string | null };

/** The writes of one turn, keyed by address: a later write to an address replaces an earlier. */
interface PendingBatch {
  /** A lease to upsert, or null to delete the row. */
  writes: Map<number, LeaseParams | null>;
  /** Events of the batch, in the order the changes were made; appended in the same transaction. */
  events: EventDraft[];
  /** Settles when the batch's transaction has committed (or rolled back). */
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Cancels the scheduled flush (flushNow commits at once instead). */
  cancelFlush: () => void;
  /** Its turn has ended: it goes to the worker as soon as the one there is reported. */
  due: boolean;
  /** performance.now() when the batch's first write was queued. */
  openedAt: number;
  /** The commit time its events are stamped with, once sent. */
  time: number;
}

export class SqliteLeaseStore implements LeaseStore {
  private readonly handle: SqliteHandle;
  private worker: Worker | null = null;
  /** Gathering: the writes of this turn (or of the turns since the batch in the worker was sent). */
  private pending: PendingBatch | null = null;
  /** In the worker, not yet reported. */
  private inFlight: PendingBatch | null = null;
  private closed = false;
  private readonly stats: LeaseStoreCounters = {
    batchesCommitted: 0,
    batchesFailed: 0,
    rowsWritten: 0,
    lastBatchSize: 0,
  };

  /** Takes ownership of the handle: close() closes it. */
  constructor(
    handle: SqliteHandle,
    /** Where lease events go, in the same transaction as the lease rows; none in store-only tests. */
    private readonly eventLog: SqliteEventLog | null = null,
    private readonly onCommit: CommitObserver | null = null,
  ) {
    this.handle = handle;
  }

  async loadAll(): Promise<Lease[]> {
    this.assertOpen();
    await this.flushNow();
    return this.handle.db.select().from(leases).all().map(leaseFromRow);
  }

  put(lease: Lease, kind?: LeaseEventKind): Promise<void> {
    // The event carries a copy too: the caller may change its object after this call.
    return this.enqueue(
      lease.address,
      leaseParams(lease),
      kind ? { object: 'lease', kind, lease: { ...lease } } : null,
    );
  }

  remove(address: number, was?: Lease): Promise<void> {
    return this.enqueue(address, null, was ? { object: 'lease', kind: 'lease.deleted', lease: { ...was } } : null);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flushNow();
    } finally {
      await this.stopWorker();
      this.handle.close();
    }
  }

  get counters(): Readonly<LeaseStoreCounters> {
    return { ...this.stats };
  }

  /** A batch rolled back; called before its promises reject. For the failing-disk test fixture. */
  protected batchFailed(_error: LeaseWriteError): void {}

  private enqueue(address: number, params: LeaseParams | null, event: EventDraft | null): Promise<void> {
    if (this.closed) return Promise.reject(new LeaseStoreClosedError());
    const batch = this.pending ?? this.openBatch();
    batch.writes.set(address, params);
    if (event) batch.events.push(event);
    return batch.committed;
  }

  private openBatch(): PendingBatch {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Group commit: setImmediate runs after this turn's I/O callbacks, so every request handled
    // in the turn joins the batch, and the batch leaves as soon as the turn ends, or, while the
    // worker still commits the one before, as soon as that is reported. (A 1 ms gathering window
    // after a recent commit, tried before, kept REQUEST-ACK at 1.51 ms instead of 1.11 ms at
    // 2,000/s, and batches at 6,000/s and above held 13-19 rows either way: issue 12's note.)
    const immediate = setImmediate(() => {
      batch.due = true;
      this.flush();
    });
    const cancelFlush = (): void => clearImmediate(immediate);
    const batch: PendingBatch = {
      writes: new Map(),
      events: [],
      committed,
      resolve,
      reject,
      cancelFlush,
      due: false,
      openedAt: performance.now(),
      time: 0,
    };
    this.pending = batch;
    return batch;
  }

  /** Sends the pending batch now instead of at its setImmediate; settles when it has committed. */
  private flushNow(): Promise<void> {
    const batch = this.pending;
    if (batch === null) return this.inFlight?.committed ?? Promise.resolve();
    batch.cancelFlush();
    batch.due = true;
    this.flush();
    // The batch in flight is reported first: the pending one is sent only after it.
    return batch.committed;
  }

  /** Sends the pending batch to the worker, unless one is there already (then it goes when that one is reported). */
  private flush(): void {
    const batch = this.pending;
    if (batch === null || this.inFlight !== null) return;
    this.pending = null;
    this.inFlight = batch;
    batch.time = this.eventLog?.commitTime() ?? Date.now();
    const request: WriterRequest = {
      upserts: [],
      deletes: [],
      time: batch.time,
      events: batch.events.map(eventValues),
    };
    for (const [address, params] of batch.writes) {
      if (params === null) request.deletes.push(address);
      else request.upserts.push(params);
    }
    const worker = this.worker ?? this.startWorker();
    // Referenced while a batch is in it, so the process waits for the commit; idle, it keeps nothing alive.
    worker.ref();
    this.eventLog?.externalCommitStarted();
    worker.postMessage(request);
  }

  /**
   * The worker's report on the batch in flight. On failure the transaction rolled back entirely
   * and every promise of the batch rejects with the error; logging is left to the callers, who
   * know what it means.
   */
  private settle(reply: WriterReply): void {
    const batch = this.inFlight;
    if (batch === null) return;
    this.inFlight = null;
    if (!this.pending?.due) this.worker?.unref();
    if (reply.ok) {
      const time = batch.time;
      this.eventLog?.externalCommitted(
        batch.events.map((draft, i): StoredEvent => ({ ...draft, revision: reply.revisions[i]!, time })),
      );
      this.stats.batchesCommitted += 1;
      this.stats.rowsWritten += batch.writes.size;
      this.stats.lastBatchSize = batch.writes.size;
      this.onCommit?.({ latencySeconds: (performance.now() - batch.openedAt) / 1000, rows: batch.writes.size });
      batch.resolve();
    } else {
      this.eventLog?.externalAbandoned();
      this.stats.batchesFailed += 1;
      const error = new LeaseWriteError(reply.message, reply.code);
      this.batchFailed(error);
      batch.reject(error);
    }
    if (this.pending?.due) this.flush();
  }

  private startWorker(): Worker {
    const options = this.handle.options;
    const worker = new Worker(new URL('./lease-writer.worker.mjs', import.meta.url), {
      workerData: {
        file: options.file,
        pragmas: connectionPragmas({ ...options, busyTimeoutMs: LEASE_WRITER_BUSY_TIMEOUT_MS }),
        sql: { upsert: UPSERT_SQL, remove: DELETE_SQL, event: EVENT_INSERT_SQL },
      },
    });
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    // The worker failed outside a transaction (it could not open the database, say): the batch in
    // it fails, and the next batch starts a new worker.
    let failure: string | null = null;
    worker.on('error', (error) => {
      failure = error.message;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.inFlight !== null) {
        this.settle({ ok: false, message: `the lease writer stopped: ${failure ?? `exit code ${code}`}`, code: null });
      }
    });
    this.worker = worker;
    return worker;
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // the process waits for the database to be closed
    worker.postMessage({ close: true });
    await exited;
  }

  private assertOpen(): void {
    if (this.closed) throw new LeaseStoreClosedError();
  }
}

function leaseParams(l: Lease): LeaseParams {
  return [
    l.address,
    l.subnetId,
    l.clientKey,
    l.hwAddress,
    l.clientId,
    l.hostname,
    l.fqdn,
    l.state,
    l.startsAt,
    l.expiresAt,
  ];
}

export function leaseFromRow(row: LeaseRow): Lease {
  return {
    address: row.address,
    subnetId: row.subnetId,
    clientKey: row.clientKey,
    hwAddress: row.hwAddress,
    clientId: row.clientId,
    hostname: row.hostname,
    fqdn: row.fqdn,
    state: row.state,
    startsAt: row.startsAt,
    expiresAt: row.expiresAt,
  };
}
