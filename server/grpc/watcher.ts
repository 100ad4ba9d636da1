// One Watch stream, from subscription to its end.
//
// Order (design.md, event.proto): subscribe to the feed first, then catch up from the log, then
// live. While catching up, publications are ignored: every one of them is already committed, so
// the log reads that follow return it. Catching up ends in the tick whose read comes back short
// (fewer events than asked: nothing newer is committed), and the watcher turns live in that same
// tick, before any later commit can publish. Live, a batch is forwarded when it holds revisions
// above `position`, so a batch published after being read from the log is not sent twice.
//
// A revision the log no longer holds (compacted), or one beyond its newest (the database was
// replaced), cannot be resumed from: Reset, the current objects as snapshot events, Synced at the
// snapshot's revision, then catching up from there as above.
//
// Catching up and taking a snapshot push frames paced by the outbox (whenRoom); a client that
// stops reading then would hold the watcher, and the snapshot it is sending, for as long as its
// connection lives. So each wait for room has a deadline (grpc.watchStallTimeout), past which the
// watcher is dropped like one that overflows live.
import * as grpc from '@grpc/grpc-js';
import type { EventDraft, EventFeed, EventLogReader, StoredEvent } from '../events/types.ts';
import type { Logger } from '../ports.ts';
import type { KindFilter } from './kinds.ts';
import { Outbox } from './outbox.ts';
import { batchFrame, bookmarkFrame, resetFrame, snapshotFrame, syncedFrame, type LiveFrames } from './frames.ts';
import { resetForOverload } from './stream-reset.ts';
import { statusOf } from './status.ts';

/** The current objects, read in one tick together with the revision they reflect. */
export interface Snapshot {
  revision: number;
  events: EventDraft[];
}

export interface WatcherDeps {
  log: EventLogReader;
  feed: EventFeed;
  snapshot: () => Snapshot;
  logger: Logger;
  liveFrames: LiveFrames;
  bookmarkIntervalMs: number;
  queueBytes: number;
  /** Events per log read (and per replayed EventBatch). */
  replayChunk: number;
  /** How long a dropped watcher's status may take to reach the client before a reset. */
  overflowGraceMs: number;
  /** How long catching up or a snapshot waits for room in the queue before the watcher is dropped. */
  stallTimeoutMs: number;
  /** Told when a watcher is dropped (the metrics count it). */
  onDropped?: (reason: WatchDropReason) => void;
}

/** Why a watcher was ended with RESOURCE_EXHAUSTED: it fell too far behind live, or stopped reading while catching up or taking a snapshot. */
export type WatchDropReason = 'slow-reader' | 'stalled';

type WatchCall = grpc.ServerWritableStream<unknown, Buffer>;

type Phase = 'catching-up' | 'live' | 'ended';

export class Watcher {
  private phase: Phase = 'catching-up';
  /** Every event up to this revision is sent or filtered out; null while a snapshot is under way. */
  private position: number | null = null;
  private readonly outbox: Outbox;
  private unsubscribe: (() => void) | null = null;
  /** One-shot, re-armed by every frame sent: a Bookmark comes one interval after the last frame. */
  private bookmarkTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly call: WatchCall,
    private readonly filter: KindFilter,
    private readonly deps: WatcherDeps,
    private readonly onEnded: (watcher: Watcher) => void,
  ) {
    this.outbox = new Outbox(call, deps.queueBytes);
  }

  start(since: number): void {
    const stop = () => this.stop();
    this.call.on('cancelled', stop);
    this.call.on('close', stop);
    this.call.on('error', stop);
    this.unsubscribe = this.deps.feed.subscribe((events) => this.onCommitted(events));
    this.bookmarkTimer = setTimeout(() => this.onBookmarkDue(), this.deps.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
    this.catchUp(since).catch((err: unknown) => this.fail(err));
  }

  get ended(): boolean {
    return this.phase === 'ended';
  }

  /** Shutdown: what is queued, a last Bookmark, then UNAVAILABLE. */
  endForShutdown(): void {
    if (this.ended) return;
    if (this.position !== null) this.outbox.push(bookmarkFrame(this.position));
    this.outbox.flush();
    this.stop();
    this.endWith(grpc.status.UNAVAILABLE, 'the daemon is shutting down; call Watch again from your last revision');
  }

  private async catchUp(since: number): Promise<void> {
    const { log, replayChunk } = this.deps;
    this.position = this.resumable(since) ? since : await this.sendSnapshot();
    while (this.phase === 'catching-up') {
      const room = await this.outbox.whenRoom(this.deps.stallTimeoutMs);
      if (this.phase !== 'catching-up') return;
      if (room === 'stalled') {
        this.stalled('catching-up');
        return;
      }
      // Compaction may overtake a long replay; then only a snapshot can continue it.
      if (this.compactedPast(this.position!)) {
        this.position = await this.sendSnapshot();
        continue;
      }
      const events = log.readSince(this.position!, replayChunk);
      this.forward(events, batchFrame(events, this.filter), 'push');
      // A short read saw every committed event: go live in this same tick (see the file comment).
      if (events.length < replayChunk) this.phase = 'live';
    }
  }

  /** Can the log replay everything after `revision`? Not when it is beyond the newest (another database). */
  private resumable(revision: number): boolean {
    return revision <= this.deps.log.lastRevision() && !this.compactedPast(revision);
  }

  /** Has the log dropped events after `revision`? */
  private compactedPast(revision: number): boolean {
    return revision < this.deps.log.firstRetainedRevision() - 1;
  }

  /**
   * Reset, the snapshot in paced frames, Synced; returns the snapshot's revision. A stall ends the
   * watcher; returning then drops this function's reference to the snapshot, its only one.
   */
  private async sendSnapshot(): Promise<number> {
    this.position = null;
    this.emit(resetFrame());
    const snapshot = this.deps.snapshot();
    const takenAt = Date.now();
    const chunk = this.deps.replayChunk;
    for (let start = 0; start < snapshot.events.length; start += chunk) {
      const room = await this.outbox.whenRoom(this.deps.stallTimeoutMs);
      if (this.ended) return snapshot.revision;
      if (room === 'stalled') {
        this.stalled('snapshot');
        return snapshot.revision;
      }
      const frame = snapshotFrame(snapshot.events.slice(start, start + chunk), this.filter, takenAt);
      if (frame !== null) this.emit(frame);
    }
    this.emit(syncedFrame(snapshot.revision));
    return snapshot.revision;
  }

  private onCommitted(events: readonly StoredEvent[]): void {
    if (this.phase !== 'live' || events.length === 0) return;
    try {
      const position = this.position!;
      if (events[events.length - 1]!.revision <= position) return;
      if (events[0]!.revision > position) {
        this.forward(events, this.deps.liveFrames.of(events, this.filter), 'offer');
      } else {
        const fresh = events.filter((e) => e.revision > position);
        this.forward(fresh, batchFrame(fresh, this.filter), 'offer');
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /** Advances the position past `events` and sends their frame (null: all filtered out). */
  private forward(events: readonly StoredEvent[], frame: Buffer | null, how: 'push' | 'offer'): void {
    if (events.length === 0) return;
    this.position = events[events.length - 1]!.revision;
    if (frame === null) return;
    this.bookmarkTimer?.refresh();
    if (how === 'push') this.outbox.push(frame);
    else if (!this.outbox.offer(frame)) this.overflow();
  }

  private emit(frame: Buffer): void {
    this.bookmarkTimer?.refresh();
    this.outbox.push(frame);
  }

  /**
   * An interval passed with nothing sent: a Bookmark when live with nothing waiting (sending it
   * re-arms the timer), else another interval (catching up, or the client is not reading).
   */
  private onBookmarkDue(): void {
    if (this.ended) return;
    if (this.phase === 'live' && this.outbox.empty) this.emit(bookmarkFrame(this.position!));
    else this.bookmarkTimer?.refresh();
  }

  private overflow(): void {
    this.drop(
      'slow-reader',
      { pendingBytes: this.outbox.pendingBytes, limitBytes: this.deps.queueBytes },
      'watcher dropped: it reads events more slowly than they come',
      `this watcher fell more than ${this.deps.queueBytes} bytes behind and was dropped; call Watch again from your last revision`,
    );
  }

  /** No room came within the stall timeout while catching up or sending a snapshot. */
  private stalled(during: 'catching-up' | 'snapshot'): void {
    const seconds = this.deps.stallTimeoutMs / 1000;
    const what = during === 'snapshot' ? 'taking a snapshot' : 'catching up';
    const resume =
      during === 'snapshot'
        ? 'call Watch again with the same since_revision (the snapshot was not complete; it starts over)'
        : 'call Watch again from your last revision';
    this.drop(
      'stalled',
      { during, pendingBytes: this.outbox.pendingBytes, stallTimeoutMs: this.deps.stallTimeoutMs },
      `watcher dropped: it stopped reading while ${what}`,
      `this watcher read too little for ${seconds} s while ${what} (grpc.watchStallTimeout) and was dropped; read the stream steadily and ${resume}`,
    );
  }

  /** Ends the stream with RESOURCE_EXHAUSTED, and resets it if that status cannot get out in time. */
  private drop(reason: WatchDropReason, logFields: object, logMessage: string, details: string): void {
    if (this.ended) return;
    this.stop();
    this.deps.onDropped?.(reason);
    this.deps.logger.warn({ peer: this.call.getPeer(), ...logFields }, logMessage);
    this.endWith(grpc.status.RESOURCE_EXHAUSTED, details);
    // The status queues behind unsent data; a client that reads nothing would never see it.
    const grace = setTimeout(() => {
      if (!resetForOverload(this.call)) this.deps.logger.warn({}, 'cannot reset a dropped watch stream');
    }, this.deps.overflowGraceMs);
    grace.unref();
  }

  private fail(err: unknown): void {
    if (this.ended) return;
    const status = statusOf(err, 'Watch', this.deps.logger);
    this.stop();
    this.endWith(status.code, status.details);
  }

  /** Leaves the feed and the timer and drops what is queued; the caller ends the stream (or it ended). */
  private stop(): void {
    if (this.ended) return;
    this.phase = 'ended';
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.bookmarkTimer !== null) clearTimeout(this.bookmarkTimer);
    this.bookmarkTimer = null;
    this.outbox.discard();
    this.onEnded(this);
  }

  private endWith(code: grpc.status, details: string): void {
    // grpc-js turns an 'error' event on a server stream into the call's status (after what was written).
    this.call.emit('error', { code, details, metadata: new grpc.Metadata() });
  }
}
