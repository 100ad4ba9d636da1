// The rows of the event log: time, kind, summary, and a link to the object. One list that reads
// as a table on a wide screen and as stacked lines on a phone.
import Link from 'next/link';
import { memo } from 'react';
import type { EventEntry, EventObject } from '../../lib/event-view.ts';
import { kindLabel } from '../../lib/event-view.ts';
import { formatRelative, formatTimestamp } from '../../lib/relative-time.ts';

const KIND_STYLES: Record<EventObject | 'other', string> = {
  lease:
    'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-400/30',
  reservation: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-950/50 dark:text-sky-300 dark:ring-sky-400/30',
  vm: 'bg-violet-50 text-violet-700 ring-violet-600/20 dark:bg-violet-950/50 dark:text-violet-300 dark:ring-violet-400/30',
  host: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950/50 dark:text-amber-200 dark:ring-amber-400/30',
  other: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-500/30',
};

export function EventList({ rows, now, filtered }: { rows: readonly EventEntry[]; now: number; filtered: boolean }) {
  if (rows.length === 0)
    return (
      <div
        data-testid="events-empty"
        className="rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-400"
      >
        {filtered
          ? 'No event of this kind yet. New ones appear here as they happen; choose “Every event” to see the rest.'
          : 'No events yet. They appear here as clients get leases and reservations change.'}
      </div>
    );
  return (
    <ol
      aria-label="Events, newest first"
      data-testid="event-list"
      className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white shadow-xs dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900"
    >
      {rows.map((event) => (
        <EventRow key={event.revision} event={event} now={now} />
      ))}
    </ol>
  );
}

const LINK = 'text-sm font-medium text-sky-700 hover:underline dark:text-sky-400';

/**
 * A link to the object's page. One with a fragment (/reservations#<id>) is a plain document
 * load: the client router changes the URL with pushState, which never updates :target, so the
 * row would be neither scrolled to nor highlighted.
 */
function ObjectLink({ href, label }: { href: string; label: string }) {
  if (href.includes('#'))
    return (
      <a href={href} className={LINK}>
        {label}
      </a>
    );
  return (
    <Link href={href} className={LINK}>
      {label}
    </Link>
  );
}

/**
 * One row; memoised, so a new event on top draws one row, not a thousand. Its time is read
 * against the clock but never before the event itself (a clock tick older than a new event would
 * say "in a few seconds").
 */
const EventRow = memo(function EventRow({ event, now }: { event: EventEntry; now: number }) {
  return (
    <li
      data-revision={event.revision}
      data-kind={event.kind}
      className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 px-4 py-2.5 text-sm md:grid-cols-[7rem_11rem_1fr_auto] md:items-center"
    >
      <span className="text-xs text-zinc-500 md:text-sm dark:text-zinc-400">
        {event.time === null ? (
          '—'
        ) : (
          <time dateTime={new Date(event.time).toISOString()} title={formatTimestamp(event.time)}>
            {formatRelative(event.time, Math.max(now, event.time))}
          </time>
        )}
      </span>
      <span className="justify-self-end md:justify-self-start">
        <span
          className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${KIND_STYLES[event.object]}`}
        >
          {kindLabel(event.kind)}
        </span>
      </span>
      <span className="col-span-2 min-w-0 break-words text-zinc-800 md:col-span-1 dark:text-zinc-200">
        {event.summary}
      </span>
      <span className="col-span-2 md:col-span-1 md:text-right">
        {event.link === null ? null : <ObjectLink href={event.link.href} label={event.link.label} />}
      </span>
    </li>
  );
});
