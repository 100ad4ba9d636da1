'use client';
// The Leases page, live: the server's first screenful, filled in with the later pages after
// hydration (use-lease-pages.ts) and kept current by the event stream. Events are folded into
// the cache as they arrive (each O(log n): lease-order.ts) and drawn at most every REDRAW_MS, in
// an animation frame, however many came in between. The view (search, filters, sort) lives in
// the URL.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { LiveIndicator } from '../../components/live-indicator.tsx';
import { FADE_MS, LeaseCache, type LeaseEntry, type LeaseListing } from '../../lib/live/lease-cache.ts';
import type { LeaseFilter, LeaseSort, SortColumn } from '../../lib/live/lease-filter.ts';
import type { LeaseRow, StreamMessage } from '../../lib/live/types.ts';
import { useNow } from '../../lib/live/use-now.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { ReleaseDialog, ReserveDialog } from './lease-dialogs.tsx';
import { LeaseTable } from './lease-table.tsx';
import { LeaseToolbar } from './lease-toolbar.tsx';
import { useLeasePages } from './use-lease-pages.ts';
import { useVmLinks } from './use-vm-links.ts';
import type { VmView } from '../../lib/vm-view.ts';
import { toggleSort, viewSearch, type LeaseViewState } from './view-state.ts';
import { formatCount, shownCount } from './wording.ts';

/** The countdowns tick each second (only the rows in view re-render). */
const CLOCK_MS = 1_000;
const KINDS = ['lease', 'reservation'];
/**
 * Live changes are drawn at most this often: the first change after a quiet spell at the next
 * frame, a steady flow ten times a second (a render per frame would be most of the page's time
 * at 500 events a second, for changes too fast to read).
 */
const REDRAW_MS = 100;

export interface LiveLeasesProps {
  listing: LeaseListing;
  /** The VMs, so a VM's lease names it (followed live by use-vm-links.ts). */
  vms: VmView[];
  vmRevision: number;
  /** The /api/leases token for the page after the first; '' when the first was all. */
  nextPageToken: string;
  /** Leases in all when the page was rendered. */
  total: number;
  /** Configured subnets (SubnetService), offered by the filter even while empty. */
  subnets: string[];
  initialView: LeaseViewState;
  /** Server render time (ms), so countdowns hydrate identically. */
  renderedAt: number;
  /** What to show when there is no lease at all (the server knows whether DHCP is on). */
  empty: ReactNode;
}

type Dialog = { kind: 'reserve'; lease: LeaseRow } | { kind: 'release'; lease: LeaseRow } | null;

export function LiveLeases({
  listing,
  vms,
  vmRevision,
  nextPageToken,
  total,
  subnets,
  initialView,
  renderedAt,
  empty,
}: LiveLeasesProps) {
  const [cache] = useState(() => new LeaseCache(listing, initialView.filter, initialView.sort));
  const [view, setView] = useState(initialView);
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const frame = useRef<number | null>(null);
  const drawTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastDraw = useRef(0);
  const sweepTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Draw once for however many changes came in since the last draw.
  const redraw = useCallback(() => {
    if (frame.current !== null || drawTimer.current !== null) return;
    const draw = () => {
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        lastDraw.current = performance.now();
        setVersion((v) => v + 1);
      });
    };
    const wait = lastDraw.current + REDRAW_MS - performance.now();
    if (wait <= 0) draw();
    else
      drawTimer.current = setTimeout(() => {
        drawTimer.current = null;
        draw();
      }, wait);
  }, []);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      if (drawTimer.current !== null) clearTimeout(drawTimer.current);
      if (sweepTimer.current !== null) clearTimeout(sweepTimer.current);
    },
    [],
  );

  const sweep = useCallback(() => {
    sweepTimer.current = null;
    if (cache.sweep(Date.now())) redraw();
    if (cache.fadingCount > 0) sweepTimer.current = setTimeout(sweep, FADE_MS / 3);
  }, [cache, redraw]);

  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (!cache.apply(message, Date.now())) return;
      redraw();
      if (cache.fadingCount > 0 && sweepTimer.current === null) sweepTimer.current = setTimeout(sweep, FADE_MS);
    },
    [cache, redraw, sweep],
  );
  // Watch from the older of the two listings' revisions; the cache drops what it already has.
  const since = Math.min(listing.leaseRevision, listing.reservationRevision);
  const status = useWatchStream({ since, kinds: KINDS, onMessage });
  const load = useLeasePages(cache, nextPageToken, redraw);
  const vmLinks = useVmLinks(vms, vmRevision);
  const now = useNow(renderedAt, CLOCK_MS);

  // A new view: the rows placed again once, and the URL updated in place (no navigation).
  const applied = useRef(initialView);
  useEffect(() => {
    if (applied.current === view) return;
    applied.current = view;
    cache.setView(view.filter, view.sort);
    setVersion((v) => v + 1);
    const search = viewSearch(view);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
  }, [cache, view]);

  const onFilter = useCallback((filter: LeaseFilter) => setView((v) => ({ ...v, filter })), []);
  const onSort = useCallback((sort: LeaseSort) => setView((v) => ({ ...v, sort })), []);
  const onHeader = useCallback(
    (column: SortColumn) => setView((v) => ({ ...v, sort: toggleSort(v.sort, column) })),
    [],
  );
  const actions = useMemo(
    () => ({
      reserve: (entry: LeaseEntry) => setDialog({ kind: 'reserve', lease: entry.row }),
      release: (entry: LeaseEntry) => setDialog({ kind: 'release', lease: entry.row }),
    }),
    [],
  );
  const closeDialog = useCallback(() => setDialog(null), []);

  const counts = cache.subnetCounts();
  const subnetChoices = [
    ...new Set([...subnets, ...counts.keys(), ...(view.filter.subnet ? [view.filter.subnet] : [])]),
  ]
    .sort()
    .map((subnet) => ({ subnet, count: counts.get(subnet) ?? 0 }));
  const filtered = view.filter.query.trim() !== '' || view.filter.state !== null || view.filter.subnet !== null;
  const leases = load.loading ? Math.max(total, cache.size) : cache.size;

  return (
    <section aria-label="Lease table" className="space-y-4">
      <LeaseToolbar
        filter={view.filter}
        onFilter={onFilter}
        sort={view.sort}
        onSort={onSort}
        countOf={(state) => cache.countOf(state)}
        total={cache.size}
        subnets={subnetChoices}
      >
        <LiveIndicator status={status} revision={cache.revision} />
      </LeaseToolbar>
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="lease-count" aria-live="polite">
        {filtered ? shownCount(cache.order.length, cache.size) : shownCount(cache.size, cache.size)}
        {load.loading ? (
          <span className="text-zinc-400 dark:text-zinc-500">
            {' '}
            · loading {formatCount(cache.size)} of {formatCount(leases)}…
            {load.error ? ` (${load.error}; retrying)` : ''}
          </span>
        ) : null}
      </p>
      <LeaseTable
        order={cache.order}
        version={version}
        now={now}
        sort={view.sort}
        onSort={onHeader}
        actions={actions}
        vms={vmLinks}
        empty={
          filtered && cache.size > 0 ? (
            <>
              No lease matches this search and filter.{' '}
              <button
                type="button"
                onClick={() => onFilter({ query: '', state: null, subnet: null })}
                className="font-medium text-sky-700 underline hover:text-sky-600 dark:text-sky-400"
              >
                Show every lease
              </button>
            </>
          ) : load.loading ? (
            'Loading leases…'
          ) : (
            empty
          )
        }
      />
      {dialog?.kind === 'reserve' ? <ReserveDialog lease={dialog.lease} onClose={closeDialog} /> : null}
      {dialog?.kind === 'release' ? <ReleaseDialog lease={dialog.lease} onClose={closeDialog} /> : null}
    </section>
  );
}
