// The embedded store's schema (SQLite). drizzle-kit generates the migrations in ./migrations from
// this file; server/store/ builds its repositories on the tables and row types declared here.
//
// Conventions: addresses are IPv4 as unsigned 32-bit integers (server/dhcp/codec/ipv4.ts), times
// are epoch milliseconds in INTEGER columns, and column names are snake_case in SQL, camelCase
// in TypeScript.
import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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
  (t) => [
    index('leases_client_key_idx').on(t.clientKey),
    // The reclaimer scans by expiry ("expires_at < now"), like Kea's expiration index.
    index('leases_expires_at_idx').on(t.expiresAt),
    check('leases_address_uint32', sql`${t.address} BETWEEN 0 AND 4294967295`),
    check('leases_state_known', sql`${t.state} IN ('active', 'released', 'expired', 'declined')`),
  ],
);

export type LeaseRow = typeof leases.$inferSelect;
export type NewLeaseRow = typeof leases.$inferInsert;
