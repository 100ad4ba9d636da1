// The real DhcpAdmin with one switch for tests: armed, the next call, whatever it is, fails with
// the error given instead of reaching the admin (a synchronous method throws, an asynchronous one
// rejects, as the admin's own failures do); disarmed, every call goes through unchanged. For
// what no real failure reaches cheaply: an error the domain did not name (INTERNAL, logged) and
// proof that a refused call never reached a handler. It adds no rule of its own.
import type { DhcpAdmin, LeaseFilter, Page, ReservationInput, SubnetSummary } from '../../dhcp/admin.ts';
import type { CounterSnapshot } from '../../dhcp/counters.ts';
import type { Lease } from '../../dhcp/lease.ts';
import type { ReservationRecord } from '../../dhcp/reservations.ts';

export class InjectedFailureAdmin implements DhcpAdmin {
  /** Thrown (or rejected with) by the next call; null when disarmed. */
  failNextWith: unknown = null;

  constructor(private readonly admin: DhcpAdmin) {}

  listLeases(filter: LeaseFilter, after: number | null, limit: number): Page<Lease> {
    this.failIfArmed();
    return this.admin.listLeases(filter, after, limit);
  }

  getLease(address: number): { lease: Lease; revision: number } {
    this.failIfArmed();
    return this.admin.getLease(address);
  }

  async releaseLease(address: number): Promise<Lease> {
    this.failIfArmed();
    return this.admin.releaseLease(address);
  }

  listReservations(filter: { subnet?: string; query?: string }): { items: ReservationRecord[]; revision: number } {
    this.failIfArmed();
    return this.admin.listReservations(filter);
  }

  getReservation(id: string): ReservationRecord {
    this.failIfArmed();
    return this.admin.getReservation(id);
  }

  async createReservation(input: ReservationInput): Promise<ReservationRecord> {
    this.failIfArmed();
    return this.admin.createReservation(input);
  }

  async updateReservation(id: string, patch: Partial<ReservationInput>): Promise<ReservationRecord> {
    this.failIfArmed();
    return this.admin.updateReservation(id, patch);
  }

  async deleteReservation(id: string): Promise<ReservationRecord> {
    this.failIfArmed();
    return this.admin.deleteReservation(id);
  }

  async createReservationFromLease(address: number, hostname: string | null): Promise<ReservationRecord> {
    this.failIfArmed();
    return this.admin.createReservationFromLease(address, hostname);
  }

  subnets(): SubnetSummary[] {
    this.failIfArmed();
    return this.admin.subnets();
  }

  counters(): CounterSnapshot & { countingSince: number } {
    this.failIfArmed();
    return this.admin.counters();
  }

  private failIfArmed(): void {
    const failure = this.failNextWith;
    if (failure === null) return;
    this.failNextWith = null;
    throw failure;
  }
}
