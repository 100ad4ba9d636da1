// The browser end of /api/events, read with fetch() instead of EventSource.
//
// Measured in Chromium: a burst of 5,000 messages (2.5 MB, what a relay that fell behind sends
// in one go) dispatched by an EventSource cost 204-427 ms of long tasks per round (tasks of 90-241 ms) even with listeners that
// only queue the data, all of it the browser's own per-message work, which no page code can
// split; the same bytes read from a fetch() body and split here cost no task over 50 ms. So this
// reader parses the stream itself (HTML Living Standard 9.2.6, "Interpreting an event stream")
// and yields to the page between chunks once it has parsed for SLICE_MS since it last did.
//
// It keeps the part of the EventSource interface the shared stream uses (listeners by event
// type, onopen, onerror, readyState, close) but never reconnects by itself: any end, error or
// refusal closes it, and the shared stream opens a new one from the revision it has reached
// (shared-stream.ts), as it already did when an EventSource gave up.

/** Parsing done in one task before the reader lets the page run. */
const SLICE_MS = 8;
const LF = 10;

export interface SseMessage {
  /** The `event:` field; "message" when the frame named none. */
  type: string;
  data: string;
  /** The `id:` field of this frame, or null when it had none. */
  id: string | null;
}

/**
 * The stream's grammar, fed text as it arrives in any pieces: each complete message (a frame
 * ended by a blank line) is handed to `emit`. Comments, `retry` and unknown fields are skipped;
 * a frame without `data` dispatches nothing (as an EventSource does).
 */
export class SseParser {
  private pending = '';
  private type = '';
  private data: string[] = [];
  private id: string | null = null;
  /** A chunk ended on a CR: a LF at the start of the next one belongs to it. */
  private skipLf = false;

  constructor(private readonly emit: (message: SseMessage) => void) {}

  push(text: string): void {
    if (this.skipLf) {
      this.skipLf = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    const input = this.pending + text;
    // Where the next CR is: found once, not per line (the relay never sends one, so -1 throughout).
    let cr = input.indexOf('\r');
    let at = 0;
    for (;;) {
      if (cr >= 0 && cr < at) cr = input.indexOf('\r', at);
      const lf = input.indexOf('\n', at);
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end < 0) break;
      this.line(input.slice(at, end));
      if (end !== cr) at = end + 1;
      else if (end + 1 === input.length) {
        this.skipLf = true;
        at = end + 1;
        break;
      } else at = input.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    }
    this.pending = input.slice(at);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.emit({ type: this.type || 'message', data: this.data.join('\n'), id: this.id });
      this.type = '';
      this.data = [];
      this.id = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        return;
      case 'data':
        this.data.push(value);
        return;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        return;
      default:
        return; // retry (the shared stream decides when to reopen) and unknown fields
    }
  }
}

export class SseReader {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;

  readyState: number = SseReader.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, ((message: SseMessage) => void)[]>();
  private readonly abort = new AbortController();
  /** Wakes the reader in a new task (unlike timers, not throttled in background tabs); made once. */
  private wake: { channel: MessageChannel; resolve: (() => void) | null } | null = null;

  constructor(url: string) {
    void this.run(url);
  }

  addEventListener(type: string, listener: (message: SseMessage) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = SseReader.CLOSED;
    this.abort.abort();
    this.wake?.channel.port1.close();
  }

  private nextTask(): Promise<void> {
    if (this.wake === null) {
      const wake: { channel: MessageChannel; resolve: (() => void) | null } = {
        channel: new MessageChannel(),
        resolve: null,
      };
      wake.channel.port1.onmessage = () => {
        const resolve = wake.resolve;
        wake.resolve = null;
        resolve?.();
      };
      this.wake = wake;
    }
    const wake = this.wake;
    return new Promise((resolve) => {
      wake.resolve = resolve;
      wake.channel.port2.postMessage(null);
    });
  }

  private async run(url: string): Promise<void> {
    try {
      const response = await fetch(url, {
        headers: { Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: this.abort.signal,
      });
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok || !type.startsWith('text/event-stream') || response.body === null) {
        await response.body?.cancel();
        return this.fail();
      }
      if (this.readyState === SseReader.CLOSED) return;
      this.readyState = SseReader.OPEN;
      this.onopen?.();
      const parser = new SseParser((message) => {
        if (this.readyState !== SseReader.CLOSED)
          for (const listener of this.listeners.get(message.type) ?? []) listener(message);
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      // Parsing time since the last yield: chunks already buffered resolve one after another in
      // one task, so the reader counts its own work and lets the page run once it is a slice's
      // worth. (Wall time would count the waits for the network and yield after nearly every chunk.)
      let busy = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.readyState === SseReader.CLOSED) break;
        const started = performance.now();
        parser.push(value);
        busy += performance.now() - started;
        if (busy >= SLICE_MS) {
          await this.nextTask();
          busy = 0;
        }
      }
      this.fail();
    } catch {
      this.fail(); // the network went, or close() aborted the read
    }
  }

  private fail(): void {
    if (this.readyState === SseReader.CLOSED && this.abort.signal.aborted) return;
    this.readyState = SseReader.CLOSED;
    this.onerror?.();
  }
}
