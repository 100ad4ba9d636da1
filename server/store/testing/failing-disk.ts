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
  // The lease store commits on its own connection, in a worker: the switch is a table both
  // connections see, and the triggers are stored in this scratch database, not TEMP (a TEMP
  // trigger exists only on the connection that made it). A failed batch raises on its first row,
  // which rolls the whole transaction back; the store reports each failure here, so `fail(n)`
  // counts failed commits and turns the switch off after the n-th.
  handle.raw.exec(
    'CREATE TABLE IF NOT EXISTS homeplane_test_disk (failing INTEGER NOT NULL); DELETE FROM homeplane_test_disk; INSERT INTO homeplane_test_disk VALUES (0)',
  );
  const setFailing = handle.raw.prepare('UPDATE homeplane_test_disk SET failing = ?');
  let remaining = 0;
  const set = (n: number): void => {
    remaining = n;
    setFailing.run(n > 0 ? 1 : 0);
  };
  class FailingStore extends SqliteLeaseStore {
    protected override batchFailed(): void {
      if (remaining > 0) set(remaining - 1);
    }
  }
  const events = new SqliteEventLog(handle.raw, clock);
  const store = { events, store: new FailingStore(handle, events) };
  for (const [table, op] of [
    ['leases', 'INSERT'],
    ['leases', 'UPDATE'],
    ['leases', 'DELETE'],
    ['events', 'INSERT'],
  ] as const) {
    handle.raw.exec(
      `CREATE TRIGGER IF NOT EXISTS fail_${table}_${op.toLowerCase()} BEFORE ${op} ON ${table}
       WHEN (SELECT failing FROM homeplane_test_disk) = 1 BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END`,
    );
  }
  return {
    file,
    ...store,
    fail: (n = Number.MAX_SAFE_INTEGER) => set(n),
    heal: () => set(0),
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
