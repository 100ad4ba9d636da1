'use client';
// The lease table, virtualized against the window's scroll (@tanstack/react-virtual): only the
// rows in view (and a few either side) are in the DOM, whatever the number of leases. Rows have
// a fixed height per layout (a one-line row from md up, a card below), so nothing is measured.
// The server renders the first screenful from `initialRect`; the browser's first render uses the
// same rect, so hydration matches, then follows the real window.
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { LeaseEntry } from '../../lib/live/lease-cache.ts';
import type { LeaseSort, SortColumn } from '../../lib/live/lease-filter.ts';
import type { LeaseOrder } from '../../lib/live/lease-order.ts';
import { GRID, LeaseRowView, type RowActions } from './lease-row-view.tsx';
import type { VmLink } from './use-vm-links.ts';

/** Row heights (px): the table row from md (768 px) up, the card below. */
const ROW_HEIGHT = { wide: 56, card: 124 } as const;
const WIDE_QUERY = '(min-width: 768px)';
/** Rows drawn beyond the screen either side, so a fast scroll does not show blanks. */
const OVERSCAN = 8;
/** The server's guess of the window: a laptop screen, so the first HTML holds ~16 rows. */
const INITIAL_RECT = { width: 1280, height: 900 };

const HEADERS: { column: SortColumn; label: string; align?: 'right' }[] = [
  { column: 'state', label: 'State' },
  { column: 'address', label: 'Address' },
  { column: 'mac', label: 'MAC · vendor' },
  { column: 'hostname', label: 'Host name' },
  { column: 'clientId', label: 'Client id' },
  { column: 'subnet', label: 'Subnet' },
  { column: 'granted', label: 'Granted' },
  { column: 'expires', label: 'Expires in' },
  { column: 'reserved', label: 'Type' },
];

export interface LeaseTableProps {
  order: LeaseOrder<LeaseEntry>;
  /** Bumped whenever `order` changed, so the table re-reads it. */
  version: number;
  now: number;
  sort: LeaseSort;
  onSort: (column: SortColumn) => void;
  actions: RowActions;
  /** The VMs by MAC: a lease of one names it. */
  vms: ReadonlyMap<string, VmLink>;
  /** Shown in place of rows when there are none. */
  empty: ReactNode;
}

export function LeaseTable({ order, version, now, sort, onSort, actions, vms, empty }: LeaseTableProps) {
  const wide = useMediaQuery(WIDE_QUERY, true);
  const rowHeight = wide ? ROW_HEIGHT.wide : ROW_HEIGHT.card;
  const body = useRef<HTMLDivElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    // Where the rows start on the page: the window scroll is measured from the document's top.
    const measure = () => setScrollMargin(body.current ? body.current.getBoundingClientRect().top + window.scrollY : 0);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);

  // Stable options: the virtualizer re-derives every row's position (O(rows)) whenever one of
  // them changes identity, which at 50,000 rows per frame would be the page's whole budget. Keys
  // stay the default (the index): rows have fixed heights, so nothing measured is keyed.
  const estimateSize = useCallback(() => rowHeight, [rowHeight]);
  const virtualizer = useWindowVirtualizer({
    count: order.length,
    estimateSize,
    overscan: OVERSCAN,
    scrollMargin,
    initialRect: INITIAL_RECT,
    useFlushSync: false,
  });
  // A new row height (the window crossed md): every position changes.
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  const items = virtualizer.getVirtualItems();

  return (
    <div
      role="table"
      aria-label="Leases"
      aria-rowcount={order.length + 1}
      data-testid="lease-table"
      data-version={version}
      className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="md:min-w-[1180px]">
        <div role="rowgroup" className="hidden md:block">
          <div
            role="row"
            aria-rowindex={1}
            className={`${GRID} border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950/40`}
          >
            {HEADERS.map((h) => (
              <SortHeader key={h.column} {...h} sort={sort} onSort={onSort} />
            ))}
            <div role="columnheader" className="px-3 py-2.5 text-right text-xs font-medium text-zinc-500 uppercase">
              <span className="sr-only">Actions</span>
            </div>
          </div>
        </div>
        {/* Phone: the cards have no header row, so the sort is a menu of its own (toolbar). */}
        <div
          ref={body}
          role="rowgroup"
          style={{ height: order.length === 0 ? undefined : virtualizer.getTotalSize(), position: 'relative' }}
        >
          {order.length === 0 ? (
            <div role="row">
              <div role="cell" className="px-4 py-12 text-center text-sm text-zinc-500 dark:text-zinc-400">
                {empty}
              </div>
            </div>
          ) : (
            items.map((item) => {
              const entry = order.at(item.index);
              if (entry === undefined) return null;
              return (
                <LeaseRowView
                  // A new key per change re-mounts the row, so its highlight plays again.
                  key={`${entry.row.address}#${entry.changes}`}
                  entry={entry}
                  index={item.index}
                  top={item.start - virtualizer.options.scrollMargin}
                  height={rowHeight}
                  now={now}
                  actions={actions}
                  vm={vms.get(entry.row.hwAddress)}
                />
              );
            })
          )}
        </div>
      </div>
    </div>
  );
}

function SortHeader({
  column,
  label,
  sort,
  onSort,
}: {
  column: SortColumn;
  label: string;
  sort: LeaseSort;
  onSort: (column: SortColumn) => void;
}) {
  const active = sort.column === column;
  const ariaSort = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
  return (
    <div role="columnheader" aria-sort={ariaSort} className="px-1 py-1.5">
      <button
        type="button"
        onClick={() => onSort(column)}
        className={`inline-flex items-center gap-1 rounded px-2 py-1 text-xs font-medium tracking-wide whitespace-nowrap uppercase hover:bg-zinc-200/60 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:hover:bg-zinc-800 ${
          active ? 'text-zinc-900 dark:text-zinc-100' : 'text-zinc-500 dark:text-zinc-400'
        }`}
      >
        {label}
        <span aria-hidden className={active ? '' : 'invisible'}>
          {active && sort.descending ? '↓' : '↑'}
        </span>
      </button>
    </div>
  );
}

/** Whether a media query matches; `initial` on the server and in the first render. */
function useMediaQuery(query: string, initial: boolean): boolean {
  const [matches, setMatches] = useState(initial);
  useLayoutEffect(() => {
    const list = window.matchMedia(query);
    setMatches(list.matches);
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}
