// What operators (the gRPC API) may ask of the DHCP side, as a port: the grpc/ layer depends on
// this interface, server/main.ts wires the implementation. Errors are the named classes in
// errors.ts; grpc/ translates them to status codes in one place.
import type { EffectiveOptions } from './option-plan.ts';
import type { PlainOption } from './options/index.ts';
import type { Lease, LeaseState } from './lease.ts';
import type { ReservationRecord } from './reservations.ts';
import type { CounterSnapshot } from './counters.ts';

export interface LeaseFilter {
  /** Subnet id (CIDR text) or undefined for all. */
  subnet?: string;
  state?: LeaseState;
  /** Case-insensitive substring of address, MAC or hostname. */
  query?: string;
}

export interface Page<T> {
  items: T[];
  /** Matches over all pages. */
  total: number;
  /** Revision of the event log the page reflects (committed state, read in one tick). */
  revision: number;
  /** Cursor for the next page (an address, exclusive), or null on the last page. */
  nextAfter: number | null;
}

export interface ReservationInput {
  subnetId?: string; // derived from ip when absent
  mac: string | null;
  clientId: string | null;
  ip: number;
  hostname: string | null;
  /** Checked already (compileOptionEntries); none when absent. */
  options?: PlainOption[];
  nextServer?: number | null;
  bootFile?: string | null;
  serverHostname?: string | null;
}

export interface SubnetSummary {
  id: string;
  poolSize: number;
  inUse: number;
  declined: number;
  free: number;
  reservations: number;
  /** What every client of the subnet gets before classes and reservations: subnet over global. */
  effective: EffectiveOptions;
}

export interface DhcpAdmin {
  /** Committed leases, ordered by address, after `after` (exclusive), at most `limit`. */
  listLeases(filter: LeaseFilter, after: number | null, limit: number): Page<Lease>;
  getLease(address: number): { lease: Lease; revision: number };
  /** An operator frees an address: the lease becomes 'released' (event lease.released). */
  releaseLease(address: number): Promise<Lease>;

  listReservations(filter: { subnet?: string; query?: string }): { items: ReservationRecord[]; revision: number };
  getReservation(id: string): ReservationRecord;
  /** Refused with ConflictError when the MAC, client-id or address collides with another reservation or with another client's active lease. */
  createReservation(input: ReservationInput): Promise<ReservationRecord>;
  updateReservation(id: string, patch: Partial<ReservationInput>): Promise<ReservationRecord>;
  deleteReservation(id: string): Promise<ReservationRecord>;
  /** Turns the lease's client (by client-id, else MAC) and address into an API reservation with that hostname (null: none). */
  createReservationFromLease(address: number, hostname: string | null): Promise<ReservationRecord>;

  subnets(): SubnetSummary[];
  counters(): CounterSnapshot & { countingSince: number };
}
