// Reads of the committed lease table for the API. Synchronous (better-sqlite3), so a page and
// the event log's lastRevision() read after it in the same tick describe the same committed state.
// `beforeRead` first commits what the lease journal holds (server/main.ts), so a caller reads its
// own writes: a change whose promise has resolved is in the table it reads.
import type Database from 'better-sqlite3';
import type { Lease } from '../dhcp/lease.ts';
import type { LeaseFilter } from '../dhcp/admin.ts';
import { formatIPv4 } from '../dhcp/codec/ipv4.ts';
import type { LeaseRow } from '../../drizzle/sqlite/schema.ts';
import { leaseFromRow } from './sqlite-lease-store.ts';

/** The lease columns under the names of drizzle's LeaseRow, so leaseFromRow maps them. */
const COLUMNS = `address, subnet_id AS subnetId, client_key AS clientKey, hw_address AS hwAddress,
  client_id AS clientId, hostname, fqdn, state, starts_at AS startsAt, expires_at AS expiresAt`;

export class SqliteLeaseQueries {
  constructor(
    private readonly raw: Database.Database,
    private readonly beforeRead: () => void = () => undefined,
  ) {
    // Text search on the dotted address needs the address as text inside SQL.
    raw.function('hp_ipv4', { deterministic: true }, (address: unknown) => formatIPv4(Number(address)));
  }

  /** Leases matching the filter with address > after, by address, at most limit; and the total. */
  page(filter: LeaseFilter, after: number | null, limit: number): { items: Lease[]; total: number } {
    this.beforeRead();
    const { where, params } = whereClause(filter);
    const total = (this.raw.prepare(`SELECT COUNT(*) AS n FROM leases ${where}`).get(...params) as { n: number }).n;
    const afterClause = after === null ? '' : `${where ? 'AND' : 'WHERE'} address > ?`;
    const rows = this.raw
      .prepare(`SELECT ${COLUMNS} FROM leases ${where} ${afterClause} ORDER BY address LIMIT ?`)
      .all(...params, ...(after === null ? [] : [after]), limit) as LeaseRow[];
    return { items: rows.map(leaseFromRow), total };
  }

  get(address: number): Lease | undefined {
    this.beforeRead();
    const row = this.raw.prepare(`SELECT ${COLUMNS} FROM leases WHERE address = ?`).get(address) as
      LeaseRow | undefined;
    return row ? leaseFromRow(row) : undefined;
  }

  all(): Lease[] {
    this.beforeRead();
    return (this.raw.prepare(`SELECT ${COLUMNS} FROM leases ORDER BY address`).all() as LeaseRow[]).map(leaseFromRow);
  }
}

function whereClause(filter: LeaseFilter): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.subnet) {
    conditions.push('subnet_id = ?');
    params.push(filter.subnet);
  }
  if (filter.state) {
    conditions.push('state = ?');
    params.push(filter.state);
  }
  if (filter.query) {
    conditions.push("instr(lower(hp_ipv4(address) || ' ' || hw_address || ' ' || coalesce(hostname, '')), ?) > 0");
    params.push(filter.query.toLowerCase());
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
