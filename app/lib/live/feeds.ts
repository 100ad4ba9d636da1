// Live feeds: data a page switches on in the browser's one event stream (shared-stream.ts), so
// a console or the usage samples cost no connection of their own (browsers allow ~6 per host,
// shared by all tabs). The server relays one gRPC call per feed (StreamConsole, WatchVmStats)
// into the same /api/events response as `event: feed` frames; these are the frames' shapes.
// Client-safe: plain JSON, no generated gRPC code.

export type Feed = { kind: 'console'; vmId: string } | { kind: 'vm-stats' };

export interface VmSample {
  id: string;
  cpuPercent: number;
  memoryBytes: number;
  rxBytes: number;
  txBytes: number;
}

export type FeedFrame =
  | {
      kind: 'console';
      vmId: string;
      /** Base64 of the console's bytes. */
      data: string;
      /** A new StreamConsole: clear the terminal, the recent output follows. */
      restart: boolean;
    }
  | { kind: 'console-end'; vmId: string; reason: string }
  | { kind: 'vm-stats'; time: number /* epoch ms */; vms: VmSample[] };

/** One string per feed, the same in every tab and on the server: the key of sets and maps. */
export function feedKey(feed: Feed): string {
  switch (feed.kind) {
    case 'console':
      return `console:${feed.vmId}`;
    case 'vm-stats':
      return 'vm-stats';
  }
}

/** The feed a frame belongs to. */
export function frameFeed(frame: FeedFrame): Feed {
  switch (frame.kind) {
    case 'console':
    case 'console-end':
      return { kind: 'console', vmId: frame.vmId };
    case 'vm-stats':
      return { kind: 'vm-stats' };
  }
}

/** Every feed of `lists`, once each, in a stable order (the same set gives the same list). */
export function unionFeeds(lists: Iterable<readonly Feed[]>): Feed[] {
  const union = new Map<string, Feed>();
  for (const list of lists) for (const feed of list) union.set(feedKey(feed), feed);
  return [...union.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, feed]) => feed);
}

/** The body of POST /api/events/feeds (app/lib/feed-request.ts parses it). */
export interface FeedRequestBody {
  /** The event stream's id, from its hello frame. */
  stream: string;
  /** Exactly the feeds the stream is to carry. */
  feeds: Feed[];
  /** Keys of feeds already on that are to start over (a new watcher wants the recent output). */
  restart?: string[];
}
