// Types of scripts/dashboard-build.mjs, for TypeScript callers (the e2e global setup).
/** Why the dashboard needs building, or null when its production build is current. */
export function staleReason(): string | null;
/** Runs `next build` if the build is missing or stale; rejects if the build fails. */
export function ensureDashboardBuild(options?: {
  force?: boolean;
  log?: (message: string) => void;
  signal?: AbortSignal;
}): Promise<void>;
