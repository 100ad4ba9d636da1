// GET /api/leases?pageToken=<token>: the next rows of the lease table as LeaseRows (up to two
// ListLeases pages of 1000: fewer round trips while the Leases page fills in after its
// server-rendered first screenful, still small enough to parse and fold in ~10 ms; four took
// 20-30 ms, which a busy machine stretched past 50 ms, bench:dashboard). The answer
// carries the revision of the first ListLeases page in it: the page folds rows in only where
// that is newer than what it holds (app/lib/live/lease-cache.ts), and a later ListLeases page
// is never older. Signed-in only: no session, 401.
import * as grpc from '@grpc/grpc-js';
import type { NextRequest } from 'next/server';
import { BackendError, listLeases } from '../../lib/backend.ts';
import { toLeaseRow } from '../../lib/lease-row.ts';
import { loadVendors } from '../../lib/oui.ts';
import { currentSession } from '../../lib/session.ts';
import type { LeasePage } from '../../lib/lease-page.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** ListLeases' largest page, and how many of them one answer holds. */
const PAGE_SIZE = 1000;
const PAGES_PER_ANSWER = 2;
const NO_STORE = { 'Cache-Control': 'no-store' };

export async function GET(request: NextRequest): Promise<Response> {
  try {
    if ((await currentSession()) === null)
      return Response.json({ error: 'sign in to read the leases' }, { status: 401, headers: NO_STORE });
    let pageToken = request.nextUrl.searchParams.get('pageToken') ?? '';
    await loadVendors();
    const page: LeasePage = { leases: [], nextPageToken: '', revision: 0, total: 0 };
    for (let n = 0; n < PAGES_PER_ANSWER; n++) {
      const response = await listLeases({ pageSize: PAGE_SIZE, pageToken });
      // The oldest revision of the pages in this answer: each row reflects at least that one.
      if (n === 0) page.revision = response.revision;
      page.total = response.totalSize;
      for (const lease of response.leases) page.leases.push(toLeaseRow(lease));
      pageToken = response.nextPageToken;
      if (pageToken === '') break;
    }
    page.nextPageToken = pageToken;
    return Response.json(page, { headers: NO_STORE });
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    // A stale or foreign page token is the caller's mistake; anything else is the daemon's state.
    const status = err.code === grpc.status.INVALID_ARGUMENT ? 400 : 503;
    return Response.json({ error: err.message }, { status, headers: NO_STORE });
  }
}
