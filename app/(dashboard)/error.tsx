'use client';
// What a signed-in page shows when rendering it failed for a reason the page itself did not
// expect (a daemon that is away has its own notice: daemon-unavailable.tsx). The shell stays, so
// the other sections are a click away; "Try again" renders the page anew. The message is
// Next's: in production builds it is generic and the digest names the server log entry.
import { useEffect } from 'react';

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div
      role="alert"
      className="rounded-lg border border-rose-200 bg-rose-50 p-5 text-sm text-rose-900 dark:border-rose-500/30 dark:bg-rose-950/40 dark:text-rose-100"
    >
      <p className="font-medium">This page could not be shown.</p>
      <p className="mt-1 text-rose-800 dark:text-rose-200/90">
        {error.message || 'The dashboard failed while rendering it.'}
        {error.digest ? (
          <>
            {' '}
            The dashboard&apos;s log has the details under <code className="font-mono">{error.digest}</code>.
          </>
        ) : null}
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-800 hover:bg-rose-100 focus-visible:ring-2 focus-visible:ring-rose-500 focus-visible:outline-none dark:border-rose-500/40 dark:bg-rose-950 dark:text-rose-100 dark:hover:bg-rose-900"
      >
        Try again
      </button>
    </div>
  );
}
