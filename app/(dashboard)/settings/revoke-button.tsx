'use client';
// "Revoke" for one session. Revoking the session this browser uses signs it out, so that one asks
// first; the others go at once (they are someone's other browser, and can simply sign in again).
import { useActionState } from 'react';
import { revokeSession, type RevokeState } from '../../lib/auth-sessions.ts';

export function RevokeButton({ id, current, username }: { id: string; current: boolean; username: string }) {
  const [state, action, pending] = useActionState(revokeSession, { error: null } satisfies RevokeState);
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (current && !window.confirm('Revoke this session? You will be signed out of this browser.')) {
          event.preventDefault();
        }
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        aria-label={current ? 'Revoke this session (signs you out)' : `Revoke session of ${username}`}
        className="rounded-md border border-zinc-300 px-2.5 py-1 text-xs font-medium text-zinc-700 hover:border-rose-300 hover:bg-rose-50 hover:text-rose-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:opacity-60 dark:border-zinc-700 dark:text-zinc-300 dark:hover:border-rose-800 dark:hover:bg-rose-950/40 dark:hover:text-rose-300 dark:focus-visible:outline-zinc-100"
      >
        Revoke
      </button>
      {state.error !== null ? (
        <p role="alert" className="mt-1 text-xs text-rose-700 dark:text-rose-400">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
