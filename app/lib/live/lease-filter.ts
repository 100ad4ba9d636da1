// The Leases page's view of its rows: which match (one search box, a state, a subnet) and in which
// order (any column, ascending or descending). Rows are indexed once when they arrive (lower-cased
// text, the MAC as bare hex, the address as a number), so filtering and sorting 50,000 leases
// compare precomputed values and never re-parse a row.
import { LEASE_STATES, type LeaseRow, type LeaseStateName } from './types.ts';

export interface LeaseFilter {
  /** Free text: address, MAC in any notation, host name (and FQDN, client id, vendor). */
  query: string;
  /** null for every state. */
  state: LeaseStateName | null;
  /** A subnet as the config writes it ("10.123.0.0/24"); null for every subnet. */
  subnet: string | null;
}

export const SORT_COLUMNS = [
  'state',
  'address',
  'mac',
  'hostname',
  'clientId',
  'subnet',
  'granted',
  'expires',
  'reserved',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface LeaseSort {
  column: SortColumn;
  descending: boolean;
}

/** A row with the values the filter and the sort read, computed once per change of the row. */
export interface IndexedLease {
  row: LeaseRow;
  /** A reservation pins this address to this lease's client. */
  reserved: boolean;
  /** The address as a number (addressOrder). */
  order: number;
  /** The subnet's network address as a number. */
  subnetOrder: number;
  /** Address, host name, FQDN, client id and vendor, lower case, one per line. */
  text: string;
  /** The MAC as 12 lower-case hex digits. */
  mac: string;
  /** The host name, lower case, for sorting. */
  host: string;
}

export function indexLease(row: LeaseRow, reserved: boolean): IndexedLease {
  return {
    row,
    reserved,
    order: addressOrder(row.address),
    subnetOrder: addressOrder(row.subnet.split('/')[0] ?? ''),
    text: [row.address, row.hostname, row.fqdn, row.clientId, row.vendor].join('\n').toLowerCase(),
    mac: row.hwAddress.replace(/[^0-9a-fA-F]/g, '').toLowerCase(),
    host: row.hostname.toLowerCase(),
  };
}

/** Dotted quad -> number for sorting; anything else sorts last. */
export function addressOrder(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4) return Number.MAX_SAFE_INTEGER;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (part === '' || !Number.isInteger(octet) || octet < 0 || octet > 255) return Number.MAX_SAFE_INTEGER;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * The hex digits of a query written as (part of) a MAC, or null when it is not written as one:
 * "aa:bb:cc", "AA-BB-CC", "aabb.ccdd" (Cisco's groups of four), or bare hex of two digits or more.
 * "10.123" is not a Cisco MAC (its first group is not four digits), so an address never matches a
 * MAC by accident of its digits.
 */
export function macNeedle(query: string): string | null {
  const q = query.trim().toLowerCase();
  if (/^[0-9a-f]{1,2}([:-][0-9a-f]{0,2})+$/.test(q)) return q.replace(/[:-]/g, '');
  if (/^[0-9a-f]{4}(\.[0-9a-f]{4})*(\.[0-9a-f]{0,4})?$/.test(q) && q.includes('.')) return q.replace(/\./g, '');
  if (/^[0-9a-f]{2,12}$/.test(q)) return q;
  return null;
}

/** The filter as one test per row, the query parsed once. */
export function leaseMatcher(filter: LeaseFilter): (lease: IndexedLease) => boolean {
  const needle = filter.query.trim().toLowerCase();
  const mac = macNeedle(needle);
  const { state, subnet } = filter;
  return (lease) => {
    if (state !== null && lease.row.state !== state) return false;
    if (subnet !== null && lease.row.subnet !== subnet) return false;
    if (needle === '') return true;
    return lease.text.includes(needle) || (mac !== null && mac !== '' && lease.mac.includes(mac));
  };
}

const STATE_RANK = new Map<LeaseStateName, number>([...LEASE_STATES, 'unknown' as const].map((s, i) => [s, i]));

type Primary = (a: IndexedLease, b: IndexedLease) => number;

/** Text ascending with empty values last, so a sort by host name starts with named hosts. */
function byText(pick: (lease: IndexedLease) => string): Primary {
  return (a, b) => {
    const x = pick(a);
    const y = pick(b);
    if (x === y) return 0;
    if (x === '') return 1;
    if (y === '') return -1;
    return x < y ? -1 : 1;
  };
}

/** Times ascending, leases without one last. */
function byTime(pick: (row: LeaseRow) => number | null): Primary {
  return (a, b) => {
    const x = pick(a.row);
    const y = pick(b.row);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x - y;
  };
}

const PRIMARY: Record<SortColumn, Primary> = {
  state: (a, b) => (STATE_RANK.get(a.row.state) ?? 0) - (STATE_RANK.get(b.row.state) ?? 0),
  address: () => 0,
  mac: (a, b) => (a.mac === b.mac ? 0 : a.mac < b.mac ? -1 : 1),
  hostname: byText((l) => l.host),
  clientId: byText((l) => l.row.clientId),
  subnet: (a, b) => a.subnetOrder - b.subnetOrder,
  granted: byTime((r) => r.startsAt),
  expires: byTime((r) => r.expiresAt),
  reserved: (a, b) => Number(b.reserved) - Number(a.reserved),
};

/**
 * A total order for the sort: the column first, then the address (unique, a lease's identity), so
 * two rows never compare equal and a row's place can be found again by binary search.
 */
export function leaseComparator(sort: LeaseSort): (a: IndexedLease, b: IndexedLease) => number {
  const primary = PRIMARY[sort.column];
  const sign = sort.descending ? -1 : 1;
  if (sort.column === 'address')
    return (a, b) => sign * (a.order - b.order || compareText(a.row.address, b.row.address));
  return (a, b) => sign * primary(a, b) || a.order - b.order || compareText(a.row.address, b.row.address);
}

function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
