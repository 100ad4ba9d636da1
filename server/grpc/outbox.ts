// One watcher's frames on their way out, bounded in bytes. Frames go to the call while it
// accepts them (write() returning false means "stop until 'drain'", Node stream backpressure);
// the rest wait here. The bound counts what waits here plus what the call holds unwritten, so a
// client that stops reading cannot make the daemon buffer without limit.
import type * as grpc from '@grpc/grpc-js';

/** Compact the queue array once this many sent slots lead it (amortised O(1) shift). */
const COMPACT_AFTER = 1024;

export class Outbox {
  private frames: (Buffer | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private waitingForDrain = false;
  private roomWaiters: (() => void)[] = [];
  private discarded = false;

  constructor(
    private readonly call: grpc.ServerWritableStream<unknown, Buffer>,
    readonly limitBytes: number,
  ) {}

  /** Bytes queued here or held by the call and not yet written out. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** Nothing waits here (the call may still hold frames, which go out before any frame after). */
  get empty(): boolean {
    return this.head === this.frames.length;
  }

  /**
   * Queues a frame unless that would take the pending bytes past the limit; returns false then.
   * A frame alone larger than the limit is taken when nothing is pending, or it could never go.
   */
  offer(frame: Buffer): boolean {
    if (this.bytes > 0 && this.bytes + frame.length > this.limitBytes) return false;
    this.push(frame);
    return true;
  }

  /** Queues a frame whatever the bound (callers pace themselves with whenRoom). */
  push(frame: Buffer): void {
    if (this.discarded) return;
    this.frames.push(frame);
    this.bytes += frame.length;
    this.pump();
  }

  /**
   * 'room' once the pending bytes are under half the limit (or the outbox was discarded), or
   * 'stalled' when `withinMs` passes first: the client has stopped reading, and whoever waits
   * must not wait (holding what it was about to send) for as long as the client likes.
   */
  whenRoom(withinMs: number): Promise<'room' | 'stalled'> {
    if (this.discarded || this.bytes < this.limitBytes / 2) return Promise.resolve('room');
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(deadline);
        resolve('room');
      };
      const deadline = setTimeout(() => {
        this.roomWaiters.splice(this.roomWaiters.indexOf(wake), 1);
        resolve('stalled');
      }, withinMs);
      this.roomWaiters.push(wake);
    });
  }

  /** Hands every queued frame to the call now, backpressure aside: for the last frames before a status. */
  flush(): void {
    while (!this.empty) this.writeNext();
  }

  /** Drops the queued frames and wakes whoever waits for room; nothing is queued afterwards. */
  discard(): void {
    this.discarded = true;
    this.frames = [];
    this.head = 0;
    this.wakeWaiters();
  }

  private pump(): void {
    while (!this.waitingForDrain && !this.empty) {
      if (!this.writeNext()) {
        this.waitingForDrain = true;
        this.call.once('drain', () => {
          this.waitingForDrain = false;
          this.pump();
        });
      }
    }
  }

  /** Writes the head frame; returns what write() returned (false: wait for 'drain'). */
  private writeNext(): boolean {
    const frame = this.frames[this.head]!;
    this.frames[this.head] = undefined;
    this.head += 1;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    return this.call.write(frame, () => this.written(frame.length));
  }

  private written(length: number): void {
    this.bytes -= length;
    if (this.bytes < this.limitBytes / 2) this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
