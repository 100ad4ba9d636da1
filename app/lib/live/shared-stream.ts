// One /api/events stream per browser, shared by its tabs (browsers allow ~6 HTTP/1.1 connections
// per host, so a tab each would soon stall every other request).
//
// The tab holding the Web Lock "homeplane-events" is the leader: it holds the stream (read with
// fetch, sse-reader.ts: an EventSource's own dispatch of a burst is a long task) and
// rebroadcasts each message over the BroadcastChannel of the same name, tagged with its stream
// and that stream's revision before it (stream-order.ts); the other tabs follow. A consumer that
// finds a gap asks for a stream from its own revision ("need"); the leader reopens from the
// lowest such revision and every consumer drops what it already has. When the leader tab closes,
// its lock passes to another tab, which opens a stream from the lowest revision its consumers
// saw. Without Web Locks (a plain-http address other than localhost is not a secure context)
// each tab keeps its own stream, as before.
//
// A burst (the relay catching up, a reconnect's replay) arrives as thousands of messages in one
// network read, which the browser dispatches in one task. The listeners only queue them; the
// work (parsing, the pages' caches) runs in slices of at most SLICE_MS each, with the page free
// to draw and take input between them. Messages arriving one by one are gathered for up to
// GATHER_MS in a visible tab (a slice per event cost more than the events), and each slice's
// messages go to the other tabs as one BroadcastChannel message, and only once another tab has
// said it follows (a BroadcastChannel post goes through the browser process: one per event cost
// the leader more than the events themselves).
import { SseReader } from './sse-reader.ts';
//
// Live feeds (feeds.ts: consoles, VM usage samples) ride the same stream. Each tab tells the
// leader which feeds its consumers want ("feeds", again whenever that changes, when a new leader
// asks, and [] when the page goes); the leader posts the union of all tabs' to
// /api/events/feeds with the id its stream's hello frame gave, after every hello and whenever
// the union changes, one request at a time. Feed frames are relayed to every tab like events,
// in the same slices and the same posts. A tab that starts watching a feed already on asks for
// it to start over, since the recent output (a console's) comes only at a call's start. Tabs
// that vanish without a word (crashed) are dropped when the leader finds their Web Lock gone.
import { feedKey, frameFeed, unionFeeds, type Feed, type FeedFrame, type FeedRequestBody } from './feeds.ts';
import { StreamCursor, type RelayedMessage } from './stream-order.ts';
import { STREAM_EVENT_TYPES, type LiveEvent, type StreamMessage } from './types.ts';

export type StreamStatus = 'connecting' | 'live' | 'resyncing' | 'reconnecting';

const NAME = 'homeplane-events';
/** Pause before opening a new stream after the old one ended or failed (the relay's own `retry`). */
const REOPEN_DELAY_MS = 2_000;
/** Needs arriving together are served by one reopen. */
const NEED_BATCH_MS = 50;
/** Stream work done in one task before the page gets the thread back (a frame is ~16 ms). */
const SLICE_MS = 8;
/** A visible tab's wait for more messages before it starts a slice (hidden tabs' timers are throttled). */
const GATHER_MS = 16;
/** Where the leader says which feeds its stream carries. */
const FEEDS_URL = '/api/events/feeds';
/** Pause before posting the feeds again after the post failed (the dashboard restarting). */
const FEEDS_RETRY_MS = 2_000;
/** How often the leader looks for tabs that went without saying so (their Web Lock gone). */
const TAB_CHECK_MS = 10_000;

type Wire =
  | { kind: 'messages'; messages: RelayedMessage[]; frames: FeedFrame[] }
  | { kind: 'status'; status: StreamStatus }
  | { kind: 'need'; since: number }
  | { kind: 'leader' }
  /** A tab's wanted feeds; `fresh`: keys a new consumer joined since the tab last said. */
  | { kind: 'feeds'; tab: string; feeds: Feed[]; fresh: string[] };

export interface Subscriber {
  onMessage: (message: StreamMessage) => void;
  onStatus: (status: StreamStatus) => void;
}

interface Consumer extends Subscriber {
  cursor: StreamCursor;
}

interface FeedConsumer {
  feed: Feed;
  key: string;
  onFrame: (frame: FeedFrame) => void;
}

/** What waits in the inbox: a message as the stream gave it (leader), or as the leader relayed it. */
type Inbound =
  | { kind: 'raw'; stream: string; type: (typeof STREAM_EVENT_TYPES)[number]; data: string }
  | { kind: 'relayed'; message: RelayedMessage }
  | { kind: 'raw-feed'; stream: string; data: string }
  | { kind: 'relayed-feed'; frame: FeedFrame };

class SharedStream {
  private readonly consumers = new Set<Consumer>();
  private readonly feedConsumers = new Set<FeedConsumer>();
  /** Keys of feeds a consumer of this tab joined since the tab last told the leader. */
  private freshFeeds = new Set<string>();
  private readonly channel: BroadcastChannel | null;
  private readonly tab = Math.random().toString(36).slice(2);
  private readonly abandon = new AbortController();
  private releaseLock: (() => void) | null = null;
  private releaseTabLock: (() => void) | null = null;
  private leading = false;
  private closed = false;
  private status: StreamStatus = 'connecting';
  private inbox: Inbound[] = [];
  /** The next inbox entry to handle (entries before it are done; the array is dropped when empty). */
  private head = 0;
  /** Messages relayed in the current slice, not yet posted to the other tabs. */
  private outgoing: RelayedMessage[] = [];
  private outgoingFrames: FeedFrame[] = [];
  /** Wakes the drain in a new task; a MessageChannel, since timers are throttled in background tabs. */
  private readonly wake: MessageChannel | null = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
  private drainScheduled = false;
  /** The gathering wait before a drain, while one is pending (a visible tab's GATHER_MS). */
  private gatherTimer: ReturnType<typeof setTimeout> | null = null;
  /** Leader: another tab has asked for the stream, so relayed messages are posted. */
  private followed = false;
  // Leader only:
  private source: SseReader | null = null;
  private streamId = '';
  private streams = 0;
  private position = 0;
  private rebuilding = false;
  private reopen: ReturnType<typeof setTimeout> | null = null;
  private neededSince: number | null = null;
  /** The id the current stream's hello gave: where its feeds are set. */
  private hello: { source: string; id: string } | null = null;
  /** What the server was last told for `hello` (the union's feed keys), and what is pending. */
  private feedsPosted: { id: string; keys: string } | null = null;
  private feedsPosting = false;
  private feedsRetry: ReturnType<typeof setTimeout> | null = null;
  private restartPending = new Set<string>();
  /** Other tabs' wanted feeds, by tab. */
  private readonly tabFeeds = new Map<string, Feed[]>();
  private tabCheck: ReturnType<typeof setInterval> | null = null;
  private readonly onPageHide = (): void => this.announceFeeds([]);
  private readonly onPageShow = (e: PageTransitionEvent): void => {
    if (e.persisted) this.announceFeeds();
  };

  constructor(private readonly onEmpty: () => void) {
    const shared = typeof navigator !== 'undefined' && 'locks' in navigator && typeof BroadcastChannel !== 'undefined';
    this.channel = shared ? new BroadcastChannel(NAME) : null;
    if (this.wake !== null) this.wake.port1.onmessage = () => this.drain();
    if (this.channel === null) {
      queueMicrotask(() => this.lead());
      return;
    }
    this.channel.onmessage = (e: MessageEvent<Wire>) => this.receive(e.data);
    // Held while this tab lives: the leader's sign that the tab's feeds are still wanted.
    navigator.locks
      .request(`${NAME}:tab:${this.tab}`, { signal: this.abandon.signal }, () => {
        if (this.closed) return undefined;
        return new Promise<void>((resolve) => (this.releaseTabLock = resolve));
      })
      .catch(() => {});
    addEventListener('pagehide', this.onPageHide);
    addEventListener('pageshow', this.onPageShow);
    navigator.locks
      .request(NAME, { signal: this.abandon.signal }, () => {
        if (this.closed) return undefined;
        this.lead();
        return new Promise<void>((resolve) => (this.releaseLock = resolve));
      })
      .catch(() => {}); // aborted: this tab no longer needs the stream
  }

  add(subscriber: Subscriber, since: number): () => void {
    const consumer: Consumer = { ...subscriber, cursor: new StreamCursor(since) };
    this.consumers.add(consumer);
    consumer.onStatus(this.status);
    this.catchUp(since);
    return () => {
      this.consumers.delete(consumer);
      this.closeIfUnused();
    };
  }

  /** Switches `feed` on for `onFrame` while subscribed; returns the unsubscribe. */
  addFeed(feed: Feed, onFrame: (frame: FeedFrame) => void): () => void {
    const consumer: FeedConsumer = { feed, key: feedKey(feed), onFrame };
    this.feedConsumers.add(consumer);
    this.freshFeeds.add(consumer.key);
    this.feedsChanged();
    return () => {
      this.feedConsumers.delete(consumer);
      this.feedsChanged();
      this.closeIfUnused();
    };
  }

  private closeIfUnused(): void {
    if (this.consumers.size === 0 && this.feedConsumers.size === 0 && !this.closed) this.close();
  }

  private close(): void {
    if (!this.leading) this.announceFeeds([]);
    this.closed = true;
    this.onEmpty();
    this.abandon.abort();
    if (this.reopen !== null) clearTimeout(this.reopen);
    if (this.feedsRetry !== null) clearTimeout(this.feedsRetry);
    if (this.tabCheck !== null) clearInterval(this.tabCheck);
    if (typeof removeEventListener !== 'undefined') {
      removeEventListener('pagehide', this.onPageHide);
      removeEventListener('pageshow', this.onPageShow);
    }
    this.source?.close();
    this.channel?.close();
    this.wake?.port1.close();
    this.inbox = [];
    this.head = 0;
    this.releaseLock?.();
    this.releaseTabLock?.();
  }

  /** This tab's consumers' feeds. */
  private ownFeeds(): Feed[] {
    return unionFeeds([[...this.feedConsumers].map((consumer) => consumer.feed)]);
  }

  private feedsChanged(): void {
    if (this.closed) return;
    if (this.leading) this.syncFeeds();
    else this.announceFeeds();
  }

  /** Follower: tells the leader what this tab wants (`feeds` [] when the page goes). */
  private announceFeeds(feeds: Feed[] = this.ownFeeds()): void {
    if (this.leading || this.closed || this.channel === null) return;
    const fresh = [...this.freshFeeds];
    this.freshFeeds.clear();
    this.post({ kind: 'feeds', tab: this.tab, feeds, fresh });
  }

  /** Leader: posts the union of every tab's feeds to the server, unless it has it already. */
  private syncFeeds(): void {
    for (const key of this.freshFeeds) this.restartPending.add(key);
    this.freshFeeds.clear();
    if (!this.leading || this.closed || this.hello === null || this.feedsPosting || this.feedsRetry !== null) return;
    const feeds = unionFeeds([this.ownFeeds(), ...this.tabFeeds.values()]);
    const keys = feeds.map(feedKey).join(' ');
    const id = this.hello.id;
    const on = this.feedsPosted?.id === id ? this.feedsPosted.keys.split(' ') : [];
    // A feed that is not on yet starts with its recent output anyway.
    const restart = [...this.restartPending].filter((key) => on.includes(key) && feeds.some((f) => feedKey(f) === key));
    this.restartPending.clear();
    if (restart.length === 0 && (this.feedsPosted?.id === id ? this.feedsPosted.keys : '') === keys) return;
    this.feedsPosting = true;
    const body: FeedRequestBody = { stream: id, feeds, restart };
    fetch(FEEDS_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(
        (response) => {
          // 404: that stream has ended, its successor's hello posts the feeds again; 401: the
          // session has, and so will the stream. Only the dashboard or daemon being away is retried.
          if (response.status < 500) this.feedsPosted = { id, keys };
          else this.retryFeeds(restart);
        },
        () => this.retryFeeds(restart),
      )
      .finally(() => {
        this.feedsPosting = false;
        this.syncFeeds();
      });
  }

  private retryFeeds(restart: string[]): void {
    for (const key of restart) this.restartPending.add(key);
    if (this.closed || this.feedsRetry !== null) return;
    this.feedsRetry = setTimeout(() => {
      this.feedsRetry = null;
      this.syncFeeds();
    }, FEEDS_RETRY_MS);
  }

  /** Leader: forgets the feeds of tabs whose lock is gone (closed without a word). */
  private checkTabs(): void {
    if (this.tabFeeds.size === 0) return;
    navigator.locks.query().then(
      (state) => {
        const alive = new Set((state.held ?? []).map((lock) => lock.name));
        let changed = false;
        for (const tab of this.tabFeeds.keys()) {
          if (alive.has(`${NAME}:tab:${tab}`)) continue;
          this.tabFeeds.delete(tab);
          changed = true;
        }
        if (changed) this.syncFeeds();
      },
      () => undefined,
    );
  }

  private lowestRevision(): number {
    let lowest = Number.MAX_SAFE_INTEGER;
    for (const consumer of this.consumers) lowest = Math.min(lowest, consumer.cursor.revision);
    return lowest === Number.MAX_SAFE_INTEGER ? 0 : lowest;
  }

  private lead(): void {
    this.leading = true;
    this.open(this.lowestRevision());
    this.post({ kind: 'leader' });
    if (this.channel !== null) this.tabCheck = setInterval(() => this.checkTabs(), TAB_CHECK_MS);
  }

  private open(since: number): void {
    this.source?.close();
    const id = `${this.tab}:${++this.streams}`;
    this.streamId = id;
    this.hello = null;
    this.position = since;
    this.rebuilding = false;
    const source = new SseReader(`/api/events?since=${since}`);
    this.source = source;
    source.onopen = () => this.setStatus(this.rebuilding ? 'resyncing' : 'live');
    for (const type of STREAM_EVENT_TYPES)
      source.addEventListener(type, (e) => this.enqueue({ kind: 'raw', stream: id, type, data: e.data }));
    source.addEventListener('feed', (e) => this.enqueue({ kind: 'raw-feed', stream: id, data: e.data }));
    // Each response starts with its id: feeds go there.
    source.addEventListener('hello', (e) => {
      if (this.streamId !== id) return;
      this.hello = { source: id, id: (JSON.parse(e.data) as { stream: string }).stream };
      this.syncFeeds();
    });
    source.onerror = () => {
      this.setStatus('reconnecting');
      source.close();
      this.scheduleReopen(this.position, REOPEN_DELAY_MS);
    };
  }

  /** Leader: a message of its stream, parsed and tagged for the consumers; null when that stream is gone. */
  private relay(raw: Extract<Inbound, { kind: 'raw' }>): RelayedMessage | null {
    if (this.streamId !== raw.stream) return null;
    const after = this.position;
    let message: StreamMessage;
    switch (raw.type) {
      case 'event':
        message = { type: 'event', event: JSON.parse(raw.data) as LiveEvent };
        if (message.event.revision > 0) this.position = Math.max(this.position, message.event.revision);
        break;
      case 'reset':
        message = { type: 'reset' };
        this.rebuilding = true;
        this.setStatus('resyncing');
        break;
      case 'synced':
        message = { type: 'synced', revision: (JSON.parse(raw.data) as { revision: number }).revision };
        this.position = message.revision;
        this.rebuilding = false;
        this.setStatus('live');
        break;
      case 'bookmark':
        message = { type: 'bookmark', revision: (JSON.parse(raw.data) as { revision: number }).revision };
        this.position = Math.max(this.position, message.revision);
        break;
    }
    return { stream: raw.stream, after, message };
  }

  private enqueue(item: Inbound): void {
    this.inbox.push(item);
    if (this.closed) return;
    // A feed frame (a console's echo) is waited on by someone typing: it is handled in the next
    // task, not gathered, and takes what was gathered with it.
    const urgent = item.kind === 'raw-feed' || item.kind === 'relayed-feed';
    if (urgent && this.gatherTimer !== null) {
      clearTimeout(this.gatherTimer);
      this.gatherTimer = null;
      this.drainScheduled = false;
    }
    if (this.drainScheduled) return;
    if (this.wake === null || (!urgent && document.visibilityState === 'visible')) {
      this.drainScheduled = true;
      this.gatherTimer = setTimeout(() => this.drain(), urgent ? 0 : GATHER_MS);
    } else this.continueDrain();
  }

  /** The next slice of a backlog, in the next task. */
  private continueDrain(): void {
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    if (this.wake !== null) this.wake.port2.postMessage(null);
    else setTimeout(() => this.drain(), 0);
  }

  /** Handles inbox entries for up to SLICE_MS, then yields; the rest waits for the next task. */
  private drain(): void {
    this.drainScheduled = false;
    this.gatherTimer = null;
    if (this.closed) return;
    const until = performance.now() + SLICE_MS;
    while (this.head < this.inbox.length) {
      const item = this.inbox[this.head++]!;
      switch (item.kind) {
        case 'raw': {
          const relayed = this.relay(item);
          if (relayed === null) break;
          if (this.followed) this.outgoing.push(relayed);
          this.deliver(relayed);
          break;
        }
        case 'relayed':
          this.deliver(item.message);
          break;
        case 'raw-feed': {
          if (this.streamId !== item.stream) break;
          const frame = JSON.parse(item.data) as FeedFrame;
          if (this.followed) this.outgoingFrames.push(frame);
          this.deliverFrame(frame);
          break;
        }
        case 'relayed-feed':
          this.deliverFrame(item.frame);
          break;
      }
      if (performance.now() >= until) break;
    }
    this.flushOutgoing();
    if (this.head === this.inbox.length) {
      this.inbox = [];
      this.head = 0;
      return;
    }
    if (this.head > 4096) {
      this.inbox = this.inbox.slice(this.head);
      this.head = 0;
    }
    this.continueDrain();
  }

  /** Leader: opens a new stream from `since` soon, unless the current one already covers it. */
  private scheduleReopen(since: number, delay: number): void {
    this.neededSince = Math.min(this.neededSince ?? Number.MAX_SAFE_INTEGER, since);
    if (this.reopen !== null) return;
    this.reopen = setTimeout(() => {
      const from = Math.min(this.neededSince ?? this.position, this.lowestRevision());
      this.reopen = null;
      this.neededSince = null;
      this.open(from);
    }, delay);
  }

  /** A consumer at `since` must see everything after it. */
  private catchUp(since: number): void {
    if (!this.leading) {
      this.post({ kind: 'need', since });
      return;
    }
    if (since < this.position || this.rebuilding) this.scheduleReopen(since, NEED_BATCH_MS);
  }

  private receive(wire: Wire): void {
    switch (wire.kind) {
      case 'messages':
        if (this.leading) return;
        for (const message of wire.messages) this.enqueue({ kind: 'relayed', message });
        for (const frame of wire.frames) this.enqueue({ kind: 'relayed-feed', frame });
        return;
      case 'status':
        if (!this.leading) this.setStatus(wire.status);
        return;
      case 'need':
        if (!this.leading) return;
        this.followed = true;
        this.post({ kind: 'status', status: this.status });
        this.catchUp(wire.since);
        return;
      case 'leader':
        if (this.leading) return;
        if (this.consumers.size > 0) this.post({ kind: 'need', since: this.lowestRevision() });
        // The new leader knows nothing of this tab's feeds, and its calls start afresh anyway.
        this.freshFeeds.clear();
        if (this.feedConsumers.size > 0) this.announceFeeds();
        return;
      case 'feeds':
        if (!this.leading) return;
        this.followed = true;
        if (wire.feeds.length === 0) this.tabFeeds.delete(wire.tab);
        else this.tabFeeds.set(wire.tab, wire.feeds);
        for (const key of wire.fresh) this.restartPending.add(key);
        this.syncFeeds();
        return;
    }
  }

  private deliver(wire: RelayedMessage): void {
    let behind: number | null = null;
    for (const consumer of this.consumers) {
      const verdict = consumer.cursor.accept(wire);
      if (verdict === 'apply') consumer.onMessage(wire.message);
      else if (verdict === 'gap') behind = Math.min(behind ?? Number.MAX_SAFE_INTEGER, consumer.cursor.revision);
    }
    if (behind !== null) this.catchUp(behind);
  }

  private deliverFrame(frame: FeedFrame): void {
    const key = feedKey(frameFeed(frame));
    for (const consumer of this.feedConsumers) if (consumer.key === key) consumer.onFrame(frame);
  }

  private setStatus(status: StreamStatus): void {
    if (this.leading) this.post({ kind: 'status', status });
    if (status === this.status) return;
    this.status = status;
    for (const consumer of this.consumers) consumer.onStatus(status);
  }

  /** To the other tabs; anything but messages goes after the messages relayed before it. */
  private post(wire: Wire): void {
    if (this.channel === null) return;
    this.flushOutgoing();
    this.channel.postMessage(wire);
  }

  private flushOutgoing(): void {
    if (this.outgoing.length === 0 && this.outgoingFrames.length === 0) return;
    const messages = this.outgoing;
    const frames = this.outgoingFrames;
    this.outgoing = [];
    this.outgoingFrames = [];
    this.channel?.postMessage({ kind: 'messages', messages, frames } satisfies Wire);
  }
}

let shared: SharedStream | null = null;

function sharedStream(): SharedStream {
  if (shared === null) {
    const created: SharedStream = new SharedStream(() => {
      if (shared === created) shared = null;
    });
    shared = created;
  }
  return shared;
}

/** Follows the browser's one event stream from `since`; returns the unsubscribe. */
export function subscribe(subscriber: Subscriber, since: number): () => void {
  return sharedStream().add(subscriber, since);
}

/** Switches `feed` on in the browser's one event stream, its frames to `onFrame`; returns the switch-off. */
export function subscribeFeed(feed: Feed, onFrame: (frame: FeedFrame) => void): () => void {
  return sharedStream().addFeed(feed, onFrame);
}
