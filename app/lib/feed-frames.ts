// Daemon messages -> the feed frames of the event stream (live/feeds.ts), as SSE messages of
// type "feed" (sse.ts). Console bytes travel as base64: SSE data is text, and a console's bytes
// are not always UTF-8 (a chunk may split a character; a guest may write anything).
import type { WatchVmStatsResponse } from '../../proto/gen/homeplane/v1/vm.ts';
import type { FeedFrame } from './live/feeds.ts';
import type { SseFrame } from './sse.ts';

/** The SSE event type of feed frames; `hello` carries the stream's id. */
export const FEED_EVENT = 'feed';
export const HELLO_EVENT = 'hello';

export function consoleFrame(vmId: string, bytes: Uint8Array, restart: boolean): FeedFrame {
  return {
    kind: 'console',
    vmId,
    data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    restart,
  };
}

export function statsFrame(response: WatchVmStatsResponse): FeedFrame {
  return {
    kind: 'vm-stats',
    time: response.time?.getTime() ?? Date.now(),
    vms: response.vms.map((vm) => ({
      id: vm.id,
      cpuPercent: vm.cpuPercent,
      memoryBytes: vm.memoryBytes,
      rxBytes: vm.rxBytes,
      txBytes: vm.txBytes,
    })),
  };
}

export function feedSseFrame(frame: FeedFrame): SseFrame {
  return { event: FEED_EVENT, data: JSON.stringify(frame) };
}

export function helloSseFrame(stream: string): SseFrame {
  return { event: HELLO_EVENT, data: JSON.stringify({ stream }) };
}
