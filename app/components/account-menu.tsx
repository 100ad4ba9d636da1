// The signed-in user in the header: their name, a link to the settings page (sessions) and
// "Sign out". A server component: the name comes from the session check the page already made
// (React cache, app/lib/session.ts), and signing out is a plain form posting a server action, so
// it works before any JavaScript has loaded.
import Link from 'next/link';
import { signOut } from '../lib/auth-sessions.ts';
import { BackendError } from '../lib/backend.ts';
import { currentSession } from '../lib/session.ts';

export async function AccountMenu() {
  let username: string | null;
  try {
    username = (await currentSession())?.username ?? null;
  } catch (err) {
    // The page itself says the daemon is unreachable; the header just leaves the name out.
    if (!(err instanceof BackendError)) throw err;
    username = null;
  }
  return (
    <div className="flex min-w-0 items-center gap-1 text-sm sm:gap-2">
      {username !== null ? (
        <Link
          href="/settings"
          title={`Signed in as ${username}: settings and sessions`}
          data-testid="account-name"
          className="flex min-w-0 items-center gap-1.5 rounded-md px-2 py-1.5 font-medium text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-zinc-50 dark:focus-visible:outline-zinc-100"
        >
          <span
            aria-hidden
            className="grid size-6 shrink-0 place-items-center rounded-full bg-zinc-200 text-xs font-semibold text-zinc-700 uppercase dark:bg-zinc-700 dark:text-zinc-200"
          >
            {username.slice(0, 1)}
          </span>
          <span className="max-w-[8rem] truncate max-sm:sr-only">{username}</span>
          <span className="sr-only"> (settings)</span>
        </Link>
      ) : null}
      <form action={signOut}>
        <button
          type="submit"
          className="rounded-md px-2 py-1.5 font-medium whitespace-nowrap text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-50 dark:focus-visible:outline-zinc-100"
        >
          Sign out
        </button>
      </form>
    </div>
  );
}
