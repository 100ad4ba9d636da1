'use client';
// Whether this browser follows the daemon's event stream right now (the one shared stream,
// app/lib/live/use-watch-stream.ts): a small pill in the header while all is well, and a banner
// that cannot be missed while the stream is down, saying how old the page's data is.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWatchStream, type StreamStatus } from '../lib/live/use-watch-stream.ts';

/** Every message counts as "an update": events, and the bookmarks an idle stream gets every ~15 s. */
const ALL_KINDS: readonly string[] = [];

const PILL: Record<StreamStatus, { text: string; dot: string; pulse: boolean }> = {
  connecting: { text: 'Connecting…', dot: 'bg-zinc-400', pulse: false },
  live: { text: 'Live', dot: 'bg-emerald-500', pulse: true },
  resyncing: { text: 'Resyncing…', dot: 'bg-sky-500', pulse: false },
  reconnecting: { text: 'Reconnecting…', dot: 'bg-amber-500', pulse: false },
};

/** The stream's state and when the last message arrived (epoch ms; the page's load time before any). */
function useConnection(since: number): { status: StreamStatus; lastUpdate: number } {
  // Followed from the first render's revision: a router refresh brings a newer `since` but must
  // not restart the subscription.
  const [from] = useState(since);
  const last = useRef(0);
  const [lastUpdate, setLastUpdate] = useState(0);
  // A ref, not state, per message: at hundreds of events a second the banner must not re-render.
  const onMessage = useCallback(() => void (last.current = Date.now()), []);
  const status = useWatchStream({ since: from, kinds: ALL_KINDS, onMessage });
  useEffect(() => {
    if (last.current === 0) last.current = Date.now();
    setLastUpdate(last.current);
  }, [status]);
  return { status, lastUpdate };
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function ago(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

/** The header's pill: the state in one word, the last update in its tooltip. */
export function ConnectionPill({ since, testId = 'connection-status' }: { since: number; testId?: string }) {
  const { status, lastUpdate } = useConnection(since);
  const pill = PILL[status];
  return (
    <span
      data-testid={testId}
      data-status={status}
      title={lastUpdate === 0 ? 'Event stream' : `Event stream · last update ${clockTime(lastUpdate)}`}
      className="inline-flex shrink-0 items-center gap-1.5 rounded-full border border-zinc-200 px-2.5 py-1 text-xs font-medium text-zinc-600 dark:border-zinc-700 dark:text-zinc-300"
    >
      <span aria-hidden className="relative flex size-2">
        {pill.pulse ? (
          <span className={`absolute inline-flex size-full animate-ping rounded-full opacity-60 ${pill.dot}`} />
        ) : null}
        <span className={`relative inline-flex size-2 rounded-full ${pill.dot}`} />
      </span>
      {pill.text}
    </span>
  );
}

/** Under the header while the stream is down: what the page shows is as of the last update. */
export function ConnectionBanner({ since }: { since: number }) {
  const { status, lastUpdate } = useConnection(since);
  const down = status === 'reconnecting';
  return (
    <div role="status" aria-live="polite" data-testid="connection-banner" data-status={status}>
      {down ? <ReconnectingNotice lastUpdate={lastUpdate} /> : null}
    </div>
  );
}

function ReconnectingNotice({ lastUpdate }: { lastUpdate: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="border-b border-amber-300 bg-amber-100 text-amber-950 dark:border-amber-500/40 dark:bg-amber-900/50 dark:text-amber-50">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm sm:px-6 lg:px-8">
        <span aria-hidden className="size-2 shrink-0 animate-pulse rounded-full bg-amber-500" />
        <span className="font-medium">Lost the connection to the daemon; reconnecting…</span>
        <span className="text-amber-800 dark:text-amber-200">
          Last update <time dateTime={new Date(lastUpdate).toISOString()}>{clockTime(lastUpdate)}</time> (
          {ago(lastUpdate, now)}). What you see may be out of date; it catches up by itself.
        </span>
      </div>
    </div>
  );
}
