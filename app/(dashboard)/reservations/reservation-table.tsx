// The reservation list: a table on a wide screen, one card per reservation on a phone (the same
// rows, laid out as blocks below the md breakpoint, so nothing scrolls sideways). Each row's id
// is the reservation's, so /reservations#<id> (the Events page's links) scrolls to it and
// highlights it.
import type { Cached } from '../../lib/live/object-cache.ts';
import { clientOf, optionLabel, readOnlyReason, type ReservationView } from '../../lib/reservation-view.ts';

const HEAD =
  'px-4 py-2.5 whitespace-nowrap text-left text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400';
const CELL = 'flex gap-2 px-4 py-1 md:table-cell md:py-2.5 md:whitespace-nowrap';
/** The field's name, shown beside the value only where the table header is hidden (phone). */
const PHONE_LABEL = 'w-24 shrink-0 font-sans font-normal text-xs text-zinc-500 md:hidden dark:text-zinc-400';
const BUTTON =
  'rounded-md border border-zinc-300 px-2.5 py-1 text-xs font-medium text-zinc-700 hover:bg-zinc-50 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800';

export interface ReservationTableProps {
  rows: Cached<ReservationView>[];
  onEdit: (reservation: ReservationView) => void;
  onDelete: (reservation: ReservationView) => void;
}

export function ReservationTable({ rows, onEdit, onDelete }: ReservationTableProps) {
  if (rows.length === 0) return null;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
      <table className="block w-full text-sm md:table" data-testid="reservation-table">
        <thead className="hidden bg-zinc-50 md:table-header-group dark:bg-zinc-800/50">
          <tr>
            <th scope="col" className={HEAD}>
              Address
            </th>
            <th scope="col" className={HEAD}>
              Host name
            </th>
            <th scope="col" className={HEAD}>
              Client
            </th>
            <th scope="col" className={HEAD}>
              Subnet
            </th>
            <th scope="col" className={HEAD}>
              Options
            </th>
            <th scope="col" className={HEAD}>
              Source
            </th>
            <th scope="col" className={`${HEAD} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="block divide-y divide-zinc-100 md:table-row-group dark:divide-zinc-800">
          {rows.map(({ row, changes }) => (
            <ReservationRow
              key={`${row.id}#${changes}`}
              reservation={row}
              changed={changes > 0}
              onEdit={onEdit}
              onDelete={onDelete}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReservationRow({
  reservation,
  changed,
  onEdit,
  onDelete,
}: {
  reservation: ReservationView;
  changed: boolean;
  onEdit: (reservation: ReservationView) => void;
  onDelete: (reservation: ReservationView) => void;
}) {
  const client = clientOf(reservation);
  const readOnly = readOnlyReason(reservation);
  const name = reservation.hostname ? `${reservation.address} (${reservation.hostname})` : reservation.address;
  return (
    <tr
      id={reservation.id}
      data-reservation-id={reservation.id}
      data-address={reservation.address}
      data-source={reservation.source}
      className={`block scroll-mt-24 py-2 target:bg-sky-50 md:table-row md:py-0 dark:target:bg-sky-950/40 ${changed ? 'animate-row-changed' : ''}`}
    >
      <td className={`${CELL} font-mono font-medium text-zinc-900 dark:text-zinc-100`}>
        <span className={PHONE_LABEL}>Address</span>
        {reservation.address}
      </td>
      <td className={`${CELL} text-zinc-700 dark:text-zinc-300`}>
        <span className={PHONE_LABEL}>Host name</span>
        {reservation.hostname || <span className="text-zinc-400 dark:text-zinc-500">—</span>}
      </td>
      <td className={`${CELL} min-w-0 text-zinc-700 dark:text-zinc-300`}>
        <span className={PHONE_LABEL}>{client.by === 'mac' ? 'MAC' : 'Client id'}</span>
        <span className="min-w-0 font-mono break-all">
          {client.by === 'client-id' ? (
            <span className="mr-1.5 font-sans text-xs text-zinc-500 dark:text-zinc-400">client id</span>
          ) : null}
          {client.value}
        </span>
      </td>
      <td className={`${CELL} font-mono text-zinc-500 dark:text-zinc-400`}>
        <span className={PHONE_LABEL}>Subnet</span>
        {reservation.subnet}
      </td>
      <td className={`${CELL} min-w-0 md:whitespace-normal`}>
        <span className={PHONE_LABEL}>Options</span>
        <ClientSettings reservation={reservation} />
      </td>
      <td className={CELL}>
        <span className={PHONE_LABEL}>Source</span>
        <SourceBadge reservation={reservation} />
      </td>
      <td className={`${CELL} md:text-right`}>
        {readOnly === null ? (
          <span className="flex gap-2 md:justify-end">
            <button
              type="button"
              className={BUTTON}
              aria-label={`Edit reservation ${name}`}
              onClick={() => onEdit(reservation)}
            >
              Edit
            </button>
            <button
              type="button"
              className={`${BUTTON} text-rose-700 dark:text-rose-400`}
              aria-label={`Delete reservation ${name}`}
              onClick={() => onDelete(reservation)}
            >
              Delete
            </button>
          </span>
        ) : (
          <span className="text-xs text-zinc-500 md:inline-block md:max-w-48 md:whitespace-normal dark:text-zinc-400">
            {readOnly}
          </span>
        )}
      </td>
    </tr>
  );
}

/** What this client gets beyond its subnet: its own options and boot settings, one a line. */
function ClientSettings({ reservation }: { reservation: ReservationView }) {
  const lines: [string, string][] = reservation.options.map((o) => [optionLabel(o), o.data]);
  if (reservation.nextServer !== '') lines.push(['next server', reservation.nextServer]);
  if (reservation.bootFile !== '') lines.push(['boot file', reservation.bootFile]);
  if (reservation.serverHostname !== '') lines.push(['boot server', reservation.serverHostname]);
  if (lines.length === 0) return <span className="text-zinc-400 dark:text-zinc-500">—</span>;
  return (
    <ul data-testid="reservation-options" className="min-w-0 space-y-0.5 text-xs md:max-w-xs">
      {lines.map(([label, value]) => (
        <li key={label} className="break-words">
          <span className="text-zinc-500 dark:text-zinc-400">{label}</span>{' '}
          <span className="font-mono text-zinc-800 dark:text-zinc-200">{value}</span>
        </li>
      ))}
    </ul>
  );
}

function SourceBadge({ reservation }: { reservation: ReservationView }) {
  const [text, style] = ((): [string, string] => {
    switch (reservation.source) {
      case 'config':
        return [
          'From the config file',
          'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950/50 dark:text-amber-200 dark:ring-amber-400/30',
        ];
      case 'api':
        return [
          'Dashboard',
          'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-950/50 dark:text-sky-200 dark:ring-sky-400/30',
        ];
      case 'vm':
        return [
          'Virtual machine',
          'bg-violet-50 text-violet-700 ring-violet-600/20 dark:bg-violet-950/50 dark:text-violet-200 dark:ring-violet-400/30',
        ];
      case 'unknown':
        return [
          'Unknown source',
          'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-500/30',
        ];
    }
  })();
  return (
    <span
      data-testid="reservation-source"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style}`}
    >
      {text}
    </span>
  );
}
