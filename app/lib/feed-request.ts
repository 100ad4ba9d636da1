// The body of POST /api/events/feeds: which feeds one event stream carries (feeds.ts), and the
// bounds on them. Every tab of a browser shares the stream, so the leader tab posts the union of
// what all of them show; the bounds are per stream, like the relay's own bound on streams
// (stream-slots.ts): each feed holds a gRPC call on the daemon for as long as it is on.
import { feedKey, type Feed } from './live/feeds.ts';

/** Consoles one stream may carry at once (one browser, all its tabs). */
export const MAX_CONSOLE_FEEDS = 4;
/** The request body's bound, in bytes (a few feeds need a few hundred). */
export const MAX_FEED_REQUEST_BYTES = 16 * 1024;
/** VM ids are the daemon's UUIDs; anything longer than this is no VM id. */
const MAX_VM_ID_LENGTH = 128;

export interface FeedRequest {
  stream: string;
  feeds: Feed[];
  /** Keys (feedKey) of feeds to start over. */
  restart: string[];
}

/** The feeds a stream is to carry, deduplicated, or what is wrong with the body. */
export function parseFeedRequest(body: unknown): FeedRequest | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the body must be a JSON object {"stream": "<id>", "feeds": [...]}' };
  const { stream, feeds, restart = [] } = body as { stream?: unknown; feeds?: unknown; restart?: unknown };
  if (typeof stream !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(stream))
    return { error: '"stream" must be the id the event stream sent in its hello frame' };
  if (!Array.isArray(feeds)) return { error: '"feeds" must be an array of feeds' };
  const seen = new Map<string, Feed>();
  for (const [index, item] of feeds.entries()) {
    const feed = parseFeed(item);
    if ('error' in feed) return { error: `feeds[${index}]: ${feed.error}` };
    seen.set(feedKey(feed), feed);
  }
  if (!Array.isArray(restart) || restart.some((key) => typeof key !== 'string' || !seen.has(key)))
    return { error: '"restart" must list keys of feeds in "feeds"' };
  return { stream, feeds: [...seen.values()], restart: [...new Set(restart as string[])] };
}

function parseFeed(item: unknown): Feed | { error: string } {
  if (typeof item !== 'object' || item === null) return { error: 'a feed is an object with a "kind"' };
  const { kind, vmId } = item as { kind?: unknown; vmId?: unknown };
  switch (kind) {
    case 'console':
      if (typeof vmId !== 'string' || vmId.trim() === '' || vmId.length > MAX_VM_ID_LENGTH)
        return { error: `a console feed needs "vmId", a VM id of 1-${MAX_VM_ID_LENGTH} characters` };
      return { kind: 'console', vmId };
    case 'vm-stats':
      return { kind: 'vm-stats' };
    default:
      return { error: `unknown feed kind ${JSON.stringify(kind)} (expected "console" or "vm-stats")` };
  }
}

/** The feeds a stream takes, in order, and those past the bounds with why. */
export function admitFeeds(feeds: readonly Feed[]): { admitted: Feed[]; refused: { feed: Feed; reason: string }[] } {
  const admitted: Feed[] = [];
  const refused: { feed: Feed; reason: string }[] = [];
  let consoles = 0;
  for (const feed of feeds) {
    if (feed.kind === 'console' && ++consoles > MAX_CONSOLE_FEEDS) {
      refused.push({
        feed,
        reason: `this browser already shows ${MAX_CONSOLE_FEEDS} consoles, the most one event stream carries: close one and reload`,
      });
      continue;
    }
    admitted.push(feed);
  }
  return { admitted, refused };
}
