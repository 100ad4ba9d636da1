// A configured subnet at run time: its settings, its reservations (indexed three ways) and the
// allocator for its pools.
import type { ReservationConfig, SubnetConfig } from '../config/types.ts';
import { broadcastOf, cidrContains, prefixToMask } from './codec/ipv4.ts';
import { PoolAllocator } from './allocator.ts';
import { NO_SCOPES, OptionPlan, type OptionScopes } from './option-plan.ts';

export interface ClientIdentity {
  /** "id:<hex>" when option 61 was sent, else "hw:<mac>". */
  key: string;
  mac: string;
  /** Option 61 as hex, or null. */
  clientId: string | null;
}

export class Subnet {
  readonly id: string;
  readonly mask: number;
  readonly broadcast: number;
  readonly allocator: PoolAllocator;
  /** Options and boot settings per class set and reservation, compiled ahead of the replies. */
  readonly plan: OptionPlan;
  private readonly byMac = new Map<string, ReservationConfig>();
  private readonly byClientId = new Map<string, ReservationConfig>();
  private readonly byIp = new Map<number, ReservationConfig>();

  /** @param scopes the global options and client classes (dhcp.options, dhcp.classes) */
  constructor(
    readonly config: SubnetConfig,
    scopes: OptionScopes = NO_SCOPES,
  ) {
    this.id = config.id;
    this.plan = new OptionPlan(config, scopes);
    this.mask = prefixToMask(config.cidr.prefix);
    this.broadcast = broadcastOf(config.cidr);
    this.allocator = new PoolAllocator(config.pools);
    for (const r of config.reservations) this.addReservation(r);
  }

  contains(address: number): boolean {
    return cidrContains(this.config.cidr, address);
  }

  /** A usable host address of this subnet (not the network or broadcast address). */
  isHost(address: number): boolean {
    return this.contains(address) && address !== this.config.cidr.network && address !== this.broadcast;
  }

  /** Reservations installed in this subnet (each holds one address). */
  get reservationCount(): number {
    return this.byIp.size;
  }

  addReservation(r: ReservationConfig): void {
    if (r.mac) this.byMac.set(r.mac, r);
    if (r.clientId) this.byClientId.set(r.clientId, r);
    this.byIp.set(r.ip, r);
    this.plan.prepare(r);
  }

  removeReservation(r: ReservationConfig): void {
    if (r.mac && this.byMac.get(r.mac) === r) this.byMac.delete(r.mac);
    if (r.clientId && this.byClientId.get(r.clientId) === r) this.byClientId.delete(r.clientId);
    if (this.byIp.get(r.ip) === r) this.byIp.delete(r.ip);
  }

  /** The client's reservation: by client identifier first, then by MAC (as Kea orders them). */
  reservationFor(client: ClientIdentity): ReservationConfig | undefined {
    return (client.clientId !== null ? this.byClientId.get(client.clientId) : undefined) ?? this.byMac.get(client.mac);
  }

  reservationAt(address: number): ReservationConfig | undefined {
    return this.byIp.get(address);
  }

  /** Lease time for a client asking for `requested` seconds (option 51), within the limits. */
  leaseTime(
    requested: number | undefined,
    defaults: { leaseTime: number; minLeaseTime: number; maxLeaseTime: number },
  ): number {
    const base = requested ?? this.config.leaseTime ?? defaults.leaseTime;
    return Math.min(defaults.maxLeaseTime, Math.max(defaults.minLeaseTime, base));
  }
}

export function reservationMatches(r: Pick<ReservationConfig, 'mac' | 'clientId'>, client: ClientIdentity): boolean {
  return (r.clientId !== null && r.clientId === client.clientId) || (r.mac !== null && r.mac === client.mac);
}
