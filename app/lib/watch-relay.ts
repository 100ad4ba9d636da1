// EventService.Watch -> a Server-Sent Events body, for one browser tab.
//
// The stream's life follows the tab: the browser leaving aborts `signal`, which cancels the gRPC
// call (the daemon drops the subscriber). The gRPC stream ending for any other reason (daemon
// shutting down: UNAVAILABLE; too slow: RESOURCE_EXHAUSTED; cannot connect) ends the response;
// the EventSource then reconnects after `retry` ms, sending Last-Event-ID = the last revision it
// got, and the new Watch resumes there (event.proto: any stream error means "resume").
// Backpressure: when the browser reads slowly the body's queue fills; the gRPC call is paused
// until it drains, so the daemon's own bounded queue decides when a watcher is too slow.
// `onEnd` runs exactly once, on whichever of those comes first (the tab going, the body being
// cancelled, the gRPC stream ending or failing, the Watch never opening): the route gives its
// stream slot back there (stream-slots.ts).
// `recheck` ends the stream once the viewer's session no longer holds (signed out, revoked,
// expired); a daemon that cannot be asked is no reason to end it (the Watch notices that itself).
// `side` (feed-relay.ts) writes frames of its own into the same response: it starts with the
// response, is paused and resumed with the Watch when the reader falls behind, and closes when
// the stream ends.
import 'server-only';
import * as grpc from '@grpc/grpc-js';
import type { WatchRequest, WatchResponse } from '../../proto/gen/homeplane/v1/event.ts';
import { BackendError, watchEvents, type EventWatch } from './backend.ts';
import { encodeSseFrame, type SseFrame } from './sse.ts';
import { watchFrames } from './watch-frames.ts';

/** How long the browser waits before reconnecting, in ms (the SSE `retry` field). */
export const RECONNECT_DELAY_MS = 2_000;
/** SSE messages queued for a slow reader before the gRPC stream is paused. */
const QUEUED_MESSAGES = 256;

export interface SessionRecheck {
  everyMs: number;
  /** Resolves false once the session has ended; may reject when the daemon cannot say. */
  stillValid: () => Promise<boolean>;
}

/** Another source of frames in the same response (the live feeds, feed-relay.ts). */
export interface SideChannel {
  /** The response is open: frames go out through `send` (ignored once the stream has ended). */
  start(send: (frames: SseFrame[]) => void): void;
  /** The reader is behind: hold back. */
  pause(): void;
  resume(): void;
  /** The stream ended. */
  close(): void;
}

export function watchAsSse(
  request: Partial<WatchRequest>,
  signal: AbortSignal,
  onEnd: () => void,
  recheck?: SessionRecheck,
  side?: SideChannel,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let watch: EventWatch | null = null;
  let open = true;
  let ended = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  const end = (): void => {
    if (ended) return;
    ended = true;
    if (timer !== null) clearInterval(timer);
    signal.removeEventListener('abort', end);
    side?.close();
    onEnd();
  };
  // The tab going is the end of the stream, whether or not the gRPC call has noticed yet.
  signal.addEventListener('abort', end, { once: true });
  if (signal.aborted) end();

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (frames: SseFrame[]): void => {
          if (!open || frames.length === 0) return;
          controller.enqueue(encoder.encode(frames.map(encodeSseFrame).join('')));
          if ((controller.desiredSize ?? 1) > 0) return;
          watch?.call.pause();
          side?.pause();
        };
        const finish = (why: string | null): void => {
          if (!open) return;
          if (why !== null) send([{ comment: why }]);
          open = false;
          end();
          controller.close();
        };
        if (recheck !== undefined && !ended) {
          timer = setInterval(() => {
            recheck.stillValid().then(
              (valid) => {
                if (valid) return;
                watch?.cancel();
                finish('session ended: sign in again');
              },
              () => undefined,
            );
          }, recheck.everyMs);
        }
        // The first bytes flush the response headers, so EventSource reports "open" at once.
        send([{ retry: RECONNECT_DELAY_MS, comment: 'homeplane watch' }]);
        if (open) side?.start(send);
        watchEvents(request, signal).then(
          (opened) => {
            watch = opened;
            if (!open) return opened.cancel();
            opened.call.on('data', (response: WatchResponse) => send(watchFrames(response)));
            opened.call.on('error', (err: grpc.ServiceError) => {
              // CANCELLED is our own doing (the tab went away); anything else is the daemon's.
              finish(err.code === grpc.status.CANCELLED ? null : `watch ended: ${opened.describe(err).message}`);
            });
            opened.call.on('end', () => finish('watch ended by the daemon'));
          },
          (err: unknown) => finish(`watch unavailable: ${err instanceof BackendError ? err.message : String(err)}`),
        );
      },
      pull() {
        watch?.call.resume();
        side?.resume();
      },
      cancel() {
        open = false;
        watch?.cancel();
        end();
      },
    },
    new CountQueuingStrategy({ highWaterMark: QUEUED_MESSAGES }),
  );
}
