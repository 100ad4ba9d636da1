// One /api/events stream per browser, shared by its tabs (browsers allow ~6 HTTP/1.1 connections
// per host, so a tab each would soon stall every other request).
//
// The tab holding the Web Lock "homeplane-events" is the leader: it holds the EventSource and
// rebroadcasts each message over the BroadcastChannel of the same name, tagged with its stream
// and that stream's revision before it (stream-order.ts); the other tabs follow. A consumer that
// finds a gap asks for a stream from its own revision ("need"); the leader reopens from the
// lowest such revision and every consumer drops what it already has. When the leader tab closes,
// its lock passes to another tab, which opens a stream from the lowest revision its consumers
// saw. Without Web Locks (a plain-http address other than localhost is not a secure context)
// each tab keeps its own stream, as before.
import { StreamCursor, type RelayedMessage } from './stream-order.ts';
import type { LiveEvent, StreamMessage } from './types.ts';

export type StreamStatus = 'connecting' | 'live' | 'resyncing' | 'reconnecting';

const NAME = 'homeplane-events';
/** Pause before opening a new EventSource after the browser gave up on the old one. */
const REOPEN_DELAY_MS = 3_000;
/** Needs arriving together are served by one reopen. */
const NEED_BATCH_MS = 50;

type Wire =
  | ({ kind: 'message' } & RelayedMessage)
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

class SharedStream {
  private readonly consumers = new Set<Consumer>();
  private readonly channel: BroadcastChannel | null;
  private readonly tab = Math.random().toString(36).slice(2);
  private readonly abandon = new AbortController();
  private releaseLock: (() => void) | null = null;
  private leading = false;
  private closed = false;
  private status: StreamStatus = 'connecting';
  // Leader only:
  private source: EventSource | null = null;
  private streamId = '';
  private streams = 0;
  private position = 0;
  private rebuilding = false;
  private reopen: ReturnType<typeof setTimeout> | null = null;
  private neededSince: number | null = null;

  constructor(private readonly onEmpty: () => void) {
    const shared = typeof navigator !== 'undefined' && 'locks' in navigator && typeof BroadcastChannel !== 'undefined';
    this.channel = shared ? new BroadcastChannel(NAME) : null;
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
    const source = new EventSource(`/api/events?since=${since}`);
    this.source = source;
    const relay = (message: StreamMessage) => {
      if (this.streamId !== id) return;
      const after = this.position;
      switch (message.type) {
        case 'event':
          if (message.event.revision > 0) this.position = Math.max(this.position, message.event.revision);
          break;
        case 'reset':
          this.rebuilding = true;
          this.setStatus('resyncing');
          break;
        case 'synced':
          this.position = message.revision;
          this.rebuilding = false;
          this.setStatus('live');
          break;
        case 'bookmark':
          this.position = Math.max(this.position, message.revision);
          break;
      }
      const wire: Wire = { kind: 'message', stream: id, after, message };
      this.post(wire);
      this.deliver(wire);
    };
    source.onopen = () => this.setStatus(this.rebuilding ? 'resyncing' : 'live');
    source.addEventListener('event', (e) => relay({ type: 'event', event: JSON.parse(e.data) as LiveEvent }));
    source.addEventListener('reset', () => relay({ type: 'reset' }));
    source.addEventListener('synced', (e) =>
      relay({ type: 'synced', revision: (JSON.parse(e.data) as { revision: number }).revision }),
    );
    source.addEventListener('bookmark', (e) =>
      relay({ type: 'bookmark', revision: (JSON.parse(e.data) as { revision: number }).revision }),
    );
    source.onerror = () => {
      this.setStatus('reconnecting');
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      source.close();
      this.scheduleReopen(this.position, REOPEN_DELAY_MS);
    };
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
      case 'message':
        if (!this.leading) this.deliver(wire);
        return;
      case 'status':
        if (!this.leading) this.setStatus(wire.status);
        return;
      case 'need':
        if (!this.leading) return;
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

  private post(wire: Wire): void {
    this.channel?.postMessage(wire);
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
