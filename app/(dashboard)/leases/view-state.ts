// What the Leases page shows, as the URL says it: ?q=<search>&state=<state>&subnet=<cidr>&sort=<column>
// (a leading "-" for descending). Defaults are left out, so a plain /leases is the whole table by
// address. Unknown or malformed values fall back to the default rather than failing the page: a
// shared link from a newer or older dashboard still opens.
import { SORT_COLUMNS, type LeaseFilter, type LeaseSort, type SortColumn } from '../../lib/live/lease-filter.ts';
import { LEASE_STATES, type LeaseStateName } from '../../lib/live/types.ts';

export interface LeaseViewState {
  filter: LeaseFilter;
  sort: LeaseSort;
}

export const DEFAULT_SORT: LeaseSort = { column: 'address', descending: false };

/** The longest search kept from a URL (a pasted MAC or host name is far shorter). */
const MAX_QUERY = 200;

/** Next's searchParams (a record) or a URLSearchParams. */
export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

function first(params: SearchParamsInput, name: string): string {
  if (params instanceof URLSearchParams) return params.get(name) ?? '';
  const value = params[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export function parseViewState(params: SearchParamsInput): LeaseViewState {
  const state = first(params, 'state');
  const subnet = first(params, 'subnet').trim();
  const sortText = first(params, 'sort');
  const descending = sortText.startsWith('-');
  const column = (descending ? sortText.slice(1) : sortText) as SortColumn;
  return {
    filter: {
      query: first(params, 'q').slice(0, MAX_QUERY),
      state: (LEASE_STATES as readonly string[]).includes(state) ? (state as LeaseStateName) : null,
      subnet: /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(subnet) ? subnet : null,
    },
    sort: SORT_COLUMNS.includes(column) ? { column, descending } : DEFAULT_SORT,
  };
}

/** The query string for a view ('' for the default view), without the "?". */
export function viewSearch({ filter, sort }: LeaseViewState): string {
  const params = new URLSearchParams();
  if (filter.query !== '') params.set('q', filter.query);
  if (filter.state !== null) params.set('state', filter.state);
  if (filter.subnet !== null) params.set('subnet', filter.subnet);
  if (sort.column !== DEFAULT_SORT.column || sort.descending !== DEFAULT_SORT.descending)
    params.set('sort', `${sort.descending ? '-' : ''}${sort.column}`);
  return params.toString();
}

/** Clicking a column header: ascending first, again for descending. */
export function toggleSort(current: LeaseSort, column: SortColumn): LeaseSort {
  return current.column === column ? { column, descending: !current.descending } : { column, descending: false };
}
