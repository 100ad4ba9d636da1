// An in-memory DhcpAdmin over a FakeEventLog: every change commits its event, errors are the
// domain's named classes, as the port promises. Small on purpose: enough lease and reservation
// rules to drive each status code of the API, not a DHCP engine.
import type { DhcpAdmin, LeaseFilter, Page, ReservationInput, SubnetSummary } from '../../dhcp/admin.ts';
import type { Lease } from '../../dhcp/lease.ts';
import type { ReservationRecord } from '../../dhcp/reservations.ts';
import type { CounterSnapshot } from '../../dhcp/counters.ts';
import type { EventDraft } from '../../events/types.ts';
import { cidrContains, formatIPv4, parseCidr, parseIPv4, type Cidr } from '../../dhcp/codec/ipv4.ts';
import { ConflictError, InvalidInputError, NotFoundError, ReadOnlyError } from '../../dhcp/errors.ts';
import type { FakeEventLog } from './fake-event-log.ts';

export const COUNTING_SINCE = Date.parse('2025-01-02T03:00:00Z');

export const COUNTERS: CounterSnapshot = {
  received: { discover: 7, request: 5 },
  sent: { offer: 7, ack: 5 },
  dropped: { malformed: 1 },
  recorded: { declined: 1, released: 2 },
  leasesCommitted: 9,
};

/** A lease for tests: address as text, the rest defaulted from it. */
export function testLease(address: string, changes: Partial<Lease> = {}): Lease {
  const ip = parseIPv4(address)!;
  const octet = (ip & 255).toString(16).padStart(2, '0');
  return {
    address: ip,
    subnetId: '10.123.0.0/24',
    clientKey: `hw:52:54:00:00:00:${octet}`,
    hwAddress: `52:54:00:00:00:${octet}`,
    clientId: null,
    hostname: `host-${ip & 255}`,
    fqdn: null,
    state: 'active',
    startsAt: Date.parse('2025-01-02T03:04:05Z'),
    expiresAt: Date.parse('2025-01-02T04:04:05Z'),
    ...changes,
  };
}

export class FakeDhcpAdmin implements DhcpAdmin {
  readonly leases = new Map<number, Lease>();
  readonly reservations = new Map<string, ReservationRecord>();
  private readonly subnetCidrs: { id: string; cidr: Cidr }[];
  private nextId = 1;
  /** Thrown by the next call, whatever it is (to drive INTERNAL and the like). */
  failNextWith: unknown = null;

  constructor(
    private readonly log: FakeEventLog,
    subnetIds: readonly string[] = ['10.123.0.0/24', '10.124.0.0/24'],
  ) {
    this.subnetCidrs = subnetIds.map((id) => ({ id, cidr: parseCidr(id)! }));
  }

  /** Sets leases as one committed transaction of "lease.granted" events. */
  grant(...leases: Lease[]): void {
    for (const lease of leases) this.leases.set(lease.address, lease);
    this.log.commit(leases.map((lease) => ({ object: 'lease', kind: 'lease.granted', lease })));
  }

  /** A reservation from the config file (no event: the config is not the log's). */
  addConfigReservation(record: Omit<ReservationRecord, 'source' | 'id'>): ReservationRecord {
    const stored: ReservationRecord = { ...record, id: `cfg-${this.reservations.size}`, source: 'config' };
    this.reservations.set(stored.id, stored);
    return stored;
  }

  /** The current objects, read with the revision they reflect (the server's snapshot option). */
  snapshot(): { revision: number; events: EventDraft[] } {
    return {
      revision: this.log.lastRevision(),
      events: [
        ...[...this.leases.values()].map((lease): EventDraft => ({ object: 'lease', kind: 'lease.granted', lease })),
        ...[...this.reservations.values()].map((reservation): EventDraft => ({ object: 'reservation', kind: 'reservation.created', reservation })),
      ],
    };
  }

  listLeases(filter: LeaseFilter, after: number | null, limit: number): Page<Lease> {
    this.failIfAsked();
    const query = filter.query?.toLowerCase();
    const matching = [...this.leases.values()]
      .filter((l) => filter.subnet === undefined || l.subnetId === filter.subnet)
      .filter((l) => filter.state === undefined || l.state === filter.state)
      .filter((l) => query === undefined || [formatIPv4(l.address), l.hwAddress, l.hostname ?? ''].some((t) => t.toLowerCase().includes(query)))
      .sort((a, b) => a.address - b.address);
    const rest = after === null ? matching : matching.filter((l) => l.address > after);
    const items = rest.slice(0, limit);
    return {
      items,
      total: matching.length,
      revision: this.log.lastRevision(),
      nextAfter: rest.length > limit ? items[items.length - 1]!.address : null,
    };
  }

  getLease(address: number): { lease: Lease; revision: number } {
    this.failIfAsked();
    return { lease: this.leaseAt(address), revision: this.log.lastRevision() };
  }

  async releaseLease(address: number): Promise<Lease> {
    this.failIfAsked();
    await Promise.resolve();
    const lease = this.leaseAt(address);
    if (lease.state !== 'active') throw new ConflictError(`the lease of ${formatIPv4(address)} is ${lease.state}, not active`);
    const released: Lease = { ...lease, state: 'released' };
    this.leases.set(address, released);
    this.log.commit([{ object: 'lease', kind: 'lease.released', lease: released }]);
    return released;
  }

  listReservations(filter: { subnet?: string; query?: string }): { items: ReservationRecord[]; revision: number } {
    this.failIfAsked();
    const query = filter.query?.toLowerCase();
    const items = [...this.reservations.values()]
      .filter((r) => filter.subnet === undefined || r.subnetId === filter.subnet)
      .filter((r) => query === undefined || [formatIPv4(r.ip), r.mac ?? '', r.hostname ?? ''].some((t) => t.toLowerCase().includes(query)));
    return { items, revision: this.log.lastRevision() };
  }

  getReservation(id: string): ReservationRecord {
    this.failIfAsked();
    const found = this.reservations.get(id);
    if (found === undefined) throw new NotFoundError(`no reservation has the id "${id}"`);
    return found;
  }

  async createReservation(input: ReservationInput): Promise<ReservationRecord> {
    this.failIfAsked();
    await Promise.resolve();
    const record: ReservationRecord = { ...this.checked(input, null), id: `api-${this.nextId++}`, source: 'api' };
    this.reservations.set(record.id, record);
    this.log.commit([{ object: 'reservation', kind: 'reservation.created', reservation: record }]);
    return record;
  }

  async updateReservation(id: string, patch: Partial<ReservationInput>): Promise<ReservationRecord> {
    this.failIfAsked();
    await Promise.resolve();
    const current = this.writable(id);
    const merged: ReservationInput = {
      mac: patch.mac !== undefined ? patch.mac : current.mac,
      clientId: patch.clientId !== undefined ? patch.clientId : current.clientId,
      ip: patch.ip ?? current.ip,
      hostname: patch.hostname !== undefined ? patch.hostname : current.hostname,
    };
    const record: ReservationRecord = { ...this.checked(merged, id), id, source: current.source };
    this.reservations.set(id, record);
    this.log.commit([{ object: 'reservation', kind: 'reservation.updated', reservation: record }]);
    return record;
  }

  async deleteReservation(id: string): Promise<ReservationRecord> {
    this.failIfAsked();
    await Promise.resolve();
    const current = this.writable(id);
    this.reservations.delete(id);
    this.log.commit([{ object: 'reservation', kind: 'reservation.deleted', reservation: current }]);
    return current;
  }

  async createReservationFromLease(address: number, hostname: string | null): Promise<ReservationRecord> {
    this.failIfAsked();
    const lease = this.leaseAt(address);
    if (lease.state !== 'active') throw new ConflictError(`the lease of ${formatIPv4(address)} is ${lease.state}, not active`);
    return this.createReservation({ mac: lease.hwAddress, clientId: lease.clientId, ip: address, hostname });
  }

  subnets(): SubnetSummary[] {
    this.failIfAsked();
    return this.subnetCidrs.map(({ id }) => {
      const leases = [...this.leases.values()].filter((l) => l.subnetId === id);
      const inUse = leases.filter((l) => l.state === 'active').length;
      const declined = leases.filter((l) => l.state === 'declined').length;
      const reservations = [...this.reservations.values()].filter((r) => r.subnetId === id).length;
      return { id, poolSize: 100, inUse, declined, free: 100 - inUse - declined, reservations };
    });
  }

  counters(): CounterSnapshot & { countingSince: number } {
    this.failIfAsked();
    return { ...COUNTERS, countingSince: COUNTING_SINCE };
  }

  private failIfAsked(): void {
    const failure = this.failNextWith;
    if (failure === null) return;
    this.failNextWith = null;
    throw failure;
  }

  private leaseAt(address: number): Lease {
    const lease = this.leases.get(address);
    if (lease === undefined) throw new NotFoundError(`no lease has the address ${formatIPv4(address)}`);
    return lease;
  }

  private writable(id: string): ReservationRecord {
    const current = this.getReservation(id);
    if (current.source === 'config') {
      throw new ReadOnlyError(`reservation "${id}" comes from the config file; edit the file instead`);
    }
    return current;
  }

  /** The domain's checks: a subnet for the address, an identity, no collision. */
  private checked(input: ReservationInput, self: string | null): Omit<ReservationRecord, 'id' | 'source'> {
    const subnet = this.subnetCidrs.find((s) => cidrContains(s.cidr, input.ip));
    if (subnet === undefined) throw new InvalidInputError('address', `${formatIPv4(input.ip)} is in no configured subnet`);
    if (input.subnetId !== undefined && input.subnetId !== subnet.id) {
      throw new InvalidInputError('subnet', `${formatIPv4(input.ip)} is in ${subnet.id}, not ${input.subnetId}`);
    }
    if (input.mac === null && input.clientId === null) throw new InvalidInputError('mac', 'a reservation needs a MAC or a client-id');
    for (const other of this.reservations.values()) {
      if (other.id === self) continue;
      if (other.ip === input.ip) throw new ConflictError(`${formatIPv4(input.ip)} is already reserved by reservation "${other.id}"`);
      if (input.mac !== null && other.mac === input.mac) throw new ConflictError(`MAC ${input.mac} already has reservation "${other.id}"`);
      if (input.clientId !== null && other.clientId === input.clientId) {
        throw new ConflictError(`client-id ${input.clientId} already has reservation "${other.id}"`);
      }
    }
    const holder = this.leases.get(input.ip);
    const sameClient = holder !== undefined && (holder.hwAddress === input.mac || (holder.clientId !== null && holder.clientId === input.clientId));
    if (holder !== undefined && holder.state === 'active' && !sameClient) {
      throw new ConflictError(`${formatIPv4(input.ip)} is held by an active lease of ${holder.hwAddress}`);
    }
    return { subnetId: subnet.id, mac: input.mac, clientId: input.clientId, ip: input.ip, hostname: input.hostname };
  }
}
