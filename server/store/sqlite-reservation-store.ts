// API and VM reservations on SQLite. Each change and its event commit in one (synchronous)
// transaction through the event log's transact(), which publishes the event after the commit. Config reservations are never stored: they come from
// the YAML on every start.
import type Database from 'better-sqlite3';
import type { ReservationEventKind, ReservationRecord } from '../dhcp/reservations.ts';
import type { SqliteEventLog } from './sqlite-event-log.ts';

interface ReservationRowRaw {
  id: number;
  subnet_id: string;
  mac: string | null;
  client_id: string | null;
  ip: number;
  hostname: string | null;
  source: ReservationRecord['source'];
  options: string;
  next_server: number | null;
  boot_file: string | null;
  server_hostname: string | null;
}

export type ReservationFields = Omit<ReservationRecord, 'id'>;

export class SqliteReservationStore {
  constructor(
    private readonly raw: Database.Database,
    private readonly eventLog: SqliteEventLog,
  ) {}

  /** Every stored (API and VM) reservation. */
  loadAll(): ReservationRecord[] {
    return (this.raw.prepare('SELECT * FROM reservations ORDER BY id').all() as ReservationRowRaw[]).map(recordFromRaw);
  }

  create(fields: ReservationFields): ReservationRecord {
    return this.commit('reservation.created', () => {
      const result = this.raw
        .prepare(
          `INSERT INTO reservations (subnet_id, mac, client_id, ip, hostname, source, options, next_server, boot_file, server_hostname)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          fields.subnetId,
          fields.mac,
          fields.clientId,
          fields.ip,
          fields.hostname,
          fields.source,
          JSON.stringify(fields.options),
          fields.nextServer,
          fields.bootFile,
          fields.serverHostname,
        );
      return { ...fields, id: String(result.lastInsertRowid) };
    });
  }

  update(record: ReservationRecord): ReservationRecord {
    return this.commit('reservation.updated', () => {
      this.raw
        .prepare(
          `UPDATE reservations SET subnet_id = ?, mac = ?, client_id = ?, ip = ?, hostname = ?,
             options = ?, next_server = ?, boot_file = ?, server_hostname = ? WHERE id = ?`,
        )
        .run(
          record.subnetId,
          record.mac,
          record.clientId,
          record.ip,
          record.hostname,
          JSON.stringify(record.options),
          record.nextServer,
          record.bootFile,
          record.serverHostname,
          Number(record.id),
        );
      return record;
    });
  }

  delete(record: ReservationRecord): ReservationRecord {
    return this.commit('reservation.deleted', () => {
      this.raw.prepare('DELETE FROM reservations WHERE id = ?').run(Number(record.id));
      return record;
    });
  }

  private commit(kind: ReservationEventKind, change: () => ReservationRecord): ReservationRecord {
    return this.eventLog.transact((record) => {
      const reservation = change();
      record([{ object: 'reservation', kind, reservation }]);
      return reservation;
    });
  }
}

function recordFromRaw(r: ReservationRowRaw): ReservationRecord {
  return {
    id: String(r.id),
    subnetId: r.subnet_id,
    mac: r.mac,
    clientId: r.client_id,
    ip: r.ip,
    hostname: r.hostname,
    source: r.source,
    options: JSON.parse(r.options) as ReservationRecord['options'],
    nextServer: r.next_server,
    bootFile: r.boot_file,
    serverHostname: r.server_hostname,
  };
}
