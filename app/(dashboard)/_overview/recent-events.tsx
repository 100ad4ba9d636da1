'use client';
// The last things that happened, live from the shared event stream; and the Overview's other
// cards kept current: a lease or reservation event asks the server for fresh counts (a router
// refresh), at most once per REFRESH_MS however busy the network is.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { useNow } from '../../lib/live/use-now.ts';
import { kindLabel, toEventEntry, type EventEntry } from '../../lib/event-view.ts';
import type { LiveEvent, StreamMessage } from '../../lib/live/types.ts';
import { formatRelative, formatTimestamp } from '../../lib/relative-time.ts';

/** The counts, pools and chart are re-read at most this often while events arrive. */
const REFRESH_MS = 1_500;
/** Arriving events are drawn in batches this far apart, so a busy stream costs few renders. */
const FLUSH_MS = 250;
const ALL_KINDS: readonly string[] = [];

/** A dot per kind of change, as the lease states and the chart colour them. */
const KIND_DOTS: Record<string, string> = {
  'lease.granted': 'bg-emerald-500',
  'lease.renewed': 'bg-sky-500',
  'lease.expired': 'bg-amber-500',
  'lease.declined': 'bg-rose-500',
};

function kindDot(kind: string): string {
  return KIND_DOTS[kind] ?? (kind.startsWith('reservation.') ? 'bg-violet-500' : 'bg-zinc-400');
}

export function RecentEvents({
  since,
  initialEvents,
  shown,
  renderedAt,
}: {
  since: number;
  /** The newest events up to `since`, newest first (empty when the daemon cannot list them). */
  initialEvents: LiveEvent[];
  /** How many events the card lists. */
  shown: number;
  renderedAt: number;
}) {
  const router = useRouter();
  // The stream is followed from the first render's revision; later refreshes bring new props
  // but must not restart it.
  const [from] = useState(since);
  const [events, setEvents] = useState<EventEntry[]>(() => initialEvents.slice(0, shown).map(toEventEntry));
  const pending = useRef<EventEntry[]>([]);
  const flush = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  const now = useNow(renderedAt, 5_000);

  const scheduleRefresh = useCallback(() => {
    if (refresh.current !== null) return;
    refresh.current = setTimeout(() => {
      refresh.current = null;
      startTransition(() => router.refresh());
    }, REFRESH_MS);
  }, [router]);

  const onMessage = useCallback(
    (message: StreamMessage) => {
      switch (message.type) {
        case 'event': {
          const { event } = message;
          if (event.kind.startsWith('lease.') || event.kind.startsWith('reservation.')) scheduleRefresh();
          if (event.revision === 0) return; // a snapshot after Reset: the current state, not a happening
          pending.current.unshift(toEventEntry(event));
          if (flush.current === null)
            flush.current = setTimeout(() => {
              flush.current = null;
              const fresh = pending.current;
              pending.current = [];
              setEvents((listed) => [...fresh, ...listed].slice(0, shown));
            }, FLUSH_MS);
          return;
        }
        case 'synced':
          scheduleRefresh();
          return;
        case 'reset':
        case 'bookmark':
          return;
      }
    },
    [scheduleRefresh, shown],
  );
  useWatchStream({ since: from, kinds: ALL_KINDS, onMessage });

  useEffect(
    () => () => {
      if (flush.current !== null) clearTimeout(flush.current);
      if (refresh.current !== null) clearTimeout(refresh.current);
    },
    [],
  );

  if (events.length === 0)
    return (
      <p data-testid="recent-events-empty" className="text-sm text-zinc-500 dark:text-zinc-400">
        Nothing has happened yet. Events show up here the moment a client gets, renews or releases a lease, or a
        reservation changes.
      </p>
    );
  return (
    <ol data-testid="recent-events" className="-my-2 divide-y divide-zinc-100 dark:divide-zinc-800">
      {events.map((event) => (
        <li key={event.revision} data-kind={event.kind} className="flex items-center gap-3 py-2 text-sm">
          <span aria-hidden className={`size-2 shrink-0 rounded-full ${kindDot(event.kind)}`} />
          <span className="min-w-0 flex-1">
            <span className="font-medium text-zinc-900 dark:text-zinc-100">{kindLabel(event.kind)}</span>
            {event.link === null ? (
              <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">{event.summary}</span>
            ) : (
              <Link
                href={event.link.href}
                title={event.link.label}
                className="block truncate text-xs text-zinc-500 hover:text-zinc-900 hover:underline dark:text-zinc-400 dark:hover:text-zinc-100"
              >
                {event.summary}
              </Link>
            )}
          </span>
          {event.time === null ? null : (
            <time
              dateTime={new Date(event.time).toISOString()}
              title={formatTimestamp(event.time)}
              className="shrink-0 text-xs whitespace-nowrap text-zinc-500 dark:text-zinc-400"
            >
              {formatRelative(event.time, now)}
            </time>
          )}
        </li>
      ))}
    </ol>
  );
}
