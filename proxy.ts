// Next.js runs this before every request it serves (Next 16's name for middleware.ts; there is
// no matcher, so it covers pages, route handlers such as /api/events, server actions, /_next/*
// assets and metadata files alike). Order matters and is fixed here:
//   1. access (app/lib/dashboard-access.ts): a foreign Host gets 421, another site's request 403,
//      before anything else looks at the request;
//   2. a sign-in check goes after it, when sessions come (design.md, "Dashboard access");
//   3. trailing-slash redirects, which Next would otherwise send before this file runs (to any
//      Host), so next.config.js turns them off (skipTrailingSlashRedirect) and they happen here.
import { NextResponse, type NextRequest } from 'next/server';
import { checkAccess } from './app/lib/dashboard-access.ts';
import { serverEnv } from './app/lib/env.ts';

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
    return new Response(access.message, {
      status: access.status,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  }

  const { pathname, search } = request.nextUrl;
  if (pathname.length > 1 && pathname.endsWith('/')) {
    // One leading slash, so it can never read as a network-path reference ("//other.example").
    // Next turns a Location on its own origin into a relative one, so the browser stays on the
    // name it used (a reverse proxy's, say). A plain URL: NextURL would put the slash back.
    const target = new URL(`/${pathname.replace(/^\/+|\/+$/g, '')}${search}`, request.url);
    return NextResponse.redirect(target, 308);
  }
  return NextResponse.next();
}
