// Next.js calls register() once when a server starts. The dashboard validates its environment
// there (not while `next build` prerenders, which runs without it).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { checkServerEnvOrExit } = await import('./app/lib/startup-check.ts');
  checkServerEnvOrExit();
}
