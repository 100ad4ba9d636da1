'use client';
// After hydration, the leases past the server-rendered first page: /api/leases one answer (up to
// 2000 rows) at a time, each folded into the cache where it is newer than what the cache holds
// (the stream may already have brought a newer version; lease-cache.ts). Sorting an answer on
// its own and merging it in one pass keeps each fold to a few milliseconds, so the page stays
// responsive while it fills.
import { useEffect, useState } from 'react';
import { fetchLeasePage, LeasePageError } from '../../lib/lease-page.ts';
import type { LeaseCache } from '../../lib/live/lease-cache.ts';

/** Wait before asking again after a failed page. */
const RETRY_MS = 3_000;

export type LoadState = { loading: true; error: string | null } | { loading: false };

export function useLeasePages(cache: LeaseCache, firstToken: string, onPage: () => void): LoadState {
  const [state, setState] = useState<LoadState>(() =>
    firstToken === '' ? { loading: false } : { loading: true, error: null },
  );
  useEffect(() => {
    if (firstToken === '') {
      cache.complete = true;
      return;
    }
    const abort = new AbortController();
    void (async () => {
      let token = firstToken;
      while (!cache.complete && !abort.signal.aborted) {
        try {
          const page = await fetchLeasePage(token, abort.signal);
          if (cache.addPage(page.leases, page.revision)) onPage();
          if (page.nextPageToken === '') break;
          token = page.nextPageToken;
          setState({ loading: true, error: null });
        } catch (err) {
          if (abort.signal.aborted) return;
          setState({ loading: true, error: (err as Error).message });
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
          // A token from before a daemon restart is refused (400): start over from the first
          // page, which is always right since an older row never replaces a newer one.
          if (err instanceof LeasePageError && err.status === 400) token = '';
        }
      }
      if (abort.signal.aborted) return;
      cache.complete = true;
      setState({ loading: false });
      onPage();
    })();
    return () => abort.abort();
  }, [cache, firstToken, onPage]);
  return state;
}
