// What the daemon under test committed and counted, read from outside it: the lease rows in its
// SQLite file (opened read-only, beside the running daemon, which WAL mode allows) and the
// counters line it logs on SIGUSR1.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatIPv4 } from '../codec/ipv4.ts';
import type { LabDaemon } from '../../../scripts/lab/daemon.ts';
import { sleep } from './clients-real-client.ts';

export interface LeaseRecord {
  address: string;
  hwAddress: string;
  clientKey: string;
  hostname: string | null;
  state: string;
  startsAt: number;
  expiresAt: number;
}

interface LeaseRow {
  address: number;
  hw_address: string;
  client_key: string;
  hostname: string | null;
  state: string;
  starts_at: number;
  expires_at: number;
}

/** What `read` finds in the daemon's database, opened read-only; [] while the file does not exist yet. */
function readDatabase<T>(dataDir: string, read: (db: Database.Database) => T[]): T[] {
  let db: Database.Database;
  try {
    db = new Database(join(dataDir, 'homeplane.db'), { readonly: true, fileMustExist: true });
  } catch {
    return [];
  }
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every lease row in the daemon's database; none while the file does not exist yet. */
export function committedLeases(dataDir: string): LeaseRecord[] {
  return readDatabase(dataDir, (db) => {
    const rows = db
      .prepare('SELECT address, hw_address, client_key, hostname, state, starts_at, expires_at FROM leases')
      .all() as LeaseRow[];
    return rows.map((r) => ({
      address: formatIPv4(r.address),
      hwAddress: r.hw_address,
      clientKey: r.client_key,
      hostname: r.hostname,
      state: r.state,
      startsAt: r.starts_at,
      expiresAt: r.expires_at,
    }));
  });
}

/** A lease change the daemon logged: what happened and the lease as it was committed. */
export interface LeaseEvent {
  revision: number;
  kind: string;
  lease: LeaseRecord;
}

/** The lease events of `address` in the daemon's event log, oldest first; none while there is no file. */
export function leaseEvents(dataDir: string, address: string): LeaseEvent[] {
  return readDatabase(dataDir, (db) => {
    const rows = db
      .prepare(
        "SELECT revision, kind, payload FROM events WHERE object_type = 'lease' AND object_id = ? ORDER BY revision",
      )
      .all(address) as { revision: number; kind: string; payload: string }[];
    return rows.map((r) => {
      const l = JSON.parse(r.payload) as Omit<LeaseRecord, 'address'> & { address: number };
      return {
        revision: r.revision,
        kind: r.kind,
        lease: {
          address: formatIPv4(l.address),
          hwAddress: l.hwAddress,
          clientKey: l.clientKey,
          hostname: l.hostname,
          state: l.state,
          startsAt: l.startsAt,
          expiresAt: l.expiresAt,
        },
      };
    });
  });
}

/**
 * The lease row of `address` once `accept` holds for it; fails after `timeoutMs` showing what was
 * there. (The daemon ACKs once a lease is in its lease journal; the row follows within
 * milliseconds, so a test reading the table right after an ACK waits for it here.)
 */
export async function waitForLease(
  dataDir: string,
  address: string,
  accept: (lease: LeaseRecord) => boolean,
  timeoutMs = 5_000,
): Promise<LeaseRecord> {
  const wanted = (l: LeaseRecord) => l.address === address && accept(l);
  return (await waitForLeases(dataDir, (all) => all.some(wanted), timeoutMs)).find(wanted)!;
}

/** Every lease row, once `accept` holds for them; fails after `timeoutMs` showing what was there. */
export async function waitForLeases(
  dataDir: string,
  accept: (leases: LeaseRecord[]) => boolean,
  timeoutMs = 5_000,
): Promise<LeaseRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leases = committedLeases(dataDir);
    if (accept(leases)) return leases;
    if (Date.now() > deadline) {
      throw new Error(`lease rows not as expected within ${timeoutMs} ms: ${JSON.stringify(leases)}`);
    }
    await sleep(100);
  }
}

/** The counters a daemon process has kept since it started, zero where nothing was counted. */
export interface DaemonCounters {
  received(type: string): number;
  sent(type: string): number;
  released: number;
  raw: unknown;
}

export async function daemonCounters(daemon: LabDaemon): Promise<DaemonCounters> {
  const line = await daemon.stats();
  const dhcp = line.dhcp as {
    received: Record<string, number>;
    sent: Record<string, number>;
    recorded: { released: number };
  };
  return {
    received: (type) => dhcp.received[type] ?? 0,
    sent: (type) => dhcp.sent[type] ?? 0,
    released: dhcp.recorded.released,
    raw: dhcp,
  };
}
