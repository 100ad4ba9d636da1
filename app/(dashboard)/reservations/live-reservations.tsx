'use client';
// The reservation list, live: the server's first listing folded forward by the event stream
// (kinds "reservation"), with the dialogs that change it.
import { useCallback, useMemo, useState } from 'react';
import { LiveIndicator } from '../../components/live-indicator.tsx';
import { ObjectCache } from '../../lib/live/object-cache.ts';
import type { StreamMessage } from '../../lib/live/types.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';
import { EMPTY_FORM, formValuesOf, type ReservationFormValues } from '../../lib/reservation-form.ts';
import {
  compareReservations,
  countReservations,
  matchesReservation,
  RESERVATION_TYPE,
  type ReservationView,
} from '../../lib/reservation-view.ts';
import { DeleteReservationDialog } from './delete-reservation-dialog.tsx';
import { ReservationDialog } from './reservation-dialog.tsx';
import { ReservationTable } from './reservation-table.tsx';

const KINDS = ['reservation'];

export interface LiveReservationsProps {
  initial: ReservationView[];
  revision: number;
  /** The configured subnets, in config order; none means reservations cannot be made. */
  subnets: string[];
  /** The daemon's reason when DHCP is off, else null. */
  dhcpOff: string | null;
  /** The filter to start with (?q=, e.g. from a subnet's link). */
  initialQuery: string;
}

/** Which dialog is open; `opening` remounts it fresh each time. */
type Dialog =
  | { kind: 'none' }
  | { kind: 'edit'; values: ReservationFormValues; opening: number }
  | { kind: 'delete'; reservation: ReservationView; opening: number };

export function LiveReservations({ initial, revision, subnets, dhcpOff, initialQuery }: LiveReservationsProps) {
  const [cache] = useState(() => new ObjectCache(RESERVATION_TYPE, initial, revision));
  const [rows, setRows] = useState(() => cache.rows());
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (cache.apply(message)) setRows(cache.rows());
    },
    [cache],
  );
  const status = useWatchStream({ since: revision, kinds: KINDS, onMessage });
  const [query, setQuery] = useState(initialQuery);
  const [dialog, setDialog] = useState<Dialog>({ kind: 'none' });
  const [openings, setOpenings] = useState(0);

  const sorted = useMemo(() => [...rows].sort((a, b) => compareReservations(a.row, b.row)), [rows]);
  const visible = useMemo(() => sorted.filter((r) => matchesReservation(r.row, query)), [sorted, query]);
  const open = (next: Dialog) => {
    setOpenings((n) => n + 1);
    setDialog(next);
  };
  const close = () => setDialog({ kind: 'none' });
  const canCreate = subnets.length > 0;

  return (
    <section aria-label="Reservations" className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Filter by address, MAC, host name…"
          aria-label="Filter reservations"
          className="h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400 focus:border-zinc-500 focus:ring-2 focus:ring-zinc-200 focus:outline-none sm:w-80 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:focus:ring-zinc-700"
        />
        <LiveIndicator status={status} revision={cache.revision} />
        <button
          type="button"
          disabled={!canCreate}
          title={canCreate ? undefined : 'Reservations need a configured subnet'}
          onClick={() => open({ kind: 'edit', values: EMPTY_FORM, opening: openings + 1 })}
          className="ml-auto inline-flex h-9 items-center rounded-md bg-zinc-900 px-3.5 text-sm font-medium text-white shadow-xs hover:bg-zinc-700 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 dark:focus-visible:ring-offset-zinc-950"
        >
          New reservation
        </button>
      </div>

      {rows.length === 0 ? (
        <EmptyState canCreate={canCreate} dhcpOff={dhcpOff} />
      ) : (
        <ReservationTable
          rows={visible}
          onEdit={(r) => open({ kind: 'edit', values: formValuesOf(r), opening: openings + 1 })}
          onDelete={(r) => open({ kind: 'delete', reservation: r, opening: openings + 1 })}
        />
      )}
      {rows.length > 0 && visible.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          No reservation matches “{query.trim()}”. Clear the filter to see all {countReservations(rows.length)}.
        </p>
      ) : null}
      <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="reservation-count">
        {visible.length === rows.length
          ? countReservations(rows.length)
          : `${visible.length} of ${countReservations(rows.length)}`}
      </p>

      {dialog.kind === 'edit' ? (
        <ReservationDialog key={dialog.opening} initial={dialog.values} subnets={subnets} onClose={close} />
      ) : null}
      {dialog.kind === 'delete' ? (
        <DeleteReservationDialog key={dialog.opening} reservation={dialog.reservation} onClose={close} />
      ) : null}
    </section>
  );
}

function EmptyState({ canCreate, dhcpOff }: { canCreate: boolean; dhcpOff: string | null }) {
  return (
    <div
      data-testid="reservations-empty"
      className="rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center dark:border-zinc-700 dark:bg-zinc-900"
    >
      <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">No reservations yet.</p>
      <p className="mx-auto mt-1 max-w-prose text-sm text-zinc-500 dark:text-zinc-400">
        {canCreate
          ? 'Add one with “New reservation” to give a device the same address every time, or use “Reserve” on the Leases page to keep the address a client has now.'
          : dhcpOff !== null
            ? 'Reservations belong to a DHCP subnet, and DHCP is off. The daemon says:'
            : 'Reservations belong to a DHCP subnet, and the daemon has none: add a dhcp section with subnets to its config, then restart it.'}
      </p>
      {!canCreate && dhcpOff !== null ? (
        <p className="mx-auto mt-2 max-w-prose text-sm break-words text-amber-800 dark:text-amber-200">{dhcpOff}</p>
      ) : null}
    </div>
  );
}
