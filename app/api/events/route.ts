// GET /api/events?since=<revision>&kinds=lease,reservation: the daemon's event stream as
// Server-Sent Events (design.md, "Events and the live stream"). One gRPC Watch per tab; frames
// are described in app/lib/watch-frames.ts. A reconnecting EventSource's Last-Event-ID header
// takes precedence over ?since=, which only the page's first connection uses.
// At most dashboard.maxStreams streams are open at once in this process (stream-slots.ts); one
// more gets 503 with Retry-After. proxy.ts has already refused foreign Hosts and other sites.
// Without a live session the answer is 401, before a slot is taken (app/lib/session.ts). An open
// stream asks again every SESSION_RECHECK_MS and ends once its session is signed out, revoked or
// expired: its reconnect then gets the 401.
// The stream also carries the live feeds its browser switches on (consoles, VM usage samples;
// app/lib/feed-relay.ts): its first frame, `event: hello`, gives the id /api/events/feeds takes.
import type { NextRequest } from 'next/server';
import { BackendError } from '../../lib/backend.ts';
import { serverEnv } from '../../lib/env.ts';
import { FeedRelay } from '../../lib/feed-relay.ts';
import { currentSession, sessionOfToken, sessionToken, type DashboardSession } from '../../lib/session.ts';
import { resumeRevision } from '../../lib/sse.ts';
import { processStreamSlots, STREAM_RETRY_AFTER_S, streamLimitMessage } from '../../lib/stream-slots.ts';
import { watchAsSse } from '../../lib/watch-relay.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform keeps compression (which would buffer the stream) out of the way.
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/** How often an open stream checks that its session still holds. */
const SESSION_RECHECK_MS = 15_000;

const PLAIN_TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** 401 without a live session, 503 when the daemon cannot say; the session when signed in. */
async function refusal(): Promise<Response | DashboardSession> {
  try {
    const session = await currentSession();
    if (session !== null) return session;
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return new Response(`Cannot check the session: ${err.message}\n`, { status: 503, headers: PLAIN_TEXT });
  }
  return new Response('Not signed in, or the session has ended: sign in at /sign-in to open the event stream.\n', {
    status: 401,
    headers: PLAIN_TEXT,
  });
}

export async function GET(request: NextRequest): Promise<Response> {
  const session = await refusal();
  if (session instanceof Response) return session;
  const params = request.nextUrl.searchParams;
  const since = resumeRevision(request.headers.get('last-event-id'), params.get('since'));
  if (typeof since !== 'number') return new Response(`${since.error}\n`, { status: 400 });
  const kinds = (params.get('kinds') ?? '')
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind !== '');
  const limit = serverEnv().HOMEPLANE_MAX_STREAMS;
  const release = processStreamSlots(limit).take();
  if (release === null) {
    return new Response(streamLimitMessage(limit), {
      status: 503,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
        'Retry-After': String(STREAM_RETRY_AFTER_S),
      },
    });
  }
  const token = await sessionToken();
  const recheck = {
    everyMs: SESSION_RECHECK_MS,
    stillValid: async () => (await sessionOfToken(token)) !== null,
  };
  const feeds = new FeedRelay(session.id);
  return new Response(watchAsSse({ sinceRevision: since, kinds }, request.signal, release, recheck, feeds), {
    headers: SSE_HEADERS,
  });
}
