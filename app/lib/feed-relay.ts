// The live feeds of one /api/events response (live/feeds.ts): the gRPC calls behind them
// (VmService.StreamConsole per console, WatchVmStats for the usage samples) and their frames,
// written into that same response, so a console costs the browser no connection of its own.
//
// The response's first frame says the stream's id (hello); the browser's leader tab then posts
// the feeds all its tabs want to /api/events/feeds (app/api/events/feeds/route.ts), which finds
// the relay here by that id and checks the session is the stream's own. A feed's call runs while
// the feed is on and the response lives; switching the feed off or the response ending (the tab
// going, the session ending, the Watch failing) cancels it. A call that fails is opened again
// while the feed is on: after UNAVAILABLE (the daemon restarting) with backoff; after the console
// ended or the VM is not running, every few seconds, so the console comes back when the VM
// starts; each new StreamConsole's first frame has `restart: true` (the browser clears, the
// recent output follows). A VM that does not exist gets one console-end frame and no retries.
// Frames go out only through the response, so a slow reader pauses the calls (watch-relay.ts),
// and the daemon ends a console that falls too far behind (RESOURCE_EXHAUSTED: opened again).
import 'server-only';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { StreamConsoleRequest, WatchVmStatsRequest } from '../../proto/gen/homeplane/v1/vm.ts';
import { BackendError, openServerStream, type ServerStream } from './backend.ts';
import { consoleFrame, feedSseFrame, helloSseFrame, statsFrame } from './feed-frames.ts';
import { admitFeeds } from './feed-request.ts';
import { afterEnd } from './feed-retry.ts';
import { feedKey, type Feed, type FeedFrame } from './live/feeds.ts';
import type { SseFrame } from './sse.ts';
import type { SideChannel } from './watch-relay.ts';

/** The daemon's trailer on a console that ended (server/grpc/console-stream.ts). */
const CONSOLE_END_TRAILER = 'homeplane-console-end';
/** Backoff after UNAVAILABLE: the daemon restarting is back within seconds. */
const RETRY_MS = { initial: 500, max: 5_000 };
/** How often a console of a VM that is not running is asked for again. */
const NOT_RUNNING_RETRY_MS = 3_000;

/** One feed's gRPC call, opened again as long as the feed is on. */
class FeedCall {
  private stream: ServerStream<unknown> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private paused = false;
  private failures = 0;
  /** The last console-end reason sent, so a VM that stays stopped is not reported every retry. */
  private lastEnd: string | null = null;

  constructor(
    readonly feed: Feed,
    private readonly emit: (frame: FeedFrame) => void,
  ) {
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.stream?.cancel();
    this.stream = null;
  }

  pause(): void {
    this.paused = true;
    this.stream?.call.pause();
  }

  resume(): void {
    this.paused = false;
    this.stream?.call.resume();
  }

  private open(): void {
    this.timer = null;
    const opening = this.feed.kind === 'console' ? this.openConsole(this.feed.vmId) : this.openStats();
    opening.then(
      (stream) => {
        if (this.stopped) return stream.cancel();
        this.stream = stream;
        if (this.paused) stream.call.pause();
        stream.call.on('error', () => {}); // every ending is handled once, on 'status'
        stream.call.on('status', (status: grpc.StatusObject) => {
          if (this.stream !== stream) return;
          this.stream = null;
          this.ended(status, stream);
        });
      },
      (err: unknown) => {
        // No call was made (the token file is missing: the daemon is not up yet).
        if (this.stopped) return;
        this.retry(this.backoff(), err instanceof BackendError ? err.message : String(err));
      },
    );
  }

  private async openConsole(vmId: string): Promise<ServerStream<unknown>> {
    const stream = await openServerStream(
      (c) => c.vms.streamConsole.bind(c.vms),
      StreamConsoleRequest.fromPartial({ id: vmId }),
    );
    let first = true;
    stream.call.on('data', (response: { data: Uint8Array }) => {
      this.failures = 0;
      this.lastEnd = null;
      this.emit(consoleFrame(vmId, response.data, first));
      first = false;
    });
    return stream;
  }

  private async openStats(): Promise<ServerStream<unknown>> {
    const stream = await openServerStream((c) => c.vms.watchVmStats.bind(c.vms), WatchVmStatsRequest.fromPartial({}));
    stream.call.on('data', (response: Parameters<typeof statsFrame>[0]) => {
      this.failures = 0;
      this.emit(statsFrame(response));
    });
    return stream;
  }

  private ended(status: grpc.StatusObject, stream: ServerStream<unknown>): void {
    if (this.stopped) return;
    const trailer = status.metadata.get(CONSOLE_END_TRAILER)[0];
    const details = status.code === grpc.status.OK ? '' : stream.describe(status as grpc.ServiceError).details;
    const next = afterEnd(status.code, details, trailer === undefined ? null : String(trailer));
    switch (next.retry) {
      case 'never':
        if (next.report !== null) this.reportEnd(next.report);
        return;
      case 'when-running':
        return this.retry(NOT_RUNNING_RETRY_MS, next.report);
      case 'soon':
        return this.retry(RETRY_MS.initial, next.report);
      case 'backoff':
        return this.retry(this.backoff(), next.report);
    }
  }

  private backoff(): number {
    this.failures += 1;
    return Math.min(RETRY_MS.max, RETRY_MS.initial * 2 ** (this.failures - 1));
  }

  private retry(delayMs: number, reason: string | null): void {
    if (reason !== null) this.reportEnd(reason);
    this.timer = setTimeout(() => this.open(), delayMs);
  }

  private reportEnd(reason: string): void {
    if (this.feed.kind !== 'console' || reason === this.lastEnd) return;
    this.lastEnd = reason;
    this.emit({ kind: 'console-end', vmId: this.feed.vmId, reason });
  }
}

export interface FeedSetResult {
  on: Feed[];
  refused: { feed: Feed; reason: string }[];
}

/** The feeds of one event stream; the route hands it to watchAsSse as its side channel. */
export class FeedRelay implements SideChannel {
  readonly id = randomUUID();
  private readonly calls = new Map<string, FeedCall>();
  private send: ((frames: SseFrame[]) => void) | null = null;
  private paused = false;
  private closed = false;

  /** `owner`: the id of the session that opened the stream; only it may set the feeds. */
  constructor(readonly owner: string) {
    relays().set(this.id, this);
  }

  start(send: (frames: SseFrame[]) => void): void {
    if (this.closed) return;
    this.send = send;
    send([helloSseFrame(this.id)]);
  }

  /**
   * Switches on exactly `feeds` (within the bounds), cancelling the calls of the others; those
   * keyed in `restart` start over with a new call (a tab joined a console: it needs the recent
   * output, and every watcher gets it again, after `restart: true`).
   */
  set(feeds: readonly Feed[], restart: readonly string[] = []): FeedSetResult {
    const { admitted, refused } = admitFeeds(feeds);
    if (this.closed) return { on: [], refused };
    const wanted = new Map(admitted.map((feed) => [feedKey(feed), feed]));
    for (const [key, call] of this.calls) {
      if (wanted.has(key) && !restart.includes(key)) continue;
      call.stop();
      this.calls.delete(key);
    }
    for (const [key, feed] of wanted) {
      if (this.calls.has(key)) continue;
      const call = new FeedCall(feed, (frame) => this.send?.([feedSseFrame(frame)]));
      if (this.paused) call.pause();
      this.calls.set(key, call);
    }
    for (const { feed, reason } of refused)
      if (feed.kind === 'console') this.send?.([feedSseFrame({ kind: 'console-end', vmId: feed.vmId, reason })]);
    return { on: admitted, refused };
  }

  /** Calls open now (the feeds switched on). */
  get size(): number {
    return this.calls.size;
  }

  pause(): void {
    this.paused = true;
    for (const call of this.calls.values()) call.pause();
  }

  resume(): void {
    this.paused = false;
    for (const call of this.calls.values()) call.resume();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.send = null;
    for (const call of this.calls.values()) call.stop();
    this.calls.clear();
    relays().delete(this.id);
  }
}

const cache = globalThis as unknown as { homeplaneFeedRelays?: Map<string, FeedRelay> };

/**
 * The open streams' relays by id: the feeds route finds its stream here. Kept on globalThis as
 * stream-slots.ts keeps its count (route modules may be evaluated more than once); bounded by
 * the stream slots, since each entry lives exactly as long as its response.
 */
function relays(): Map<string, FeedRelay> {
  cache.homeplaneFeedRelays ??= new Map();
  return cache.homeplaneFeedRelays;
}

/** The open stream `id`, or null when it has ended (or never was). */
export function feedRelay(id: string): FeedRelay | null {
  return relays().get(id) ?? null;
}
