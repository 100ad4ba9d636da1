// GET /api/leases?pageToken=<token>: one page (up to 1000) of the lease table as LeaseRows, for
// the Leases page to fill in after its server-rendered first screenful. The answer carries the
// page's revision: the page folds it in only where it is newer than what it holds
// (app/lib/live/lease-cache.ts). Signed-in only: no session, 401.
import * as grpc from '@grpc/grpc-js';
import type { NextRequest } from 'next/server';
import { BackendError, listLeases } from '../../lib/backend.ts';
import { toLeaseRow } from '../../lib/lease-row.ts';
import { loadVendors } from '../../lib/oui.ts';
import { currentSession } from '../../lib/session.ts';
import type { LeasePage } from '../../lib/lease-page.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const PAGE_SIZE = 1000;
const NO_STORE = { 'Cache-Control': 'no-store' };

export async function GET(request: NextRequest): Promise<Response> {
  try {
    if ((await currentSession()) === null)
      return Response.json({ error: 'sign in to read the leases' }, { status: 401, headers: NO_STORE });
    const pageToken = request.nextUrl.searchParams.get('pageToken') ?? '';
    const [response] = await Promise.all([listLeases({ pageSize: PAGE_SIZE, pageToken }), loadVendors()]);
    const page: LeasePage = {
      leases: response.leases.map(toLeaseRow),
      nextPageToken: response.nextPageToken,
      revision: response.revision,
      total: response.totalSize,
    };
    return Response.json(page, { headers: NO_STORE });
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    // A stale or foreign page token is the caller's mistake; anything else is the daemon's state.
    const status = err.code === grpc.status.INVALID_ARGUMENT ? 400 : 503;
    return Response.json({ error: err.message }, { status, headers: NO_STORE });
  }
}
