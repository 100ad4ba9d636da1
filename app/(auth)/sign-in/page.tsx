// /sign-in. Before the first admin exists it sends the visitor to first-run setup; a visitor who
// is already signed in goes straight on to the page they wanted.
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { safeNextPath, signInPath } from '../../lib/auth-next.ts';
import { setupOpen } from '../../lib/auth-setup.ts';
import { BackendError } from '../../lib/backend.ts';
import { currentSession } from '../../lib/session.ts';
import { SignInForm } from './sign-in-form.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

type Reachability = { reachable: true; setup: boolean; signedIn: boolean } | { reachable: false; reason: string };

async function reach(): Promise<Reachability> {
  try {
    const setup = await setupOpen();
    return { reachable: true, setup, signedIn: !setup && (await currentSession()) !== null };
  } catch (err) {
    if (err instanceof BackendError) return { reachable: false, reason: err.message };
    throw err;
  }
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next: raw } = await searchParams;
  const next = safeNextPath(typeof raw === 'string' ? raw : '');
  const state = await reach();
  if (state.reachable && state.setup) redirect(signInPath(next, '/setup'));
  if (state.reachable && state.signedIn) redirect(next);
  return (
    <>
      <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Sign in</h1>
      <p className="mt-1 mb-5 text-sm text-zinc-500 dark:text-zinc-400">to manage this Homeplane daemon.</p>
      {state.reachable ? null : (
        <div className="mb-4">
          <DaemonUnavailable reason={state.reason} />
        </div>
      )}
      <SignInForm next={next} />
    </>
  );
}
