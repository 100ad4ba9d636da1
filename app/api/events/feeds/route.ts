// POST /api/events/feeds {"stream": "<id>", "feeds": [...]}: sets the live feeds (consoles, VM
// usage samples) that the event stream <id> carries (app/lib/feed-relay.ts). The browser's leader
// tab posts the union of what all its tabs show, after every hello frame and whenever it changes;
// what is not listed is switched off. Only the session that opened the stream may set its feeds:
// for any other, the stream does not exist (404). proxy.ts has already refused foreign Hosts and
// other sites' requests; without a live session the answer is 401.
import type { NextRequest } from 'next/server';
import { BackendError } from '../../../lib/backend.ts';
import { feedRelay } from '../../../lib/feed-relay.ts';
import { MAX_FEED_REQUEST_BYTES, parseFeedRequest } from '../../../lib/feed-request.ts';
import { currentSession } from '../../../lib/session.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const PLAIN_TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

function refuse(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: PLAIN_TEXT });
}

export async function POST(request: NextRequest): Promise<Response> {
  let session;
  try {
    session = await currentSession();
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return refuse(503, `Cannot check the session: ${err.message}`);
  }
  if (session === null) return refuse(401, 'Not signed in, or the session has ended: sign in at /sign-in.');

  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_FEED_REQUEST_BYTES)
    return refuse(413, `The feed request is larger than ${MAX_FEED_REQUEST_BYTES} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse(400, 'The body is not JSON: send {"stream": "<id>", "feeds": [...]}.');
  }
  const parsed = parseFeedRequest(body);
  if ('error' in parsed) return refuse(400, `Bad feed request: ${parsed.error}.`);

  const relay = feedRelay(parsed.stream);
  if (relay === null || relay.owner !== session.id)
    return refuse(
      404,
      `No open event stream ${parsed.stream} of this session: it has ended; its reconnect gets a new id.`,
    );
  const result = relay.set(parsed.feeds, parsed.restart);
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
}
