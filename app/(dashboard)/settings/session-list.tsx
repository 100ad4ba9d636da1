// The sessions as a list: a table's columns from the sm breakpoint, stacked label/value cards on a
// phone, so nothing scrolls sideways.
import { formatRelative, formatTimestamp } from '../../lib/relative-time.ts';
import { RevokeButton } from './revoke-button.tsx';

/** A session as the page shows it (plain data, from AuthService.ListSessions). */
export interface SessionView {
  id: string;
  username: string;
  clientAddress: string;
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
  /** The session of the browser looking at the page. */
  current: boolean;
}

const COLUMNS = 'sm:grid sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_7rem] sm:gap-4';

function Time({ at, now }: { at: number; now: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatTimestamp(at)}>
      {formatRelative(at, now)}
    </time>
  );
}

export function SessionList({ sessions, now }: { sessions: SessionView[]; now: number }) {
  if (sessions.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
        No open sessions. Signing in opens one.
      </p>
    );
  }
  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <p className="border-b border-zinc-200 px-4 py-2 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        {sessions.length === 1 ? '1 session' : `${sessions.length} sessions`}
      </p>
      <div
        aria-hidden
        className={`hidden border-b border-zinc-200 px-4 py-2 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400 ${COLUMNS}`}
      >
        <span>User</span>
        <span>Client address</span>
        <span>Signed in</span>
        <span>Expires</span>
        <span className="sr-only">Actions</span>
      </div>
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {sessions.map((s) => (
          <li
            key={s.id}
            data-testid="session"
            data-session-id={s.id}
            data-current={s.current || undefined}
            className={`px-4 py-3 text-sm text-zinc-800 dark:text-zinc-200 ${COLUMNS} sm:items-center ${
              s.current ? 'bg-sky-50/60 dark:bg-sky-950/30' : ''
            }`}
          >
            <dl className="contents">
              <div className="flex min-w-0 items-center gap-2 max-sm:mb-1">
                <dt className="sr-only">User</dt>
                <dd className="truncate font-medium">{s.username}</dd>
                {s.current ? (
                  <span className="shrink-0 rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-800 dark:bg-sky-900/60 dark:text-sky-200">
                    This session
                  </span>
                ) : null}
              </div>
              <div className="flex min-w-0 gap-2 max-sm:text-xs">
                <dt className="text-zinc-500 sm:sr-only dark:text-zinc-400">Client address</dt>
                <dd className="truncate font-mono">{s.clientAddress || 'not recorded'}</dd>
              </div>
              <div className="flex gap-2 max-sm:text-xs">
                <dt className="text-zinc-500 sm:sr-only dark:text-zinc-400">Signed in</dt>
                <dd>
                  <Time at={s.createdAt} now={now} />
                </dd>
              </div>
              <div className="flex gap-2 max-sm:text-xs">
                <dt className="text-zinc-500 sm:sr-only dark:text-zinc-400">Expires</dt>
                <dd>
                  <Time at={s.expiresAt} now={now} />
                </dd>
              </div>
            </dl>
            <div className="max-sm:mt-2 sm:text-right">
              <RevokeButton id={s.id} current={s.current} username={s.username} />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
