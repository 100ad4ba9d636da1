'use client';
// The lease table, live: the server's first listing folded forward by /api/events.
import { useCallback, useMemo, useRef, useState } from 'react';
import { LiveIndicator } from '../../components/live-indicator.tsx';
import { LeaseCache } from '../../lib/live/lease-cache.ts';
import { countByState, matchesLease, type LeaseFilter } from '../../lib/live/lease-filter.ts';
import type { LeaseRow, StreamMessage } from '../../lib/live/types.ts';
import { useNow } from '../../lib/live/use-now.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { LeaseTable } from './lease-table.tsx';
import { LeaseToolbar } from './lease-toolbar.tsx';

/** Relative times ("in 59 min") are re-read this often. */
const CLOCK_MS = 15_000;
const KINDS = ['lease'];

export interface LiveLeasesProps {
  initialRows: LeaseRow[];
  /** The event revision the rows reflect. */
  revision: number;
  /** Leases the daemon has in all, and whether initialRows holds them all. */
  total: number;
  complete: boolean;
  /** Server render time (ms), so relative times hydrate identically. */
  renderedAt: number;
}

export function LiveLeases({ initialRows, revision, total, complete, renderedAt }: LiveLeasesProps) {
  const [cache] = useState(() => new LeaseCache(initialRows, revision));
  const [rows, setRows] = useState(() => cache.sorted());
  // When the rows last changed: relative times never lag behind the newest row's own time.
  const [changedAt, setChangedAt] = useState(renderedAt);
  const frame = useRef<number | null>(null);

  // Many events can arrive between two frames (a burst of leases): fold them all, draw once.
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (!cache.apply(message) || frame.current !== null) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        setRows(cache.sorted());
        setChangedAt(Date.now());
      });
    },
    [cache],
  );
  const status = useWatchStream({ since: revision, kinds: KINDS, onMessage });
  const now = Math.max(useNow(renderedAt, CLOCK_MS), changedAt);
  const [filter, setFilter] = useState<LeaseFilter>({ query: '', state: null });

  const counts = useMemo(() => countByState(rows.map((r) => r.row)), [rows]);
  const visible = useMemo(() => rows.filter((r) => matchesLease(r.row, filter)), [rows, filter]);

  return (
    <section aria-label="Leases" className="space-y-4">
      <LeaseToolbar filter={filter} onFilter={setFilter} counts={counts} total={rows.length}>
        <LiveIndicator status={status} revision={cache.revision} />
      </LeaseToolbar>
      <LeaseTable rows={visible} now={now} filtered={rows.length > 0 && visible.length === 0} />
      <p className="text-xs text-zinc-500">
        {visible.length === rows.length ? `${rows.length} leases` : `${visible.length} of ${rows.length} leases`}
        {complete ? '' : ` · the first ${initialRows.length} of ${total} were loaded`}
      </p>
    </section>
  );
}
