// What the browser receives: plain, JSON-safe views of the daemon's objects and of the Watch
// stream. The server turns proto messages into these (app/lib/lease-row.ts, watch-frames.ts),
// so client components never import the generated gRPC code.

export const LEASE_STATES = ['active', 'released', 'expired', 'declined'] as const;
export type LeaseStateName = (typeof LEASE_STATES)[number] | 'unknown';

/** One lease as a table row. Times are epoch milliseconds, null when the daemon sent none. */
export interface LeaseRow {
  address: string;
  subnet: string;
  hwAddress: string;
  /** The organisation the MAC's IEEE block belongs to (app/lib/oui.ts); '' when none is known. */
  vendor: string;
  clientId: string;
  hostname: string;
  fqdn: string;
  state: LeaseStateName;
  startsAt: number | null;
  expiresAt: number | null;
}

/** One event of the log (homeplane.v1.Event). revision 0 marks a snapshot event after a Reset. */
export interface LiveEvent {
  revision: number;
  /** Commit time, epoch milliseconds. */
  time: number | null;
  /** "<object>.<verb>", e.g. "lease.granted"; kinds a page does not know are ignored. */
  kind: string;
  lease?: LeaseRow;
  /** Reservations, VMs and hosts are passed through as proto JSON until a page shows them. */
  reservation?: unknown;
  vm?: unknown;
  host?: unknown;
}

/** One message of /api/events, by SSE event type. */
export type StreamMessage =
  | { type: 'event'; event: LiveEvent }
  | { type: 'reset' }
  | { type: 'synced'; revision: number }
  | { type: 'bookmark'; revision: number };

/** SSE event types the relay writes (the `event:` field). */
export const STREAM_EVENT_TYPES = ['event', 'reset', 'synced', 'bookmark'] as const;
