// LeaseStore on SQLite with group commit: every put()/remove() of one event-loop turn goes into
// one transaction, committed on the next setImmediate. A DHCP server must commit a lease before
// its ACK leaves (RFC 2131 4.3.1: the server must not reuse an address it has promised), and one
// commit per packet would cap the server at the disk's commit rate; one commit per turn lets a
// busy turn's many requests share it, while a lone request still waits only one turn.
//
// With a lease journal (durability 'process', lease-journal.ts) a batch is durable, and its
// promises resolve, once its record is appended there; its SQLite transaction runs up to 2 ms
// later (applySoon), after the replies have gone, and records the batch's sequence number in
// lease_journal so a restart commits exactly the journal's batches above it. Batches reach SQLite
// in journal order.
// While SQLite refuses them (a backup holds the lock, the disk is full), the journal takes nothing
// more: new batches are refused as without a journal, and the waiting ones are retried. A batch
// of DIRECT_COMMIT_ROWS rows or more (a busy loop) skips the journal and commits straight to
// SQLite, with the journaled batches still waiting before it in the same transaction.
import type Database from 'better-sqlite3';
import type { Lease, LeaseEventKind, LeaseStore } from '../dhcp/lease.ts';
import { leases, type LeaseRow } from '../../drizzle/sqlite/schema.ts';
import type { SqliteHandle } from './sqlite.ts';
import type { SqliteEventLog } from './sqlite-event-log.ts';
import type { LeaseJournal } from './lease-journal.ts';
import {
  decodeJournalRecord,
  JournalRecordEncoder,
  type LeaseEventDraft,
  type LeaseParams,
} from './lease-journal-record.ts';

export interface LeaseStoreCounters {
  /** Batches committed to SQLite (with the lease journal, the batches waiting there share one transaction). */
  batchesCommitted: number;
  /** Transactions rolled back (their put()/remove() promises were rejected). */
  batchesFailed: number;
  /** Rows upserted or deleted by committed transactions, after coalescing. */
  rowsWritten: number;
  /** Rows in the last committed transaction, after coalescing. */
  lastBatchSize: number;
  /** Batches durable in the journal and not yet committed to SQLite. */
  journaled: number;
  /** Journaled batches SQLite refused as invalid (constraints), so never stored: a bug upstream. */
  batchesDropped: number;
}

export interface StoreJournal {
  file: LeaseJournal;
  onHealth?: JournalHealthObserver;
  /** Told of each journaled batch SQLite refused as invalid and that was dropped (see batchesDropped). */
  onDropped?: (error: unknown) => void;
  /**
   * Only commit what the journal holds from an earlier run, then close it and commit directly
   * (durability 'power', whose commits sync SQLite's WAL, after a run with 'process').
   */
  recoverOnly?: boolean;
}

/** Told when SQLite starts refusing journaled batches (with the error) and when it has taken them all (null). */
export type JournalHealthObserver = (error: unknown, waiting: number) => void;

/** How often batches waiting in the journal are retried while SQLite refuses them. */
export const JOURNAL_RETRY_MS = 200;

/** The journal is emptied when SQLite has caught up and it holds more than this. */
export const JOURNAL_RESET_BYTES = 1 << 20;

/**
 * Batches that may wait in the journal for the next SQLite transaction, and for how long (see
 * applySoon). 10 ms instead of 2 was measured (issue 12, `npm run bench`, 4,000/s, three
 * alternating runs each): CPU per DORA 139-141 µs against 147-154, REQUEST-ACK 0.171-0.183 against
 * 0.149-0.176 ms; so 2 ms, which keeps the Watch streams that much closer to the leases.
 */
const MAX_JOURNALED_BEFORE_COMMIT = 64;
export const MAX_COMMIT_DELAY_MS = 2;
/** The longest the journaled batches wait for a running background checkpoint (holdForCheckpoint). */
export const CHECKPOINT_HOLD_MS = 50;

/** A batch of this many rows or more skips the journal (commitPastJournal). */
export const DIRECT_COMMIT_ROWS = 4;

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

/** What one transaction writes: lease rows by address, and the events recording the changes. */
interface BatchContent {
  /** A lease to upsert, or null to delete the row. */
  writes: Map<number, LeaseParams | null>;
  /** Events of the batch, in the order the changes were made; appended in the same transaction. */
  events: LeaseEventDraft[];
}

/** The writes of one turn, keyed by address: a later write to an address replaces an earlier. */
interface PendingBatch extends BatchContent {
  /** Settles when the batch is durable (journaled, or its transaction committed), or has failed. */
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** The scheduled flush (flushNow commits at once instead, and clears it). */
  immediate: NodeJS.Immediate;
  /** performance.now() when the batch's first write was queued. */
  openedAt: number;
}

export class SqliteLeaseStore implements LeaseStore {
  private readonly handle: SqliteHandle;
  private readonly upsertRow: Database.Statement;
  private readonly deleteRow: Database.Statement;
  private readonly markApplied: Database.Statement;
  /** One transaction for the batches, in order; with a journal sequence number, recorded in the same one. */
  private readonly commitBatches: (batches: readonly BatchContent[], seq: number | null) => void;
  private pending: PendingBatch | null = null;
  private closed = false;
  /** The counters kept; `journaled` is the length of the list below, added by the getter. */
  private readonly stats: Omit<LeaseStoreCounters, 'journaled'> = {
    batchesCommitted: 0,
    batchesFailed: 0,
    rowsWritten: 0,
    lastBatchSize: 0,
    batchesDropped: 0,
  };
  /** Batches durable in the journal, oldest first, with their sequence numbers, not yet in SQLite. */
  private readonly journaled: { seq: number; batch: BatchContent }[] = [];
  private nextSeq = 1;
  /** Builds each journaled batch's record, in one buffer it reuses. */
  private readonly records = new JournalRecordEncoder();
  /** The commit of the journaled batches, scheduled (applySoon): after the delay, or at once. */
  private applyScheduled: NodeJS.Timeout | null = null;
  private applyNow: NodeJS.Immediate | null = null;
  /** The journaled batches wait for the background checkpoint to end (holdForCheckpoint). */
  private held = false;
  /** While SQLite refuses journaled batches: the error, and the timer that retries them. */
  private refusing: { error: unknown; retry: NodeJS.Timeout } | null = null;
  /** The journal that small batches go through; null without one, or once a recover-only journal is read. */
  private readonly journal: StoreJournal | null;
  /** What recovery found in the journal at start. */
  readonly recovered = { batches: 0, dropped: 0, ignoredBytes: 0 };

  /** Takes ownership of the handle: close() closes it. */
  constructor(
    handle: SqliteHandle,
    /** Where lease events go, in the same transaction as the lease rows; none in store-only tests. */
    private readonly eventLog: SqliteEventLog | null = null,
    private readonly onCommit: CommitObserver | null = null,
    journal: StoreJournal | null = null,
  ) {
    this.handle = handle;
    // Raw prepared statements on the hot path: drizzle's builder builds and prepares SQL per call.
    this.upsertRow = handle.raw.prepare(
      `INSERT INTO leases (address, subnet_id, client_key, hw_address, client_id, hostname, fqdn,
         state, starts_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (address) DO UPDATE SET
         subnet_id = excluded.subnet_id, client_key = excluded.client_key,
         hw_address = excluded.hw_address, client_id = excluded.client_id,
         hostname = excluded.hostname, fqdn = excluded.fqdn, state = excluded.state,
         starts_at = excluded.starts_at, expires_at = excluded.expires_at`,
    );
    this.deleteRow = handle.raw.prepare('DELETE FROM leases WHERE address = ?');
    this.markApplied = handle.raw.prepare(
      `INSERT INTO lease_journal (id, applied_seq) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET applied_seq = excluded.applied_seq`,
    );
    // IMMEDIATE takes the write lock at BEGIN, waiting up to busy_timeout if another connection
    // (a CLI, a backup) is writing; a deferred BEGIN would take it at the first write instead,
    // where SQLite may return SQLITE_BUSY at once rather than wait. With an event log, the batch's
    // events go through its transact() seam: appended in this transaction, published on commit.
    const writeRows = (batches: readonly BatchContent[], seq: number | null): void => {
      for (const batch of batches)
        for (const [address, params] of batch.writes) {
          if (params === null) this.deleteRow.run(address);
          else this.upsertRow.run(params);
        }
      if (seq !== null) this.markApplied.run(seq);
    };
    const log = this.eventLog;
    const rowsOnly = handle.raw.transaction(writeRows).immediate;
    const commit =
      log === null
        ? rowsOnly
        : (batches: readonly BatchContent[], seq: number | null) =>
            log.transact((record) => {
              writeRows(batches, seq);
              for (const batch of batches) record(batch.events);
            });
    // The background checkpointer wakes early for a burst of rows (checkpoint-pace.mjs).
    this.commitBatches = (batches, seq) => {
      commit(batches, seq);
      let rows = 0;
      for (const batch of batches) rows += batch.writes.size;
      handle.committed(rows);
    };
    if (journal !== null) this.recover(handle.raw, journal.file);
    if (journal?.recoverOnly === true) journal.file.close();
    this.journal = journal?.recoverOnly === true ? null : journal;
  }

  /**
   * Commits the journal's batches that SQLite does not have yet (those above lease_journal's
   * sequence number: a kill -9 landed between their append and their commit), in order, then
   * empties the journal. Throws if SQLite refuses them: the journal is kept for the next start.
   */
  private recover(raw: Database.Database, journal: LeaseJournal): void {
    const row = raw.prepare('SELECT applied_seq AS seq FROM lease_journal WHERE id = 1').get() as
      { seq: number } | undefined;
    let last = row?.seq ?? 0;
    const contents = journal.read();
    const missing: BatchContent[] = [];
    for (const body of contents.records) {
      const { seq, writes, events } = decodeJournalRecord(body);
      if (seq <= last) continue;
      missing.push({ writes: new Map(writes), events });
      last = seq;
    }
    try {
      if (missing.length > 0) this.commitBatches(missing, last);
    } catch (error) {
      if (!isInvalidData(error)) throw error;
      // One of them SQLite refuses as invalid (dropped while running, see applyOneByOne): the rest go in.
      for (const batch of missing)
        try {
          this.commitBatches([batch], null);
        } catch (each) {
          if (!isInvalidData(each)) throw each;
          this.recovered.dropped += 1;
        }
      this.commitBatches([], last);
    }
    this.recovered.batches = missing.length - this.recovered.dropped;
    this.recovered.ignoredBytes = contents.ignoredBytes;
    journal.reset();
    this.nextSeq = last + 1;
  }

  async loadAll(): Promise<Lease[]> {
    this.assertOpen();
    await this.flushNow();
    if (!this.applyJournaled()) throw this.refusing!.error;
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
      // What SQLite still refuses stays in the journal, committed at the next start.
      this.cancelApply();
      this.applyJournaled();
      if (this.refusing !== null) clearInterval(this.refusing.retry);
      this.journal?.file.close();
      await this.handle.close();
    }
  }

  /**
   * Commits to SQLite now what the journal holds (readers of the table call it first, so they
   * see every change whose promise has resolved). A no-op without a journal; if SQLite refuses,
   * the batches keep waiting and the table is read as it is.
   */
  commitJournaled(): void {
    if (this.journaled.length > 0) this.applyJournaled();
  }

  get counters(): Readonly<LeaseStoreCounters> {
    return { ...this.stats, journaled: this.journaled.length };
  }

  private enqueue(address: number, params: LeaseParams | null, event: LeaseEventDraft | null): Promise<void> {
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
    // in the turn joins the batch, and the batch commits as soon as the turn ends. Under load a
    // commit takes long enough that the packets arriving meanwhile queue in the socket and are
    // all read in the next turn, so batches grow with the load by themselves. (A 1 ms gathering
    // window after a recent commit, tried before, kept REQUEST-ACK at 1.51 ms instead of 1.11 ms
    // at 2,000/s, and batches at 6,000/s and above held 13-19 rows either way: issue 12's note.)
    const immediate = setImmediate(() => this.flush());
    const batch: PendingBatch = {
      writes: new Map(),
      events: [],
      committed,
      resolve,
      reject,
      immediate,
      openedAt: performance.now(),
    };
    this.pending = batch;
    return batch;
  }

  /** Commits the pending batch now instead of at its setImmediate; settles as that would. */
  private flushNow(): Promise<void> {
    const batch = this.pending;
    if (batch === null) return Promise.resolve();
    clearImmediate(batch.immediate);
    this.flush();
    return batch.committed;
  }

  /**
   * Makes the whole batch durable: journaled, or in one transaction (commitAlone,
   * commitPastJournal). On failure nothing of it is stored and every promise of the batch rejects
   * with the error; logging is left to the callers, who know what it means.
   */
  private flush(): void {
    const batch = this.pending;
    if (batch === null) return;
    this.pending = null;
    if (this.journal !== null) {
      if (batch.writes.size < DIRECT_COMMIT_ROWS || this.handle.checkpointing())
        this.journalBatch(batch, this.journal.file);
      else this.commitPastJournal(batch);
      return;
    }
    this.commitAlone(batch);
  }

  /** The batch in a transaction of its own; resolved at its commit, or rejected with the error. */
  private commitAlone(batch: PendingBatch): void {
    try {
      this.commitBatches([batch], null);
    } catch (error) {
      this.failed(batch, error);
      return;
    }
    this.committedDirect(batch);
  }

  private failed(batch: PendingBatch, error: unknown): void {
    this.stats.batchesFailed += 1;
    batch.reject(error);
  }

  /**
   * A batch of DIRECT_COMMIT_ROWS or more goes to SQLite without the journal, in one transaction
   * after the journaled batches still waiting (so SQLite takes every change in the order it was
   * made) and with the last one's sequence number, and resolves at that commit, as without a
   * journal. Such a batch means a busy loop, where a transaction per batch is already shared by
   * many rows and the journal's record and write() would only add to the CPU every exchange costs.
   * If the transaction fails, the waiting batches are committed on their own terms (applyJournaled)
   * and then the batch alone; what fails of it is rejected.
   */
  private commitPastJournal(batch: PendingBatch): void {
    const waited = this.journaled.length > 0;
    try {
      this.commitWaiting(batch);
    } catch (error) {
      if (!waited) this.failed(batch, error);
      else if (!this.applyJournaled()) this.failed(batch, this.refusing!.error);
      else this.commitAlone(batch);
      return;
    }
    this.caughtUp(this.journal!);
    this.committedDirect(batch);
  }

  private committedDirect(batch: PendingBatch): void {
    this.counted(batch);
    this.durable(batch);
  }

  /** The batch is durable (in SQLite, or in the journal): its replies may go. */
  private durable(batch: PendingBatch): void {
    this.onCommit?.({ latencySeconds: (performance.now() - batch.openedAt) / 1000, rows: batch.writes.size });
    batch.resolve();
  }

  private counted(batch: BatchContent): void {
    this.stats.batchesCommitted += 1;
    this.stats.rowsWritten += batch.writes.size;
    this.stats.lastBatchSize = batch.writes.size;
  }

  /**
   * Makes the batch durable in the journal and resolves it; SQLite commits it soon (applySoon). Refused
   * (rejected, nothing appended) while SQLite refuses the batches already waiting: the journal
   * only bridges a commit's moment, it is not a second database.
   */
  private journalBatch(batch: PendingBatch, journal: LeaseJournal): void {
    if (this.refusing !== null && !this.applyJournaled()) {
      this.failed(batch, this.refusing.error);
      return;
    }
    const seq = this.nextSeq;
    try {
      journal.append(this.records.encode(seq, batch.writes, batch.events));
    } catch (error) {
      this.failed(batch, error);
      return;
    }
    this.nextSeq += 1;
    this.journaled.push({ seq, batch });
    if (this.journaled.length >= MAX_JOURNALED_BEFORE_COMMIT) this.applyNow ??= setImmediate(() => this.applySoon());
    else if (!this.held) this.applyScheduled ??= setTimeout(() => this.applySoon(), MAX_COMMIT_DELAY_MS);
    this.durable(batch);
  }

  /**
   * After SQLite refused a group of journaled batches as invalid (a constraint: a bug upstream,
   * since the engine only makes valid leases): commits them one at a time and drops, counted in
   * batchesDropped, each that is itself invalid, so one bad batch cannot hold every later one
   * back. Its reply has gone; its change is not stored and its events are not published.
   */
  private applyOneByOne(): boolean {
    while (this.journaled.length > 0) {
      const { seq, batch } = this.journaled[0]!;
      try {
        this.commitBatches([batch], seq);
      } catch (error) {
        if (!isInvalidData(error)) return this.refuse(error);
        this.stats.batchesDropped += 1;
        this.journal?.onDropped?.(error);
        this.journaled.shift(); // a restart skips it too (recover)
        continue;
      }
      this.journaled.shift();
      this.counted(batch);
    }
    return this.applyJournaled();
  }

  /** SQLite refused the journaled batches for now: they wait, retried every JOURNAL_RETRY_MS. */
  private refuse(error: unknown): false {
    if (this.refusing === null) {
      const retry = setInterval(() => this.applyJournaled(), JOURNAL_RETRY_MS);
      retry.unref();
      this.refusing = { error, retry };
      this.journal?.onHealth?.(error, this.journaled.length);
    } else this.refusing.error = error;
    return false;
  }

  /**
   * MAX_COMMIT_DELAY_MS after the first batch journaled since the last SQLite transaction, or at
   * once when MAX_JOURNALED_BEFORE_COMMIT are waiting: one transaction takes every journaled batch
   * (a batch queued meanwhile is journaled first, so its replies leave before the transaction).
   * A lone lease at a low rate shares its transaction, and its fixed cost, with the leases of the
   * next 2 ms instead of paying one per ACK; the Watch streams, which hear of a change at its
   * commit, hear of it at most that much later, and readers of the table commit first
   * (commitJournaled), so they see every change that has been acknowledged.
   * What this transaction costs the replies, measured with a scratch build that never ran it
   * (issue 12, three alternating runs each): unpinned, REQUEST-ACK stayed within the runs' noise
   * (2,000/s: 0.180-0.188 against 0.178-0.191 ms; 4,000/s: 0.122-0.248 against 0.156-0.188);
   * with `--pin`, where it shares the DHCP thread's core, 2,000/s went to 0.111-0.123 from
   * 0.125-0.146 ms. That bounds what a cheaper transaction, or one run elsewhere, could give back.
   */
  private applySoon(mayHold = true): void {
    this.cancelApply();
    if (this.pending !== null && this.refusing === null) void this.flushNow();
    if (mayHold && this.holdForCheckpoint()) return;
    this.applyJournaled();
  }

  /**
   * While the background checkpointer copies the WAL, the journaled batches (whose replies have
   * gone) wait for it to end, up to CHECKPOINT_HOLD_MS: a transaction beside it shares SQLite's
   * locks with that thread and can wait for them, and any frame committed during the copy keeps
   * the WAL from being wholly copied, when only a wholly copied WAL lets the next transaction write
   * from its start again instead of leaving the restart to SQLite's own checkpoint, with its two
   * fsyncs, on this thread. Not with MAX_JOURNALED_BEFORE_COMMIT waiting, nor while SQLite refuses.
   */
  private holdForCheckpoint(): boolean {
    if (this.journaled.length === 0 || this.journaled.length >= MAX_JOURNALED_BEFORE_COMMIT) return false;
    if (this.refusing !== null) return false;
    if (this.held) return true; // the wait under way commits them at its end
    if (!this.handle.checkpointing()) return false;
    this.held = true;
    void this.handle.afterCheckpoint(CHECKPOINT_HOLD_MS).then(() => {
      this.held = false;
      if (!this.closed && this.journaled.length > 0) this.applySoon(false);
    });
    return true;
  }

  private cancelApply(): void {
    if (this.applyScheduled !== null) clearTimeout(this.applyScheduled);
    if (this.applyNow !== null) clearImmediate(this.applyNow);
    this.applyScheduled = null;
    this.applyNow = null;
  }

  /**
   * Commits the journaled batches to SQLite in one transaction, oldest first; empties
   * the journal once all are in and it has grown. Returns false if SQLite refused one: it and the
   * newer ones wait, retried every JOURNAL_RETRY_MS.
   */
  private applyJournaled(): boolean {
    const journal = this.journal;
    if (journal === null) return true;
    if (this.journaled.length > 0) {
      try {
        this.commitWaiting(null);
      } catch (error) {
        return isInvalidData(error) ? this.applyOneByOne() : this.refuse(error);
      }
    }
    this.caughtUp(journal);
    return true;
  }

  /**
   * One transaction: the journaled batches, oldest first, then `after` when given, with the last
   * journaled sequence number; once it has committed they are counted and no longer wait. Throws
   * SQLite's error, and then they still wait.
   */
  private commitWaiting(after: BatchContent | null): void {
    const batches = this.journaled.map((j) => j.batch);
    const seq = this.journaled.at(-1)?.seq ?? null;
    this.commitBatches(after === null ? batches : [...batches, after], seq);
    this.journaled.length = 0;
    for (const batch of batches) this.counted(batch);
  }

  /** SQLite holds every journaled batch: a refusal is over, and a grown journal is emptied. */
  private caughtUp(journal: StoreJournal): void {
    if (this.refusing !== null) {
      clearInterval(this.refusing.retry);
      this.refusing = null;
      journal.onHealth?.(null, 0);
    }
    if (journal.file.size > JOURNAL_RESET_BYTES) journal.file.reset();
  }

  private assertOpen(): void {
    if (this.closed) throw new LeaseStoreClosedError();
  }
}

/** Whether SQLite refused the data itself (a constraint, a type), which no retry can change. */
function isInvalidData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
  );
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
