// The Leases page's first data: ListLeases pages up to a cap, and the revision to watch from.
import 'server-only';
import { BackendError, listLeases } from '../../lib/backend.ts';
import { toLeaseRow } from '../../lib/lease-row.ts';
import type { LeaseRow } from '../../lib/live/types.ts';

/** The most ListLeases pages (of 1000, the server's maximum) the page reads before rendering. */
const MAX_PAGES = 10;
const PAGE_SIZE = 1000;

export type LeaseListing =
  { ok: true; rows: LeaseRow[]; revision: number; total: number; complete: boolean } | { ok: false; reason: string };

export async function loadLeases(): Promise<LeaseListing> {
  const rows: LeaseRow[] = [];
  let revision = 0;
  let total = 0;
  let pageToken = '';
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await listLeases({ pageSize: PAGE_SIZE, pageToken });
      // Watch from the first page's revision: later pages may be newer, and the replayed
      // events (whole leases) bring every page up to date (lease.proto, revision).
      if (page === 0) revision = response.revision;
      total = response.totalSize;
      rows.push(...response.leases.map(toLeaseRow));
      pageToken = response.nextPageToken;
      if (pageToken === '') return { ok: true, rows, revision, total, complete: true };
    }
    return { ok: true, rows, revision, total, complete: false };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}
