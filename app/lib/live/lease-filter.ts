// The Leases page's client-side filter: free text over the identifying fields, plus one state.
// It mirrors ListLeasesRequest.query (address, hardware address, hostname; case-insensitive) and
// adds the client id and FQDN, which an operator also pastes in.
import type { LeaseRow, LeaseStateName } from './types.ts';

export interface LeaseFilter {
  query: string;
  /** null for every state. */
  state: LeaseStateName | null;
}

export function matchesLease(row: LeaseRow, filter: LeaseFilter): boolean {
  if (filter.state !== null && row.state !== filter.state) return false;
  const needle = filter.query.trim().toLowerCase();
  if (needle === '') return true;
  return [row.address, row.hwAddress, row.hostname, row.fqdn, row.clientId].some((field) =>
    field.toLowerCase().includes(needle),
  );
}

/** How many rows are in each state, for the filter's counts. */
export function countByState(rows: readonly LeaseRow[]): Map<LeaseStateName, number> {
  const counts = new Map<LeaseStateName, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  return counts;
}
