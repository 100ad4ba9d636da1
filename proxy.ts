// Next.js runs this before every request it serves (Next 16's name for middleware.ts; there is
// no matcher, so it covers pages, route handlers such as /api/events, server actions, /_next/*
// assets and metadata files alike). Order matters and is fixed here:
//   1. access (app/lib/dashboard-access.ts): a foreign Host gets 421, another site's request 403,
//      before anything else looks at the request;
//   2. the sign-in gate: a request without the session cookie goes to the sign-in page (or gets
//      401 from /api/* and server actions). Optimistic only, it sees the cookie, not whether the
//      daemon still knows it: every page, action and route checks the session itself
//      (app/lib/session.ts), since a proxy-only check is a known bypass (CVE-2025-29927);
//   3. trailing-slash redirects, which Next would otherwise send before this file runs (to any
//      Host), so next.config.js turns them off (skipTrailingSlashRedirect) and they happen here.
import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE, sessionCookieOptions } from './app/lib/auth-cookie.ts';
import { isAuthPage, REQUESTED_PATH_HEADER, signInPath } from './app/lib/auth-next.ts';
import { checkAccess } from './app/lib/dashboard-access.ts';
import { serverEnv } from './app/lib/env.ts';

const PLAIN_TEXT = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** What a visitor without a session may fetch: the sign-in pages and what they need to render. */
function isPublic(pathname: string): boolean {
  return (
    isAuthPage(pathname.replace(/\/+$/, '')) ||
    pathname.startsWith('/_next/') ||
    pathname === '/favicon.ico' ||
    /^\/(apple-)?icon[^/]*$/.test(pathname)
  );
}

export function proxy(request: NextRequest): Response {
  const access = checkAccess(
    {
      host: request.headers.get('host'),
      origin: request.headers.get('origin'),
      secFetchSite: request.headers.get('sec-fetch-site'),
    },
    serverEnv().HOMEPLANE_ALLOWED_HOSTS,
  );
  if (access.verdict === 'refused') {
    return new Response(access.message, { status: access.status, headers: PLAIN_TEXT });
  }

  const { pathname, search } = request.nextUrl;
  const hasCookie = (request.cookies.get(SESSION_COOKIE)?.value ?? '') !== '';
  const isPage = !pathname.startsWith('/api/') && !request.headers.has('next-action');
  if (!hasCookie && !isPublic(pathname)) {
    if (!isPage) {
      return new Response('Not signed in: sign in at /sign-in first.\n', { status: 401, headers: PLAIN_TEXT });
    }
    return NextResponse.redirect(new URL(signInPath(`${pathname}${search}`), request.url), 307);
  }

  if (pathname.length > 1 && pathname.endsWith('/')) {
    // One leading slash, so it can never read as a network-path reference ("//other.example").
    // Next turns a Location on its own origin into a relative one, so the browser stays on the
    // name it used (a reverse proxy's, say). A plain URL: NextURL would put the slash back.
    const target = new URL(`/${pathname.replace(/^\/+|\/+$/g, '')}${search}`, request.url);
    return NextResponse.redirect(target, 308);
  }

  // The page's own session check sends a visitor whose session has ended to the sign-in page,
  // which brings them back here: it reads the path from this header (set here, so never the
  // client's own).
  const forwarded = new Headers(request.headers);
  forwarded.set(REQUESTED_PATH_HEADER, `${pathname}${search}`);
  const response = NextResponse.next({ request: { headers: forwarded } });
  if (hasCookie && !isPublic(pathname) && request.headers.get('sec-fetch-dest') === 'document') {
    // The daemon's session slides with use; so does the cookie, or an active session would lose
    // it on day 7. Only on a document load (a person opening a page): not on the router's
    // background fetches or actions, whose answer could land after a sign-out and set the old
    // cookie again.
    response.cookies.set(
      SESSION_COOKIE,
      request.cookies.get(SESSION_COOKIE)!.value,
      sessionCookieOptions({
        forwardedProto: request.headers.get('x-forwarded-proto'),
        origin: request.headers.get('origin'),
      }),
    );
  }
  return response;
}
