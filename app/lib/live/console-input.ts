// Keystrokes typed into a VM's console, on their way to VmService.SendConsoleInput through
// POST /api/vms/<id>/console. The daemon keeps its calls in order, but two requests in flight
// at once could reach it in either order, so one request is in flight at a time: what is typed
// meanwhile waits and goes in the next request, joined with whatever else was typed (typing fast
// costs fewer requests, never order). A request that fails for a passing reason (the network,
// the daemon restarting) is sent again, first in line; one the daemon refuses for good (the VM
// is not running, is gone, the session ended) is reported with what was not typed.

/** A request's bound: SendConsoleInput takes 1-4096 bytes. */
export const MAX_INPUT_BYTES = 4096;
/** Waits before sending a failed request again: 0.5 s, doubling up to 5 s. */
const RETRY_MS = { initial: 500, max: 5_000 };

/** What one request came to. */
export type SendOutcome = { kind: 'sent' } | { kind: 'retry'; message: string } | { kind: 'refused'; message: string };

export type InputState =
  | { kind: 'idle' }
  | { kind: 'sending'; queuedBytes: number }
  | { kind: 'retrying'; message: string; queuedBytes: number }
  | { kind: 'refused'; message: string; droppedBytes: number };

export interface InputQueueOptions {
  send: (bytes: Uint8Array) => Promise<SendOutcome>;
  onState: (state: InputState) => void;
  /** setTimeout by default; tests pass their own clock. */
  schedule?: (run: () => void, ms: number) => void;
}

export class ConsoleInputQueue {
  private readonly waiting: Uint8Array[] = [];
  private waitingBytes = 0;
  private inFlight = false;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: InputQueueOptions) {}

  push(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    this.waiting.push(bytes);
    this.waitingBytes += bytes.length;
    this.pump();
  }

  /** The console went (unmounted): nothing more is sent. */
  stop(): void {
    this.stopped = true;
  }

  private pump(): void {
    if (this.inFlight || this.stopped || this.waitingBytes === 0) return;
    const batch = this.take(MAX_INPUT_BYTES);
    this.inFlight = true;
    this.options.onState({ kind: 'sending', queuedBytes: this.waitingBytes });
    this.options.send(batch).then(
      (outcome) => this.settled(batch, outcome),
      (err: unknown) =>
        this.settled(batch, { kind: 'retry', message: err instanceof Error ? err.message : String(err) }),
    );
  }

  private settled(batch: Uint8Array, outcome: SendOutcome): void {
    this.inFlight = false;
    if (this.stopped) return;
    switch (outcome.kind) {
      case 'sent':
        this.failures = 0;
        if (this.waitingBytes === 0) this.options.onState({ kind: 'idle' });
        this.pump();
        return;
      case 'retry': {
        // First in line again, before what was typed since.
        this.waiting.unshift(batch);
        this.waitingBytes += batch.length;
        this.failures += 1;
        const delay = Math.min(RETRY_MS.max, RETRY_MS.initial * 2 ** (this.failures - 1));
        this.options.onState({ kind: 'retrying', message: outcome.message, queuedBytes: this.waitingBytes });
        this.inFlight = true; // nothing else goes before the retry
        (this.options.schedule ?? setTimeout)(() => {
          this.inFlight = false;
          this.pump();
        }, delay);
        return;
      }
      case 'refused': {
        // What waits would be refused alike, and typed later into a console that came back it
        // would surprise: it is reported with the rest, not kept.
        const droppedBytes = batch.length + this.waitingBytes;
        this.waiting.length = 0;
        this.waitingBytes = 0;
        this.failures = 0;
        this.options.onState({ kind: 'refused', message: outcome.message, droppedBytes });
        return;
      }
    }
  }

  /** Up to `limit` bytes from the front of the queue, in order (a chunk may be split). */
  private take(limit: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    while (this.waiting.length > 0 && size < limit) {
      const chunk = this.waiting[0]!;
      const room = limit - size;
      if (chunk.length <= room) {
        parts.push(chunk);
        size += chunk.length;
        this.waiting.shift();
      } else {
        parts.push(chunk.subarray(0, room));
        size += room;
        this.waiting[0] = chunk.subarray(room);
      }
    }
    this.waitingBytes -= size;
    const batch = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      batch.set(part, at);
      at += part.length;
    }
    return batch;
  }
}

/** The outcome of the console route's answer (app/api/vms/[id]/console/route.ts). */
export async function outcomeOfResponse(response: Response): Promise<SendOutcome> {
  if (response.ok) return { kind: 'sent' };
  const text = (await response.text().catch(() => '')).trim() || `HTTP ${response.status}`;
  // 502-504: the daemon or the dashboard restarting; 429: slow down. Anything else is final.
  if (response.status === 429 || (response.status >= 502 && response.status <= 504))
    return { kind: 'retry', message: text };
  return { kind: 'refused', message: text };
}
