// A bound on the live event streams (SSE responses, one per tab) one dashboard process keeps
// open (dashboard.maxStreams): each holds a gRPC Watch on the daemon and a socket here, so an
// unbounded number of tabs, or a page that opens EventSources in a loop, would exhaust both.
// Past the bound the relay answers 503 with Retry-After (RFC 9110 15.6.4, 10.2.3).

/** Gives a stream's slot back; safe to call more than once (only the first call counts). */
export type ReleaseSlot = () => void;

/** Seconds a refused client is asked to wait (Retry-After). */
export const STREAM_RETRY_AFTER_S = 5;

export class StreamSlots {
  #open = 0;

  constructor(readonly limit: number) {}

  /** Streams holding a slot now. */
  get open(): number {
    return this.#open;
  }

  /** A slot for one more stream, or null when `limit` streams are open. */
  take(): ReleaseSlot | null {
    if (this.#open >= this.limit) return null;
    this.#open += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#open -= 1;
    };
  }
}

/** The plain-text body of the 503 a stream past the limit gets. */
export function streamLimitMessage(limit: number): string {
  return (
    `Homeplane dashboard: ${limit} live event ${limit === 1 ? 'stream is' : 'streams are'} open, the most dashboard.maxStreams allows.\n` +
    `Close some dashboard tabs, or raise dashboard.maxStreams in the config and restart; retry in ${STREAM_RETRY_AFTER_S} s.\n`
  );
}

const cache = globalThis as unknown as { homeplaneStreamSlots?: StreamSlots };

/**
 * This process's slots: one count for every request of the process, kept on globalThis as
 * backend.ts keeps its channel (route modules may be evaluated more than once).
 */
export function processStreamSlots(limit: number): StreamSlots {
  const cached = cache.homeplaneStreamSlots;
  if (cached?.limit === limit) return cached;
  const fresh = new StreamSlots(limit);
  cache.homeplaneStreamSlots = fresh;
  return fresh;
}
