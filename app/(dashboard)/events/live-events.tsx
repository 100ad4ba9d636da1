'use client';
// The event log, live: the first page of history from the server, new events on top from the
// stream (from the revision the history reflects, so none is missed or doubled), older pages
// below on demand (a button, or scrolling to the end).
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, useTransition } from 'react';
import { LiveIndicator } from '../../components/live-indicator.tsx';
import { loadOlderEvents } from '../../lib/event-actions.ts';
import { EventLog } from '../../lib/event-log.ts';
import { matchesKind, toEventEntry, type EventEntry } from '../../lib/event-view.ts';
import type { StreamMessage } from '../../lib/live/types.ts';
import { useNow } from '../../lib/live/use-now.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { EventList } from './event-list.tsx';
import { KindFilter } from './kind-filter.tsx';

const CLOCK_MS = 15_000;

export interface LiveEventsProps {
  /** The filter ('' for every event, else an object type or a kind). */
  kind: string;
  initial: EventEntry[];
  olderBefore: number;
  revision: number;
  renderedAt: number;
}

export function LiveEvents({ kind, initial, olderBefore, revision, renderedAt }: LiveEventsProps) {
  const router = useRouter();
  const [log] = useState(() => new EventLog(initial, olderBefore));
  const [rows, setRows] = useState(() => log.entries());
  const [canLoadOlder, setCanLoadOlder] = useState(() => log.canLoadOlder);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, startLoading] = useTransition();
  const sentinel = useRef<HTMLDivElement>(null);

  const show = useCallback(() => {
    setRows(log.entries());
    setCanLoadOlder(log.canLoadOlder);
  }, [log]);

  // A burst of events (hundreds a second on a busy network) is folded in at once, drawn once a frame.
  const frame = useRef<number | null>(null);
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (message.type !== 'event' || !matchesKind(message.event.kind, kind)) return;
      if (!log.addLive(toEventEntry(message.event)) || frame.current !== null) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        show();
      });
    },
    [log, kind, show],
  );
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );
  const status = useWatchStream({ since: revision, kinds: kind === '' ? [] : [kind], onMessage });
  // Rows read their time against the clock, never earlier than their own time (event-list.tsx),
  // so a new event needs no new clock, and the rows already drawn stay as they are.
  const now = useNow(renderedAt, CLOCK_MS);

  // One page at a time: the button and the scroll observer may both ask in the same moment.
  const inFlight = useRef(false);
  const loadOlder = useCallback(() => {
    if (inFlight.current || !log.canLoadOlder) return;
    inFlight.current = true;
    startLoading(async () => {
      let page;
      try {
        page = await loadOlderEvents(log.olderBefore, kind);
      } catch {
        page = { ok: false as const, reason: 'the dashboard did not answer; try again' };
      } finally {
        inFlight.current = false;
      }
      if (!page.ok) {
        setLoadError(page.reason);
        return;
      }
      setLoadError(null);
      log.addOlder(page.entries, page.nextBefore);
      show();
    });
  }, [log, kind, show]);

  // Scrolling to the end of the list loads the next page, as the button does.
  useEffect(() => {
    const target = sentinel.current;
    if (target === null || !canLoadOlder) return;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((s) => s.isIntersecting)) loadOlder();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [canLoadOlder, loadOlder]);

  return (
    <section aria-label="Event log" className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <KindFilter
          value={kind}
          onChange={(next) => router.replace(next === '' ? '/events' : `/events?kind=${next}`)}
        />
        <div className="ml-auto">
          <LiveIndicator status={status} revision={revision} />
        </div>
      </div>

      <EventList rows={rows} now={now} filtered={kind !== ''} />

      <div ref={sentinel} className="flex flex-col items-center gap-2 py-2 text-sm">
        {loadError !== null ? (
          <p role="alert" className="text-rose-700 dark:text-rose-400">
            Older events could not be loaded: {loadError}
          </p>
        ) : null}
        {canLoadOlder ? (
          <button
            type="button"
            onClick={loadOlder}
            disabled={loading}
            className="inline-flex h-9 items-center rounded-md border border-zinc-300 bg-white px-3.5 text-sm font-medium text-zinc-700 hover:bg-zinc-50 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
          >
            {loading ? 'Loading older events…' : 'Load older events'}
          </button>
        ) : rows.length > 0 ? (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            {log.olderBefore > 0
              ? `Showing the newest ${rows.length.toLocaleString('en-US')} events; narrow the filter to look further back.`
              : 'The start of the retained log.'}
          </p>
        ) : null}
      </div>
    </section>
  );
}
