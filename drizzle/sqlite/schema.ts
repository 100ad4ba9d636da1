// The embedded store's schema (SQLite). drizzle-kit generates the migrations in ./migrations from
// this file; server/store/ builds its repositories on the tables and row types declared here.
//
// Conventions: addresses are IPv4 as unsigned 32-bit integers (server/dhcp/codec/ipv4.ts), times
// are epoch milliseconds in INTEGER columns, and column names are snake_case in SQL, camelCase
// in TypeScript.
import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const leaseStates = ['active', 'released', 'expired', 'declined'] as const;

/**
 * One row per address: an address is bound to at most one client at a time (RFC 2131 2.2), so
 * the address is the key and a new binding replaces the old row. `address INTEGER PRIMARY KEY`
 * makes it SQLite's rowid, so a lookup or upsert by address is one b-tree search.
 */
export const leases = sqliteTable(
  'leases',
  {
    address: integer('address').primaryKey(),
    subnetId: text('subnet_id').notNull(),
    /** "id:<hex>" (option 61) or "hw:<mac>": how a returning client finds its lease. */
    clientKey: text('client_key').notNull(),
    hwAddress: text('hw_address').notNull(),
    clientId: text('client_id'),
    hostname: text('hostname'),
    fqdn: text('fqdn'),
    state: text('state', { enum: leaseStates }).notNull(),
    startsAt: integer('starts_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  // No secondary index: the daemon's in-memory table (server/dhcp/bindings.ts) answers every
  // lookup by client and the reclaimer's scan by expiry, and the API reads by address or scans.
  // An index here was only a cost: two of them took a commit of one renewal from about 3 WAL
  // pages to about 6 (the expiry entry moves on every renewal), 20% more CPU a commit (issue 12).
  (t) => [
    check('leases_address_uint32', sql`${t.address} BETWEEN 0 AND 4294967295`),
    check('leases_state_known', sql`${t.state} IN ('active', 'released', 'expired', 'declined')`),
  ],
);

export type LeaseRow = typeof leases.$inferSelect;
export type NewLeaseRow = typeof leases.$inferInsert;

/**
 * The event log: every state change, appended in the same transaction as the change itself.
 * The event log hands out revisions itself (the last committed one plus one), never SQLite: a
 * revision must never be handed out twice, since Watch(since_revision) would skip an event that
 * reused a number a watcher had seen. With AUTOINCREMENT that cost an extra page (sqlite_sequence)
 * in every commit; now the counter is MAX(revision), and when compaction deletes the newest rows
 * `event_log_floor` remembers the highest revision it deleted. A rolled-back revision was never
 * published, so the next commit may reuse it. The payload is always JSON.stringify output: the
 * log is its only writer, so SQLite does not re-parse it on every insert (json_valid was 10% of a
 * one-row commit).
 */
export const events = sqliteTable('events', {
  revision: integer('revision').primaryKey(),
  /** Epoch milliseconds of the change. */
  time: integer('time').notNull(),
  /** What happened, e.g. "lease.granted", "vm.state". */
  kind: text('kind').notNull(),
  /** What it happened to ("lease", "reservation", "vm", "host") and that object's id. */
  objectType: text('object_type').notNull(),
  objectId: text('object_id').notNull(),
  /** The object (or the change) as JSON text. */
  payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
});

/**
 * One row: the highest revision compaction has deleted, so that revisions go on above it even
 * when the log is empty (see `events`). Written only by compaction and by the migration that
 * retired AUTOINCREMENT (from sqlite_sequence), never by a commit.
 */
export const eventLogFloor = sqliteTable(
  'event_log_floor',
  {
    id: integer('id').primaryKey(),
    revision: integer('revision').notNull(),
  },
  (t) => [
    check('event_log_floor_one_row', sql`${t.id} = 1`),
    check('event_log_floor_revision', sql`${t.revision} >= 0`),
  ],
);

/**
 * One row: the last lease-journal batch committed here (server/store/lease-journal.ts). Written in
 * the same transaction as the batch, so after a crash the batches of the journal above it are the
 * ones still to commit, and none is committed twice.
 */
export const leaseJournal = sqliteTable(
  'lease_journal',
  {
    id: integer('id').primaryKey(),
    appliedSeq: integer('applied_seq').notNull(),
  },
  (t) => [check('lease_journal_one_row', sql`${t.id} = 1`)],
);

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;

export const reservationSources = ['config', 'vm', 'api'] as const;

/**
 * Host reservations (Kea: host reservations; dnsmasq: dhcp-host): a fixed address for a client
 * known by MAC or by client identifier. `source` says who owns the row: the config file (rewritten
 * on each start), the VM inventory (one per VM's MAC) or the API.
 */
export const reservations = sqliteTable(
  'reservations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subnetId: text('subnet_id').notNull(),
    /** Normalised "aa:bb:cc:dd:ee:ff"; null when the reservation is by client id. */
    mac: text('mac'),
    /** Option 61 (type octet included) as lower-case hex; null when by MAC. */
    clientId: text('client_id'),
    ip: integer('ip').notNull(),
    hostname: text('hostname'),
    source: text('source', { enum: reservationSources }).notNull(),
    /** The reservation's DHCP options as JSON: [{ code, name, type, data, always }], data canonical. */
    options: text('options').notNull().default('[]'),
    /** siaddr for the client (uint32); null for none. */
    nextServer: integer('next_server'),
    bootFile: text('boot_file'),
    serverHostname: text('server_hostname'),
  },
  (t) => [
    // One reservation per address and per client identity within a subnet, as Kea enforces by
    // default; SQLite treats NULLs as distinct, so a null mac or client id never collides.
    uniqueIndex('reservations_subnet_ip_uq').on(t.subnetId, t.ip),
    uniqueIndex('reservations_subnet_mac_uq').on(t.subnetId, t.mac),
    uniqueIndex('reservations_subnet_client_id_uq').on(t.subnetId, t.clientId),
    check('reservations_identity', sql`${t.mac} IS NOT NULL OR ${t.clientId} IS NOT NULL`),
    check('reservations_ip_uint32', sql`${t.ip} BETWEEN 0 AND 4294967295`),
    check('reservations_source_known', sql`${t.source} IN ('config', 'vm', 'api')`),
  ],
);

export type ReservationRow = typeof reservations.$inferSelect;
export type NewReservationRow = typeof reservations.$inferInsert;

export const vmStates = ['stopped', 'starting', 'running', 'paused', 'stopping', 'crashed'] as const;
export const vmDesiredStates = ['stopped', 'running'] as const;

/**
 * VMs of the hypervisor inventory. The definition (name, sizes, MAC, boot source) beside the
 * desired state and the last actual state seen (kept so a restart knows what was running and can
 * re-attach or restart it). `boot` is the tagged boot source as JSON.
 */
export const vms = sqliteTable(
  'vms',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    vcpus: integer('vcpus').notNull(),
    memoryMib: integer('memory_mib').notNull(),
    diskGib: integer('disk_gib').notNull(),
    mac: text('mac').notNull(),
    bridge: text('bridge').notNull(),
    boot: text('boot', { mode: 'json' }).$type<unknown>().notNull(),
    autostart: integer('autostart', { mode: 'boolean' }).notNull(),
    hostId: text('host_id').notNull(),
    state: text('state', { enum: vmStates }).notNull(),
    stateReason: text('state_reason').notNull(),
    desiredState: text('desired_state', { enum: vmDesiredStates }).notNull(),
    /** IPv4 as uint32, from the VM's lease; null before it has one. */
    address: integer('address'),
    createdAt: integer('created_at').notNull(),
    /** Epoch ms when the guest last began to run; null while it does not run (vm.proto start_time). */
    startedAt: integer('started_at'),
  },
  (t) => [
    uniqueIndex('vms_name_uq').on(t.name),
    uniqueIndex('vms_mac_uq').on(t.mac),
    check('vms_state_known', sql`${t.state} IN ('stopped', 'starting', 'running', 'paused', 'stopping', 'crashed')`),
    check('vms_desired_state_known', sql`${t.desiredState} IN ('stopped', 'running')`),
    check('vms_boot_json', sql`json_valid(${t.boot})`),
  ],
);

export type VmRow = typeof vms.$inferSelect;

/** Hypervisor hosts: their stable facts as JSON (server/hypervisor/host.ts HostRecord). */
export const hosts = sqliteTable(
  'hosts',
  {
    id: text('id').primaryKey(),
    facts: text('facts', { mode: 'json' }).$type<unknown>().notNull(),
  },
  (t) => [check('hosts_facts_json', sql`json_valid(${t.facts})`)],
);

export type HostRow = typeof hosts.$inferSelect;

/**
 * Dashboard users (design.md, Dashboard access). `password_hash` is an argon2id PHC string
 * ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"): the parameters travel with the hash, so they can
 * be raised later without a migration.
 */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
});

export type UserRow = typeof users.$inferSelect;

/**
 * Signed-in sessions, server-side so they can be listed and revoked. Only the SHA-256 of a token
 * is stored: a copy of the database does not let anyone sign in.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Hex SHA-256 of the session token. */
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    clientAddress: text('client_address').notNull(),
  },
  (t) => [index('sessions_expires_at_idx').on(t.expiresAt), index('sessions_user_id_idx').on(t.userId)],
);

export type SessionRow = typeof sessions.$inferSelect;
