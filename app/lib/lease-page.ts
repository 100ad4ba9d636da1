// The answer of GET /api/leases (app/api/leases/route.ts), shared by the route and the page that
// reads it, so both sides agree on the shape. Plain JSON: no proto types reach the browser.
import type { LeaseRow } from './live/types.ts';

export interface LeasePage {
  leases: LeaseRow[];
  /** Pass back as ?pageToken= for the page after this one; '' on the last page. */
  nextPageToken: string;
  /** The event revision this page reflects (lease.proto, ListLeasesResponse.revision). */
  revision: number;
  /** Leases in all, over every page. */
  total: number;
}

/** A page the dashboard could not give; `status` 400 means the page token is no longer valid. */
export class LeasePageError extends Error {
  override readonly name = 'LeasePageError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Reads one page ('' for the first); throws a LeasePageError saying what went wrong. */
export async function fetchLeasePage(pageToken: string, signal: AbortSignal): Promise<LeasePage> {
  const response = await fetch(`/api/leases?pageToken=${encodeURIComponent(pageToken)}`, {
    signal,
    cache: 'no-store',
  });
  const body = (await response.json().catch(() => ({}))) as Partial<LeasePage> & { error?: string };
  if (!response.ok)
    throw new LeasePageError(body.error ?? `the dashboard answered ${response.status}`, response.status);
  return body as LeasePage;
}
