// /setup: first run, while the daemon has no user yet. Creates the admin, then signs them in.
// Once an admin exists (made here, or from HOMEPLANE_ADMIN_USER at the daemon's start) the page
// is closed and sends the visitor to the sign-in page.
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { safeNextPath, signInPath } from '../../lib/auth-next.ts';
import { setupOpen } from '../../lib/auth-setup.ts';
import { BackendError } from '../../lib/backend.ts';
import { SetupForm } from './setup-form.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Set up' };

export default async function SetupPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next: raw } = await searchParams;
  const next = safeNextPath(typeof raw === 'string' ? raw : '');
  let open: boolean | { reason: string };
  try {
    open = await setupOpen();
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    open = { reason: err.message };
  }
  if (open === false) redirect(signInPath(next));
  return (
    <>
      <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Welcome to Homeplane</h1>
      <p className="mt-1 mb-5 text-sm text-zinc-500 dark:text-zinc-400">
        Create the admin account. You will sign in with it from now on.
      </p>
      {open === true ? <SetupForm next={next} /> : <DaemonUnavailable reason={open.reason} />}
    </>
  );
}
