// The operator side of the DHCP server (implements the DhcpAdmin port for the gRPC layer):
// committed leases and reservations for reading, and the changes operators may make. Reads come
// from the committed store with the event log's revision taken in the same tick; lease changes go
// through the Bindings, the one owner of the table, offers, pools and their store.
import type { DhcpAdmin, LeaseFilter, Page, ReservationInput, SubnetSummary } from './admin.ts';
import type { Lease } from './lease.ts';
import type { ReservationRecord } from './reservations.ts';
import type { ReservationConfig } from '../config/types.ts';
import type { EventLogReader } from '../events/types.ts';
import type { Bindings } from './bindings.ts';
import type { Clock } from '../ports.ts';
import type { DhcpCounters } from './counters.ts';
import { reservationMatches, type Subnet } from './subnet.ts';
import { formatIPv4 } from './codec/ipv4.ts';
import { compilePlainOptions, plainOption } from './options/index.ts';
import { ConflictError, InvalidInputError, NotFoundError, ReadOnlyError, StoreBehindError } from '../errors.ts';

/** Port: committed leases (synchronous reads). */
export interface LeaseQueryPort {
  page(filter: LeaseFilter, after: number | null, limit: number): { items: Lease[]; total: number };
  get(address: number): Lease | undefined;
}

/** Port: stored reservations; each change commits with its event before it returns. */
export interface ReservationRepository {
  loadAll(): ReservationRecord[];
  create(fields: Omit<ReservationRecord, 'id'>): ReservationRecord;
  update(record: ReservationRecord): ReservationRecord;
  delete(record: ReservationRecord): ReservationRecord;
}

export interface DhcpAdminDeps {
  bindings: Bindings;
  /** The subnet served on a network interface (the hypervisor bridge), if any. */
  subnetOnInterface: (name: string) => Subnet | undefined;
  leases: LeaseQueryPort;
  reservations: ReservationRepository;
  log: EventLogReader;
  counters: DhcpCounters;
  clock: Clock;
  startedAt: number;
}

interface Installed {
  record: ReservationRecord;
  /** The object in the subnet's reservation index. */
  entry: ReservationConfig;
  subnet: Subnet;
}

export class DhcpAdminService implements DhcpAdmin {
  private readonly installed = new Map<string, Installed>();

  constructor(private readonly deps: DhcpAdminDeps) {
    // Config reservations are already in the subnets' indexes; give them stable ids.
    let n = 0;
    for (const subnet of deps.bindings.subnets) {
      for (const entry of subnet.config.reservations) {
        const record: ReservationRecord = {
          id: `cfg-${++n}`,
          subnetId: subnet.id,
          mac: entry.mac,
          clientId: entry.clientId,
          ip: entry.ip,
          hostname: entry.hostname,
          source: 'config',
          options: entry.options.map(plainOption),
          nextServer: entry.nextServer,
          bootFile: entry.bootFile,
          serverHostname: entry.serverHostname,
        };
        this.installed.set(record.id, { record, entry, subnet });
      }
    }
    for (const record of deps.reservations.loadAll()) {
      const subnet = deps.bindings.subnets.find((s) => s.id === record.subnetId);
      if (subnet) this.install(record, subnet); // a subnet removed from the config: its reservations wait unused
    }
  }

  listLeases(filter: LeaseFilter, after: number | null, limit: number): Page<Lease> {
    const { items, total } = this.deps.leases.page(filter, after, limit + 1);
    const more = items.length > limit;
    const page = more ? items.slice(0, limit) : items;
    return {
      items: page,
      total,
      revision: this.deps.log.lastRevision(),
      nextAfter: more ? page[page.length - 1]!.address : null,
    };
  }

  getLease(address: number): { lease: Lease; revision: number } {
    const lease = this.deps.leases.get(address);
    if (!lease) throw new NotFoundError(`no lease for ${formatIPv4(address)}`);
    return { lease, revision: this.deps.log.lastRevision() };
  }

  async releaseLease(address: number): Promise<Lease> {
    const { bindings, clock } = this.deps;
    const lease = bindings.byAddr(address);
    if (!lease) throw new NotFoundError(`no lease for ${formatIPv4(address)}`);
    if (lease.state !== 'active' || lease.expiresAt <= clock.now())
      throw new ConflictError(`the lease for ${formatIPv4(address)} is not active (state ${lease.state})`);
    const change = bindings.end(lease, clock.now());
    if (!(await change.durable)) {
      throw new StoreBehindError(
        `${formatIPv4(address)} is released, but the lease database is failing writes: the release is retried until it is stored (see the daemon log)`,
      );
    }
    return bindings.byAddr(address)!;
  }

  listReservations(filter: { subnet?: string; query?: string }): { items: ReservationRecord[]; revision: number } {
    const q = filter.query?.toLowerCase();
    const items = [...this.installed.values()]
      .map((i) => i.record)
      .filter((r) => !filter.subnet || r.subnetId === filter.subnet)
      .filter(
        (r) =>
          !q || [formatIPv4(r.ip), r.mac ?? '', r.clientId ?? '', r.hostname ?? ''].join(' ').toLowerCase().includes(q),
      )
      .sort((a, b) => a.ip - b.ip);
    return { items, revision: this.deps.log.lastRevision() };
  }

  getReservation(id: string): ReservationRecord {
    const found = this.installed.get(id);
    if (!found) throw new NotFoundError(`no reservation with id "${id}"`);
    return found.record;
  }

  async createReservation(input: ReservationInput): Promise<ReservationRecord> {
    const subnet = this.subnetFor(input);
    this.checkCollisions(input, null);
    const record = this.deps.reservations.create({
      subnetId: subnet.id,
      mac: input.mac,
      clientId: input.clientId,
      ip: input.ip,
      hostname: input.hostname,
      source: 'api',
      options: (input.options ?? []).map(plainOption),
      nextServer: input.nextServer ?? null,
      bootFile: input.bootFile ?? null,
      serverHostname: input.serverHostname ?? null,
    });
    this.install(record, subnet);
    return record;
  }

  async updateReservation(id: string, patch: Partial<ReservationInput>): Promise<ReservationRecord> {
    const current = this.installed.get(id);
    if (!current) throw new NotFoundError(`no reservation with id "${id}"`);
    if (current.record.source !== 'api')
      throw new ReadOnlyError(
        `reservation "${id}" comes from the ${current.record.source === 'config' ? 'config file; edit the file instead' : 'VM inventory'}`,
      );
    const next: ReservationInput = {
      mac: patch.mac !== undefined ? patch.mac : current.record.mac,
      clientId: patch.clientId !== undefined ? patch.clientId : current.record.clientId,
      ip: patch.ip ?? current.record.ip,
      hostname: patch.hostname !== undefined ? patch.hostname : current.record.hostname,
      options: (patch.options ?? current.record.options).map(plainOption),
      nextServer: patch.nextServer !== undefined ? patch.nextServer : current.record.nextServer,
      bootFile: patch.bootFile !== undefined ? patch.bootFile : current.record.bootFile,
      serverHostname: patch.serverHostname !== undefined ? patch.serverHostname : current.record.serverHostname,
    };
    const subnet = this.subnetFor(next);
    this.checkCollisions(next, id);
    const record = this.deps.reservations.update({
      ...current.record,
      mac: next.mac,
      clientId: next.clientId,
      ip: next.ip,
      hostname: next.hostname,
      options: next.options ?? [],
      nextServer: next.nextServer ?? null,
      bootFile: next.bootFile ?? null,
      serverHostname: next.serverHostname ?? null,
      subnetId: subnet.id,
    });
    this.uninstall(id);
    this.install(record, subnet);
    return record;
  }

  async deleteReservation(id: string): Promise<ReservationRecord> {
    const current = this.installed.get(id);
    if (!current) throw new NotFoundError(`no reservation with id "${id}"`);
    if (current.record.source !== 'api')
      throw new ReadOnlyError(
        `reservation "${id}" comes from the ${current.record.source === 'config' ? 'config file; edit the file instead' : 'VM inventory'}`,
      );
    const record = this.deps.reservations.delete(current.record);
    this.uninstall(id);
    return record;
  }

  /**
   * The VM inventory's narrow port: a reservation (source vm) for a VM's MAC, on a free pool
   * address of the subnet served on `bridge` (else the first subnet with a pool), with the VM's
   * name as host name. The inventory never sees the engine; the engine never learns what a VM is.
   */
  async reserveForVm(mac: string, hostname: string, bridge: string): Promise<ReservationRecord> {
    const existing = [...this.installed.values()].find((i) => i.record.mac === mac);
    if (existing)
      throw new ConflictError(
        `MAC ${mac} is already reserved by reservation "${existing.record.id}" (${existing.record.source})`,
      );
    const subnet =
      this.deps.subnetOnInterface(bridge) ?? this.deps.bindings.subnets.find((s) => s.allocator.capacity > 0);
    if (!subnet)
      throw new ConflictError(
        `no DHCP subnet to reserve an address in for the VM: serve the bridge "${bridge}" (dhcp.interfaces) with a subnet that has a pool`,
      );
    const ip = this.freeAddress(subnet);
    if (ip === null)
      throw new ConflictError(
        `no free address left in the pools of ${subnet.id} for the VM's reservation; widen a pool or delete leases`,
      );
    const record = this.deps.reservations.create({
      subnetId: subnet.id,
      mac,
      clientId: null,
      ip,
      hostname,
      source: 'vm',
      options: [],
      nextServer: null,
      bootFile: null,
      serverHostname: null,
    });
    this.install(record, subnet);
    return record;
  }

  /** Whether any reservation (config, API or VM) names the MAC. */
  macReserved(mac: string): boolean {
    for (const { record } of this.installed.values()) if (record.mac === mac) return true;
    return false;
  }

  /** Removes the VM's reservation (source vm) for that MAC; nothing when it has none. */
  async releaseVm(mac: string): Promise<void> {
    const found = [...this.installed.values()].find((i) => i.record.mac === mac && i.record.source === 'vm');
    if (!found) return;
    this.deps.reservations.delete(found.record);
    this.uninstall(found.record.id);
  }

  /**
   * A pool address nobody holds, reserves or is offered, lowest first; one never leased before
   * if there is one (a returning client's old address stays free as long as possible).
   */
  private freeAddress(subnet: Subnet): number | null {
    const now = this.deps.clock.now();
    let remembered: number | null = null;
    for (const pool of subnet.config.pools) {
      for (let a = pool.start; a <= pool.end; a++) {
        if (subnet.reservationAt(a) !== undefined || this.deps.bindings.offerHeldByOther(a, undefined, now)) continue;
        const lease = this.deps.bindings.byAddr(a);
        if (lease && (lease.state === 'active' || lease.state === 'declined') && lease.expiresAt > now) continue;
        if (lease === undefined) return a;
        remembered ??= a;
      }
    }
    return remembered;
  }

  async createReservationFromLease(address: number, hostname: string | null): Promise<ReservationRecord> {
    const lease = this.deps.bindings.byAddr(address);
    if (!lease || lease.clientKey === '') throw new NotFoundError(`no lease for ${formatIPv4(address)}`);
    return this.createReservation({
      mac: lease.clientId ? null : lease.hwAddress,
      clientId: lease.clientId,
      ip: address,
      hostname,
    });
  }

  subnets(): SubnetSummary[] {
    const now = this.deps.clock.now();
    return this.deps.bindings.subnets.map((subnet) => {
      let inUse = 0;
      let declined = 0;
      let inPoolBusy = 0;
      for (const lease of this.deps.bindings.leases()) {
        if (lease.subnetId !== subnet.id || lease.expiresAt <= now) continue;
        if (lease.state === 'active') inUse++;
        else if (lease.state === 'declined') declined++;
        else continue;
        if (subnet.allocator.contains(lease.address)) inPoolBusy++;
      }
      const poolSize = subnet.allocator.capacity;
      const reservations = [...this.installed.values()].filter((i) => i.subnet === subnet).length;
      return {
        id: subnet.id,
        poolSize,
        inUse,
        declined,
        free: Math.max(0, poolSize - inPoolBusy),
        reservations,
        effective: subnet.plan.resolve(0, undefined),
      };
    });
  }

  counters() {
    return { ...this.deps.counters.snapshot(), countingSince: this.deps.startedAt };
  }

  private subnetFor(input: ReservationInput): Subnet {
    if ((input.mac === null) === (input.clientId === null))
      throw new InvalidInputError(input.mac === null ? 'mac' : 'client_id', 'give exactly one of mac or client_id');
    const subnet = this.deps.bindings.subnets.find((s) => s.isHost(input.ip));
    if (!subnet)
      throw new InvalidInputError('address', `${formatIPv4(input.ip)} is not a host address of any configured subnet`);
    if (input.subnetId && input.subnetId !== subnet.id)
      throw new InvalidInputError('subnet', `${formatIPv4(input.ip)} is not in subnet ${input.subnetId}`);
    return subnet;
  }

  /** Refuses a reservation that would share a MAC, client-id or address, or take another client's active lease. */
  private checkCollisions(input: ReservationInput, selfId: string | null): void {
    for (const { record } of this.installed.values()) {
      if (record.id === selfId) continue;
      const what =
        input.mac !== null && record.mac === input.mac
          ? `MAC ${input.mac}`
          : input.clientId !== null && record.clientId === input.clientId
            ? `client-id ${input.clientId}`
            : record.ip === input.ip
              ? `address ${formatIPv4(input.ip)}`
              : null;
      if (what) throw new ConflictError(`${what} is already reserved by reservation "${record.id}" (${record.source})`);
    }
    const lease = this.deps.bindings.byAddr(input.ip);
    if (lease && lease.state === 'active' && lease.expiresAt > this.deps.clock.now()) {
      if (!reservationMatches(input, { key: lease.clientKey, mac: lease.hwAddress, clientId: lease.clientId }))
        throw new ConflictError(
          `address ${formatIPv4(input.ip)} is leased to another client (${lease.hwAddress}) until ${new Date(lease.expiresAt).toISOString()}`,
        );
    }
  }

  private install(record: ReservationRecord, subnet: Subnet): void {
    const entry: ReservationConfig = {
      mac: record.mac,
      clientId: record.clientId,
      ip: record.ip,
      hostname: record.hostname,
      // Compiled again from the stored text whenever the reservation is installed (start, change).
      options: compilePlainOptions(record.options, `reservation ${record.id}.options`),
      nextServer: record.nextServer,
      bootFile: record.bootFile,
      serverHostname: record.serverHostname,
    };
    subnet.addReservation(entry);
    this.installed.set(record.id, { record, entry, subnet });
  }

  private uninstall(id: string): void {
    const found = this.installed.get(id);
    if (!found) return;
    found.subnet.removeReservation(found.entry);
    this.installed.delete(id);
    // A reserved pool address the allocator's cursor passed is free again: tell the allocator,
    // or the address would stay out of the pool until the next restart.
    this.deps.bindings.returnToPool(found.subnet.id, found.entry.ip);
  }
}
