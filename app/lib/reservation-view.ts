// One reservation as the browser sees it (homeplane.v1.Reservation made plain on the server by
// reservation-convert.ts, and sent so by the event relay too), with the pure helpers the
// Reservations page needs. Client-safe: no generated gRPC code here.
import { addressOrder } from './live/lease-cache.ts';
import { OBJECT_TYPES, type ObjectType } from './live/object-cache.ts';

/** Where a reservation was defined, and so who may change it (reservation.proto ReservationSource). */
export type ReservationSourceName = 'config' | 'api' | 'vm' | 'unknown';

/** One DHCP option of a reservation, as the daemon stored it (canonical data, by code). */
export interface ReservationOptionView {
  /** Kea name; '' for a code without one. */
  name: string;
  code: number;
  type: string;
  data: string;
  always: boolean;
}

export interface ReservationView {
  id: string;
  subnet: string;
  /** Lower case, colon separated; '' when by client identifier. */
  mac: string;
  /** Lower-case hex without separators; '' when by MAC. */
  clientId: string;
  address: string;
  hostname: string;
  source: ReservationSourceName;
  /** Options for this client alone, by code; they win over its classes', subnet's and global ones. */
  options: ReservationOptionView[];
  /** Boot settings for this client alone ('' for none: the class's or subnet's apply). */
  nextServer: string;
  bootFile: string;
  serverHostname: string;
}

/** Only reservations made through the API may be edited or deleted there. */
export function isEditable(reservation: ReservationView): boolean {
  return reservation.source === 'api';
}

/** Why a reservation cannot be changed here, in a person's words; null when it can. */
export function readOnlyReason(reservation: ReservationView): string | null {
  switch (reservation.source) {
    case 'api':
      return null;
    case 'config':
      return 'Read-only: edit the config file to change it.';
    case 'vm':
      return 'Read-only: it changes with its virtual machine.';
    case 'unknown':
      return 'Read-only: made by a source this dashboard does not know.';
  }
}

export const SOURCE_LABELS: Record<ReservationSourceName, string> = {
  config: 'Config file',
  api: 'Dashboard / API',
  vm: 'Virtual machine',
  unknown: 'Unknown',
};

const SOURCES: readonly ReservationSourceName[] = ['config', 'api', 'vm', 'unknown'];

/** The event relay's reservation, checked: a frame of another shape is not folded in. */
export function asReservationView(value: unknown): ReservationView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const strings = [
    'id',
    'subnet',
    'mac',
    'clientId',
    'address',
    'hostname',
    'nextServer',
    'bootFile',
    'serverHostname',
  ] as const;
  if (!strings.every((key) => typeof v[key] === 'string')) return undefined;
  if (!SOURCES.includes(v.source as ReservationSourceName)) return undefined;
  if (!Array.isArray(v.options) || !v.options.every(isOptionView)) return undefined;
  return v as unknown as ReservationView;
}

function isOptionView(value: unknown): value is ReservationOptionView {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return (
    typeof o.name === 'string' &&
    typeof o.code === 'number' &&
    typeof o.type === 'string' &&
    typeof o.data === 'string' &&
    typeof o.always === 'boolean'
  );
}

/** "domain-name-servers", or "option 252" for a code without a name. */
export function optionLabel(option: Pick<ReservationOptionView, 'name' | 'code'>): string {
  return option.name !== '' ? option.name : `option ${option.code}`;
}

/** OBJECT_TYPES.reservation (keyed by id), reading the relay's plain view. */
export const RESERVATION_TYPE: ObjectType<ReservationView> = {
  object: OBJECT_TYPES.reservation.object,
  pick: (event) => asReservationView(event.reservation),
  key: (row) => row.id,
};

/** By address numerically, as ListReservations orders them. */
export function compareReservations(a: ReservationView, b: ReservationView): number {
  return addressOrder(a.address) - addressOrder(b.address) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The client the reservation matches: its MAC, or its client identifier. */
export function clientOf(reservation: ReservationView): { by: 'mac' | 'client-id'; value: string } {
  return reservation.mac !== ''
    ? { by: 'mac', value: reservation.mac }
    : { by: 'client-id', value: reservation.clientId };
}

/** Free-text filter over address, MAC, client id and host name (ListReservationsRequest.query). */
export function matchesReservation(reservation: ReservationView, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return [reservation.address, reservation.mac, reservation.clientId, reservation.hostname, reservation.subnet].some(
    (field) => field.toLowerCase().includes(needle),
  );
}

/** "1 reservation", "2 reservations". */
export function countReservations(count: number): string {
  return `${count} ${count === 1 ? 'reservation' : 'reservations'}`;
}
