// Next.js calls register() once when a server starts. The dashboard validates its environment
// there (not while `next build` prerenders, which runs without it), and starts reading the MAC
// vendor registry in the background, so the first Leases page and early lease events need not wait
// for it (app/lib/oui.ts).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { checkServerEnvOrExit } = await import('./app/lib/startup-check.ts');
  checkServerEnvOrExit();
  const { loadVendors } = await import('./app/lib/oui.ts');
  void loadVendors().catch((err: unknown) => console.error(`homeplane: MAC vendor names unavailable: ${String(err)}`));
}
