'use client';
// One lease: a table row from md (768 px) up, a card below it (the same cells, re-ordered by CSS,
// so the server's HTML is right at either width). It changes colour briefly when it changed live
// (--animate-row-changed) and fades out when the daemon deleted it.
import { memo } from 'react';
import { StateBadge } from '../../components/state-badge.tsx';
import { FADE_MS, type LeaseEntry } from '../../lib/live/lease-cache.ts';
import { formatRelative, formatTimestamp } from '../../lib/relative-time.ts';
import Link from 'next/link';
import type { VmLink } from './use-vm-links.ts';
import { countdown } from './wording.ts';

/** How long the highlight of a changed row lasts (app/globals.css, --animate-row-changed). */
const HIGHLIGHT_MS = 2_500;

/** The table's columns from md up; the header (lease-table.tsx) uses the same template. */
export const GRID =
  'md:grid md:grid-cols-[112px_128px_minmax(180px,1.3fr)_minmax(100px,1fr)_128px_124px_96px_88px_80px_144px] md:content-center md:items-center';

export interface RowActions {
  reserve(entry: LeaseEntry): void;
  release(entry: LeaseEntry): void;
}

const MUTED = 'text-zinc-500 dark:text-zinc-400';
const NONE = <span className="text-zinc-400 dark:text-zinc-600">—</span>;
/** Each cell: a line of the card below md, a grid cell from md. */
const CELL = 'min-w-0 truncate md:px-3';

/** Memoised: a redraw re-renders only the rows whose entry (or the clock, or the position) changed. */
export const LeaseRowView = memo(function LeaseRowView({
  entry,
  index,
  top,
  height,
  now,
  actions,
  vm,
}: {
  entry: LeaseEntry;
  index: number;
  top: number;
  height: number;
  now: number;
  actions: RowActions;
  /** The VM whose MAC this lease has (use-vm-links.ts keeps each one's identity while it is unchanged). */
  vm: VmLink | undefined;
}) {
  const { row, reserved } = entry;
  const highlighted = entry.changedAt !== null && now - entry.changedAt < HIGHLIGHT_MS;
  const removed = entry.removedAt !== null;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-address={row.address}
      data-state={row.state}
      data-reserved={reserved}
      data-removed={removed || undefined}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        height,
        transform: `translateY(${top}px)`,
        transition: removed ? `opacity ${FADE_MS}ms ease-in` : undefined,
        opacity: removed ? 0 : 1,
      }}
      className={`flex flex-wrap content-start items-center gap-x-2.5 overflow-hidden gap-y-1 border-b border-zinc-100 px-4 py-3 text-sm hover:bg-zinc-50 md:gap-0 md:px-0 md:py-0 dark:border-zinc-800 dark:hover:bg-zinc-800/50 ${GRID} ${
        highlighted ? 'animate-row-changed' : ''
      }`}
    >
      <div role="cell" className={`order-1 md:order-none ${CELL}`}>
        <StateBadge state={row.state} />
      </div>
      <div
        role="cell"
        className={`order-first font-mono font-semibold text-zinc-900 md:order-none md:font-normal dark:text-zinc-100 ${CELL}`}
      >
        {row.address}
      </div>
      <div role="cell" className={`order-3 basis-full md:order-none md:basis-auto ${CELL}`}>
        <span className="font-mono text-zinc-700 dark:text-zinc-300">{row.hwAddress}</span>
        <span className="ml-2 text-xs md:ml-0 md:block md:truncate" title={row.vendor || undefined}>
          <Vendor mac={row.hwAddress} vendor={row.vendor} />
        </span>
      </div>
      <div
        role="cell"
        className={`order-5 max-w-[50%] text-zinc-800 md:order-none md:max-w-none dark:text-zinc-200 ${CELL}`}
        title={row.fqdn || row.hostname || undefined}
      >
        {vm ? (
          <span className="inline-flex max-w-full items-center gap-1.5" data-testid="lease-vm">
            <span className="rounded bg-sky-50 px-1 text-[10px] font-semibold text-sky-700 ring-1 ring-sky-600/20 ring-inset dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/30">
              VM
            </span>
            <Link
              href={`/vms/${vm.id}`}
              className="truncate text-sky-700 hover:underline focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:text-sky-400"
            >
              {vm.name}
            </Link>
            {row.hostname && row.hostname !== vm.name ? <span className="truncate">({row.hostname})</span> : null}
          </span>
        ) : (
          row.hostname || NONE
        )}
      </div>
      <div
        role="cell"
        className={`order-11 flex-1 font-mono text-xs md:order-none ${MUTED} ${CELL}`}
        title={row.clientId || undefined}
      >
        <span className="md:hidden">client id </span>
        {row.clientId || NONE}
      </div>
      <div role="cell" className={`order-6 font-mono text-xs md:order-none ${MUTED} ${CELL}`}>
        {row.subnet}
      </div>
      <div role="cell" className={`order-10 text-xs md:order-none md:text-sm ${MUTED} ${CELL}`}>
        <span className="md:hidden">granted </span>
        <Moment at={row.startsAt} now={now} />
      </div>
      {/* The card's line break before its last line. */}
      <div aria-hidden className="order-8 h-0 basis-full md:hidden" />
      <div role="cell" className={`order-9 text-xs tabular-nums md:order-none md:text-sm ${CELL}`}>
        <span className={`md:hidden ${MUTED}`}>expires in </span>
        <Expiry entry={entry} now={now} />
      </div>
      <div role="cell" className={`order-7 md:order-none ${CELL}`}>
        {reserved ? (
          <span className="rounded bg-violet-50 px-1.5 py-0.5 text-xs font-medium text-violet-700 ring-1 ring-violet-600/20 ring-inset dark:bg-violet-500/10 dark:text-violet-300 dark:ring-violet-400/30">
            Reserved
          </span>
        ) : (
          <span className={`text-xs ${MUTED}`}>Dynamic</span>
        )}
      </div>
      <div role="cell" className="order-2 ml-auto flex gap-1.5 md:order-none md:ml-0 md:justify-end md:px-3">
        {!reserved && row.state !== 'declined' && !removed ? (
          <button
            type="button"
            onClick={() => actions.reserve(entry)}
            aria-label={`Reserve ${row.address}`}
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs font-medium text-zinc-700 hover:bg-zinc-50 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
          >
            Reserve
          </button>
        ) : null}
        {row.state === 'active' && !removed ? (
          <button
            type="button"
            onClick={() => actions.release(entry)}
            aria-label={`Release ${row.address}`}
            className="rounded-md border border-rose-200 bg-white px-2 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50 focus-visible:ring-2 focus-visible:ring-rose-500 focus-visible:outline-none dark:border-rose-500/30 dark:bg-zinc-900 dark:text-rose-300 dark:hover:bg-rose-500/10"
          >
            Release
          </button>
        ) : null}
      </div>
    </div>
  );
});

function Vendor({ mac, vendor }: { mac: string; vendor: string }) {
  if (vendor !== '') return <span className="text-zinc-500 dark:text-zinc-400">{vendor}</span>;
  // Bit 1 of the first octet: a locally administered address belongs to no vendor's block.
  const local = (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
  return (
    <span className="text-zinc-400 italic dark:text-zinc-500">{local ? 'locally administered' : 'unknown vendor'}</span>
  );
}

function Expiry({ entry, now }: { entry: LeaseEntry; now: number }) {
  const { state, expiresAt } = entry.row;
  if (expiresAt === null) return NONE;
  const left = countdown(expiresAt, now);
  const live = state === 'active' || state === 'declined';
  return (
    <time
      dateTime={new Date(expiresAt).toISOString()}
      title={`${state === 'declined' ? 'Probation ends' : 'Expires'} ${formatTimestamp(expiresAt)}`}
      className={live && left !== null ? 'text-zinc-800 dark:text-zinc-200' : MUTED}
    >
      {live && left !== null ? left : state === 'active' ? 'expiring' : NONE}
    </time>
  );
}

function Moment({ at, now }: { at: number | null; now: number }) {
  if (at === null) return NONE;
  return (
    <time dateTime={new Date(at).toISOString()} title={formatTimestamp(at)}>
      {formatRelative(at, now)}
    </time>
  );
}
