// /settings: the account's sessions, each revocable. A revoked session is refused by the daemon
// on its next request, in whatever browser holds it.
import type { Metadata } from 'next';
import { ListSessionsRequest } from '../../../proto/gen/homeplane/v1/auth.ts';
import { DaemonUnavailable } from '../../components/daemon-unavailable.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { signOut } from '../../lib/auth-sessions.ts';
import { BackendError, call } from '../../lib/backend.ts';
import { requireSession, type DashboardSession } from '../../lib/session.ts';
import { SessionList, type SessionView } from './session-list.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Settings' };

type Listing = { ok: true; session: DashboardSession; sessions: SessionView[] } | { ok: false; reason: string };

async function loadSessions(): Promise<Listing> {
  try {
    const session = await requireSession();
    const { sessions } = await call((c) => c.auth.listSessions.bind(c.auth), ListSessionsRequest.fromPartial({}));
    return {
      ok: true,
      session,
      sessions: sessions.map((s) => ({
        id: s.id,
        username: s.username,
        clientAddress: s.clientAddress,
        createdAt: s.createdTime?.getTime() ?? 0,
        expiresAt: s.expireTime?.getTime() ?? 0,
        current: s.id === session.id,
      })),
    };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}

export default async function SettingsPage() {
  const listing = await loadSessions();
  return (
    <>
      <PageHeader
        title="Settings"
        description={
          listing.ok ? `Signed in as ${listing.session.username}.` : 'Your account and where it is signed in.'
        }
      />
      {listing.ok ? (
        <section aria-labelledby="sessions-heading">
          <h2 id="sessions-heading" className="text-base font-semibold text-zinc-900 dark:text-zinc-50">
            Sessions
          </h2>
          <p className="mt-1 mb-4 text-sm text-zinc-500 dark:text-zinc-400">
            Every browser signed in to this daemon. A session ends 7 days after its last use; revoke one you do not
            recognise and it is refused at its next request.
          </p>
          <SessionList sessions={listing.sessions} now={Date.now()} />
          <form action={signOut} className="mt-6">
            <button
              type="submit"
              className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800 dark:focus-visible:outline-zinc-100"
            >
              Sign out
            </button>
            <span className="ml-3 text-sm text-zinc-500 dark:text-zinc-400">Ends this browser&apos;s session.</span>
          </form>
        </section>
      ) : (
        <DaemonUnavailable reason={listing.reason} />
      )}
    </>
  );
}
