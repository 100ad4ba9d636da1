'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/** How often the page asks the daemon again while it is unreachable. */
const RETRY_MS = 3_000;

/** Shown instead of a page's data while the daemon cannot be reached; retries by itself. */
export function DaemonUnavailable({ reason }: { reason: string }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), RETRY_MS);
    return () => clearInterval(timer);
  }, [router]);
  return (
    <div
      role="alert"
      data-testid="daemon-unavailable"
      className="rounded-lg border border-amber-200 bg-amber-50 p-5 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p className="font-medium">The Homeplane daemon is not reachable.</p>
      <p className="mt-1 font-mono text-xs break-all text-amber-800 dark:text-amber-200/90">{reason}</p>
      <p className="mt-3 text-amber-800 dark:text-amber-200/80">
        Start it with <code className="font-mono">npm start</code> (or{' '}
        <code className="font-mono">homeplane serve</code>); this page retries every few seconds.
      </p>
    </div>
  );
}
