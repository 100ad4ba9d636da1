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

type Wire =
  | { kind: 'messages'; messages: RelayedMessage[] }
  | { kind: 'status'; status: StreamStatus }
  | { kind: 'need'; since: number }
  | { kind: 'leader' };

export interface Subscriber {
  onMessage: (message: StreamMessage) => void;
  onStatus: (status: StreamStatus) => void;
}

interface Consumer extends Subscriber {
  cursor: StreamCursor;
}

/** What waits in the inbox: a message as the stream gave it (leader), or as the leader relayed it. */
type Inbound =
  | { kind: 'raw'; stream: string; type: (typeof STREAM_EVENT_TYPES)[number]; data: string }
  | { kind: 'relayed'; message: RelayedMessage };

class SharedStream {
  private readonly consumers = new Set<Consumer>();
  private readonly channel: BroadcastChannel | null;
  private readonly tab = Math.random().toString(36).slice(2);
  private readonly abandon = new AbortController();
  private releaseLock: (() => void) | null = null;
  private leading = false;
  private closed = false;
  private status: StreamStatus = 'connecting';
  private inbox: Inbound[] = [];
  /** The next inbox entry to handle (entries before it are done; the array is dropped when empty). */
  private head = 0;
  /** Messages relayed in the current slice, not yet posted to the other tabs. */
  private outgoing: RelayedMessage[] = [];
  /** Wakes the drain in a new task; a MessageChannel, since timers are throttled in background tabs. */
  private readonly wake: MessageChannel | null = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
  private drainScheduled = false;
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

  constructor(private readonly onEmpty: () => void) {
    const shared = typeof navigator !== 'undefined' && 'locks' in navigator && typeof BroadcastChannel !== 'undefined';
    this.channel = shared ? new BroadcastChannel(NAME) : null;
    if (this.wake !== null) this.wake.port1.onmessage = () => this.drain();
    if (this.channel === null) {
      queueMicrotask(() => this.lead());
      return;
    }
    this.channel.onmessage = (e: MessageEvent<Wire>) => this.receive(e.data);
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
      if (this.consumers.size === 0) this.close();
    };
  }

  private close(): void {
    this.closed = true;
    this.onEmpty();
    this.abandon.abort();
    if (this.reopen !== null) clearTimeout(this.reopen);
    this.source?.close();
    this.channel?.close();
    this.wake?.port1.close();
    this.inbox = [];
    this.head = 0;
    this.releaseLock?.();
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
  }

  private open(since: number): void {
    this.source?.close();
    const id = `${this.tab}:${++this.streams}`;
    this.streamId = id;
    this.position = since;
    this.rebuilding = false;
    const source = new SseReader(`/api/events?since=${since}`);
    this.source = source;
    source.onopen = () => this.setStatus(this.rebuilding ? 'resyncing' : 'live');
    for (const type of STREAM_EVENT_TYPES)
      source.addEventListener(type, (e) => this.enqueue({ kind: 'raw', stream: id, type, data: e.data }));
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
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    if (this.wake === null || document.visibilityState === 'visible') setTimeout(() => this.drain(), GATHER_MS);
    else this.wake.port2.postMessage(null);
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
        if (!this.leading) for (const message of wire.messages) this.enqueue({ kind: 'relayed', message });
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
        if (!this.leading) this.post({ kind: 'need', since: this.lowestRevision() });
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
    if (this.outgoing.length === 0) return;
    const messages = this.outgoing;
    this.outgoing = [];
    this.channel?.postMessage({ kind: 'messages', messages } satisfies Wire);
  }
}

let shared: SharedStream | null = null;

/** Follows the browser's one event stream from `since`; returns the unsubscribe. */
export function subscribe(subscriber: Subscriber, since: number): () => void {
  if (shared === null) {
    const created: SharedStream = new SharedStream(() => {
      if (shared === created) shared = null;
    });
    shared = created;
  }
  return shared.add(subscriber, since);
}
