// A real SQLite lease store whose commits can be made to fail, as a full or failing disk makes
// them fail: triggers on the leases and events tables RAISE(ABORT) while the switch is on, so the
// whole batch transaction rolls back inside SQLite and the store rejects it exactly as it would
// on SQLITE_FULL. Nothing about the store itself is faked.
import { openSqlite } from '../sqlite.ts';
import { SqliteEventLog } from '../sqlite-event-log.ts';
import { SqliteLeaseStore } from '../sqlite-lease-store.ts';
import { leaseFromRow } from '../sqlite-lease-store.ts';
import type { Lease } from '../../dhcp/lease.ts';
import { systemClock, type Clock } from '../../ports.ts';
import type { LeaseRow } from '../../../drizzle/sqlite/schema.ts';

export interface FailingDisk {
  /** The database file. */
  file: string;
  store: SqliteLeaseStore;
  events: SqliteEventLog;
  /** Fail every commit from now on until `heal()` (or until `n` commits have failed). */
  fail(n?: number): void;
  heal(): void;
  /** The committed lease rows, read from the database, by address. */
  rows(): Map<number, Lease>;
}

export function failingDisk(file: string, clock: Clock = systemClock): FailingDisk {
  const handle = openSqlite({ file, durability: 'process' });
  let remaining = 0;
  const store = (() => {
    const events = new SqliteEventLog(handle.raw, clock);
    return { events, store: new SqliteLeaseStore(handle, events) };
  })();
  // Called once per row written; a failed batch raises on its first row, so one call per commit.
  handle.raw.function('homeplane_disk_fails', () => {
    if (remaining <= 0) return 0;
    remaining -= 1;
    return 1;
  });
  for (const [table, op] of [
    ['leases', 'INSERT'],
    ['leases', 'UPDATE'],
    ['leases', 'DELETE'],
    ['events', 'INSERT'],
  ] as const) {
    handle.raw.exec(
      `CREATE TEMP TRIGGER fail_${table}_${op.toLowerCase()} BEFORE ${op} ON main.${table}
       WHEN homeplane_disk_fails() = 1 BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END`,
    );
  }
  return {
    file,
    ...store,
    fail: (n = Number.MAX_SAFE_INTEGER) => {
      remaining = n;
    },
    heal: () => {
      remaining = 0;
    },
    rows: () =>
      new Map(
        (
          handle.raw
            .prepare(
              'SELECT address, subnet_id AS subnetId, client_key AS clientKey, hw_address AS hwAddress, client_id AS clientId, hostname, fqdn, state, starts_at AS startsAt, expires_at AS expiresAt FROM leases',
            )
            .all() as LeaseRow[]
        ).map((r) => [r.address, leaseFromRow(r)]),
      ),
  };
}
