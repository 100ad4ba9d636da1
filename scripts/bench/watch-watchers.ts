// The watchers one benchmark process holds: Watch streams on grpc-js channels (the generated
// EventServiceClient), each checking that its revisions arrive in sequence and timing every
// event from its commit (Event.time) to its receipt here.
//
// Channels: grpc-js shares one connection between channels with equal options (its global
// subchannel pool), so each channel gets a local pool and with it its own HTTP/2 connection. The
// daemon sets no grpc.max_concurrent_streams, so Node's http2 default applies (2^32 - 1 streams
// per connection); streams are still spread over channels so that no single connection, with
// its one flow-control window and one socket, carries hundreds of streams. grpc-js leaves
// HTTP/2's 64 KiB windows as they are unless asked (grpc-node.flow_control_window), and the
// connection's window is shared by all its streams (RFC 9113 6.9): a hundred busy streams on one
// connection wait on each other's WINDOW_UPDATEs.
import * as grpc from '@grpc/grpc-js';
import { EventServiceClient, EventServiceService, type WatchRequest } from '../../proto/gen/homeplane/v1/event.ts';
import { frameReader, type Frame } from './watch-frames.ts';
import { LatencyHistogram } from './watch-latency.ts';
import type { ClientReport, OpenRequest, OpenResult, Progress } from './watch-protocol.ts';

/** Counters since the last mark, shared by the process's watchers. */
class Tally {
  events = 0;
  frames = 0;
  bookmarks = 0;
  missing = 0;
  duplicates = 0;
  readonly latency = new LatencyHistogram();

  clear(): void {
    this.events = this.frames = this.bookmarks = this.missing = this.duplicates = 0;
    this.latency.clear();
  }
}

class BenchWatcher {
  /** Every revision up to this one has been received (or passed by a Bookmark or Synced). */
  lastRevision = 0;
  /** Why the stream ended, when it ended without our cancel. */
  droppedWith: string | null = null;
  readonly firstFrame: Promise<void>;
  hadFrame = false;
  private cancelled = false;
  private markFirstFrame!: () => void;
  private readonly call: grpc.ClientReadableStream<Frame>;

  constructor(
    client: EventServiceClient,
    metadata: grpc.Metadata,
    read: (bytes: Buffer) => Frame,
    since: number,
    private readonly tally: Tally,
  ) {
    this.firstFrame = new Promise((resolve) => (this.markFirstFrame = resolve));
    this.lastRevision = since;
    const { path, requestSerialize } = EventServiceService.watch;
    const request: WatchRequest = { sinceRevision: since, kinds: [] };
    this.call = client.makeServerStreamRequest(path, requestSerialize, read, request, metadata);
    this.call.on('data', (frame: Frame) => this.onFrame(frame));
    // 'error' must have a listener (an unheard one throws); 'status' comes for every ending.
    this.call.on('error', () => {});
    this.call.on('status', (status: grpc.StatusObject) => this.onStatus(status));
  }

  get open(): boolean {
    return this.droppedWith === null && !this.cancelled;
  }

  cancel(): void {
    this.cancelled = true;
    this.call.cancel();
  }

  private onFrame(frame: Frame): void {
    const now = Date.now();
    this.hadFrame = true;
    this.tally.frames += 1;
    this.markFirstFrame();
    if (frame.type === 'events') {
      for (const event of frame.events) this.onEvent(event.revision, now - event.timeMs);
    } else if (frame.type === 'bookmark' || frame.type === 'synced') {
      if (frame.type === 'bookmark') this.tally.bookmarks += 1;
      this.lastRevision = Math.max(this.lastRevision, frame.revision);
    }
  }

  private onEvent(revision: number, latencyMs: number): void {
    if (revision === 0) return; // a snapshot event: no log position
    if (revision <= this.lastRevision) {
      this.tally.duplicates += 1;
      return;
    }
    this.tally.missing += revision - this.lastRevision - 1;
    this.lastRevision = revision;
    this.tally.events += 1;
    this.tally.latency.add(latencyMs);
  }

  private onStatus(status: grpc.StatusObject): void {
    this.markFirstFrame();
    if (this.cancelled) return;
    const name = grpc.status[status.code] ?? String(status.code);
    // grpc-js reports a stream reset (RST_STREAM) as a status whose details name it.
    const reset = /RST_STREAM/.test(status.details);
    this.droppedWith = status.code === grpc.status.OK ? 'OK (ended)' : reset ? `${name} (reset)` : name;
  }
}

export class WatcherSet {
  private readonly watchers: BenchWatcher[] = [];
  private readonly clients: EventServiceClient[] = [];
  private readonly tally = new Tally();

  async open(request: OpenRequest): Promise<OpenResult> {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${request.token}`);
    const read = frameReader(request.decoding);
    const opened: BenchWatcher[] = [];
    let client: EventServiceClient | null = null;
    for (let i = 0; i < request.count; i++) {
      if (i % request.perChannel === 0) {
        client = new EventServiceClient(request.target, grpc.credentials.createInsecure(), channelOptions(request));
        this.clients.push(client);
      }
      opened.push(new BenchWatcher(client!, metadata, read, request.sinceRevision, this.tally));
    }
    this.watchers.push(...opened);
    return waitForFirstFrames(opened, request.timeoutMs);
  }

  mark(): void {
    this.tally.clear();
  }

  progress(revision: number): Progress {
    const open = this.watchers.filter((w) => w.open);
    return { open: open.length, behind: open.filter((w) => w.lastRevision < revision).length };
  }

  report(): ClientReport {
    const dropped: Record<string, number> = {};
    for (const w of this.watchers)
      if (w.droppedWith !== null) dropped[w.droppedWith] = (dropped[w.droppedWith] ?? 0) + 1;
    const { events, frames, bookmarks, missing, duplicates } = this.tally;
    return {
      watchers: this.watchers.length,
      open: this.watchers.filter((w) => w.open).length,
      events,
      frames,
      bookmarks,
      latency: this.tally.latency.summary(),
      missing,
      duplicates,
      dropped,
    };
  }

  close(): void {
    for (const w of this.watchers.splice(0)) w.cancel();
    for (const c of this.clients.splice(0)) c.close();
    this.tally.clear();
  }
}

function channelOptions(request: OpenRequest): grpc.ChannelOptions {
  const options: grpc.ChannelOptions = { 'grpc.use_local_subchannel_pool': 1 };
  if (request.flowWindow !== null) options['grpc-node.flow_control_window'] = request.flowWindow;
  return options;
}

async function waitForFirstFrames(watchers: BenchWatcher[], timeoutMs: number): Promise<OpenResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  let arrived = 0;
  const all = Promise.all(watchers.map((w) => w.firstFrame.then(() => void (arrived += 1))));
  await Promise.race([all, timeout]);
  clearTimeout(timer);
  const opened = watchers.filter((w) => w.open && w.hadFrame).length;
  const ended = watchers.find((w) => w.droppedWith !== null);
  const firstError = ended?.droppedWith ?? (arrived < watchers.length ? `no first frame within ${timeoutMs} ms` : null);
  return { opened, failed: watchers.length - opened, firstError };
}
