// RFC 2131 decisions. The engine reads the bindings (leases, offers, pools) and the subnets,
// makes its changes through the Bindings that own them, and returns what to answer (or why to stay
// silent) with the change that must be durable before the answer leaves. It touches no socket,
// clock or disk: `now` comes in with each request.
import { MessageType, type Packet } from './codec/types.ts';
import { bytesToHex, macToString } from './codec/index.ts';
import type { ClientClassConfig, DhcpConfig } from '../config/types.ts';
import type { Lease } from './lease.ts';
import { NO_CHANGE, type Bindings, type Change } from './bindings.ts';
import { reservationMatches, type ClientIdentity, type Subnet } from './subnet.ts';
import type { DropReason, Outcome } from './outcome.ts';
import { ClassMatcher } from './classes.ts';
import type { AvailabilityCheck } from './allocator.ts';
import { addConfigOptions, addLeaseTimes, destinationOf, maxMessageSizeOf, replySkeleton } from './reply.ts';

/** The interface a request arrived on, with our address there (the server identifier we use). */
export interface ServedInterface {
  name: string;
  address: number;
  /** The configured subnet that address lies in. */
  subnet: Subnet;
}

export interface RequestContext {
  iface: ServedInterface;
  /** Epoch milliseconds. */
  now: number;
}

export type EngineSettings = Pick<
  DhcpConfig,
  | 'authoritative'
  | 'port'
  | 'leaseTime'
  | 'minLeaseTime'
  | 'maxLeaseTime'
  | 'declineProbation'
  | 'offerTimeout'
  | 'cacheThreshold'
> & { classes?: readonly ClientClassConfig[] };

export class DhcpEngine {
  readonly subnets: readonly Subnet[];

  constructor(
    private readonly settings: EngineSettings,
    private readonly bindings: Bindings,
    /** Every address of ours a client may name as server identifier. */
    private readonly serverIds: ReadonlySet<number>,
  ) {
    this.subnets = bindings.subnets;
    this.classes = new ClassMatcher(settings.classes ?? []);
  }

  private readonly classes: ClassMatcher;

  /** Whether a pool address is free for anyone: made once, for every PoolAvailability. */
  private readonly isFreeAt = (subnet: Subnet, address: number, now: number): boolean =>
    !this.serverIds.has(address) && !this.heldByOther(subnet, address, undefined, now);

  /** The client's options and boot settings: its classes and reservation over the subnet's. */
  private configure(reply: Packet, request: Packet, subnet: Subnet, client: ClientIdentity): void {
    const reservation = subnet.reservationFor(client);
    const effective = subnet.plan.resolve(this.classes.match(request, client.mac), reservation);
    addConfigOptions(reply, request, subnet, effective, reservation);
  }

  handle(request: Packet, ctx: RequestContext): Outcome {
    if (request.op !== 1) return drop('not-request');
    const type = request.options.messageType;
    if (type === undefined) return drop('no-message-type');
    switch (type) {
      case MessageType.Discover:
        return this.discover(request, ctx);
      case MessageType.Request:
        return this.request(request, ctx);
      case MessageType.Decline:
        return this.decline(request, ctx);
      case MessageType.Release:
        return this.release(request, ctx);
      case MessageType.Inform:
        return this.inform(request, ctx);
      default:
        return drop('unsupported-message-type');
    }
  }

  /** The subnet a request belongs to: by relay address, else by the client's address, else by interface. */
  subnetFor(request: Packet, ctx: RequestContext): Subnet | undefined {
    if (request.giaddr !== 0) return this.subnets.find((s) => s.contains(request.giaddr));
    if (request.ciaddr !== 0) {
      const byCiaddr = this.subnets.find((s) => s.contains(request.ciaddr));
      if (byCiaddr) return byCiaddr;
    }
    return ctx.iface.subnet;
  }

  private discover(request: Packet, ctx: RequestContext): Outcome {
    const subnet = this.subnetFor(request, ctx);
    if (!subnet) return drop('no-subnet');
    const client = identify(request);
    const address = this.chooseForOffer(subnet, client, request.options.requestedIp, ctx.now);
    if (address === null) return drop('pool-exhausted');
    this.bindings.holdOffer(subnet, address, client.key, ctx.now + this.settings.offerTimeout * 1000);
    const reply = replySkeleton(request, MessageType.Offer, ctx.iface.address);
    reply.yiaddr = address;
    addLeaseTimes(reply.options, subnet.leaseTime(request.options.leaseTime, this.settings));
    this.configure(reply, request, subnet, client);
    return this.answer(request, reply, NO_CHANGE);
  }

  private chooseForOffer(
    subnet: Subnet,
    client: ClientIdentity,
    requested: number | undefined,
    now: number,
  ): number | null {
    const reservation = subnet.reservationFor(client);
    if (reservation && !this.heldByOther(subnet, reservation.ip, client, now)) return reservation.ip;
    const lease = this.bindings.forClient(subnet.id, client.key);
    if (lease && lease.state !== 'declined' && this.mayHave(subnet, client, lease.address, now)) return lease.address;
    const offered = this.bindings.offerFor(subnet.id, client.key, now);
    if (offered !== undefined && this.mayHave(subnet, client, offered, now)) return offered;
    if (requested !== undefined && this.mayHave(subnet, client, requested, now)) return requested;
    const check = new PoolAvailability(this.bindings, this.isFreeAt, subnet, now);
    const address = this.bindings.allocate(subnet, check);
    if (address !== null) return address;
    // Pool looks full: offers that lapsed since the last reclaim pass may free some addresses.
    return this.bindings.expireOffers(now).has(subnet.id) ? this.bindings.allocate(subnet, check) : null;
  }

  /**
   * Whether someone other than `client` has a claim on the address now: an unexpired lease, an
   * unexpired offer, a reservation, or a decline still in probation. With no client, any claim.
   */
  private heldByOther(subnet: Subnet, address: number, client: ClientIdentity | undefined, now: number): boolean {
    const lease = this.bindings.byAddr(address);
    if (lease && lease.expiresAt > now) {
      if (lease.state === 'declined') return true;
      if (lease.state === 'active' && lease.clientKey !== client?.key) return true;
    }
    if (this.bindings.offerHeldByOther(address, client?.key, now)) return true;
    const reservation = subnet.reservationAt(address);
    return reservation !== undefined && (client === undefined || !reservationMatches(reservation, client));
  }

  /**
   * Whether the client may be bound to the address: its reservation when it has a usable one
   * (reservations always win), otherwise a pool address of the subnet nobody else holds.
   */
  private mayHave(subnet: Subnet, client: ClientIdentity, address: number, now: number): boolean {
    if (!subnet.isHost(address) || this.serverIds.has(address)) return false;
    const reservation = subnet.reservationFor(client);
    if (reservation && !this.heldByOther(subnet, reservation.ip, client, now)) return address === reservation.ip;
    if (this.heldByOther(subnet, address, client, now)) return false;
    return subnet.allocator.contains(address);
  }

  private request(request: Packet, ctx: RequestContext): Outcome {
    const serverId = request.options.serverId;
    if (serverId !== undefined) return this.selecting(request, ctx, serverId);
    const requested = request.options.requestedIp;
    if (requested !== undefined && request.ciaddr === 0) return this.confirm(request, ctx, requested);
    if (request.ciaddr !== 0) return this.confirm(request, ctx, request.ciaddr); // RENEWING/REBINDING
    return drop('missing-field');
  }

  /** SELECTING (RFC 2131 4.3.2): the client picked an offer; silence if it picked another server. */
  private selecting(request: Packet, ctx: RequestContext, serverId: number): Outcome {
    const client = identify(request);
    if (!this.serverIds.has(serverId)) {
      for (const subnet of this.subnets) this.bindings.forgetOffer(subnet, client.key);
      return drop('other-server');
    }
    const requested = request.options.requestedIp;
    if (requested === undefined) return drop('missing-field');
    const subnet = this.subnetFor(request, ctx);
    if (!subnet) return drop('no-subnet');
    if (!this.mayHave(subnet, client, requested, ctx.now))
      return this.nak(request, ctx, 'requested address not available');
    return this.bind(request, ctx, subnet, client, requested);
  }

  /**
   * INIT-REBOOT (address in option 50) and RENEWING/REBINDING (address in ciaddr). Not
   * authoritative: RFC 2131 4.3.2 (a client we have no record of gets silence). Authoritative
   * (Kea, ISC dhcpd): an address on the wrong network or held by another client is NAKed even
   * without a record, and a free pool address of the right subnet is bound again (as dnsmasq
   * does), so clients keep their addresses after the lease database is lost.
   */
  private confirm(request: Packet, ctx: RequestContext, address: number): Outcome {
    const subnet = this.subnetFor(request, ctx);
    if (!subnet) return drop('no-subnet');
    const client = identify(request);
    const record = this.bindings.forClient(subnet.id, client.key);
    const known = record !== undefined && record.state !== 'declined';
    if (!this.settings.authoritative && !known) return drop('no-record');
    if (!subnet.contains(address)) return this.nak(request, ctx, 'address is not on this network');
    const current = record?.state === 'active' && record.expiresAt > ctx.now;
    if (current && record.address !== address) return this.nak(request, ctx, 'client holds another address');
    if (!this.mayHave(subnet, client, address, ctx.now))
      return this.nak(request, ctx, 'requested address not available');
    return this.bind(request, ctx, subnet, client, address);
  }

  private bind(request: Packet, ctx: RequestContext, subnet: Subnet, client: ClientIdentity, address: number): Outcome {
    const before = this.bindings.byAddr(address);
    const renewal =
      before !== undefined &&
      before.clientKey === client.key &&
      before.state === 'active' &&
      before.expiresAt > ctx.now;
    const fqdn = request.options.clientFqdn?.name || null;
    const hostname = request.options.hostName ?? (fqdn ? fqdn.split('.')[0]! : null);
    let seconds = subnet.leaseTime(request.options.leaseTime, this.settings);
    let change = NO_CHANGE;
    if (renewal && this.answersFromStored(before, hostname, fqdn, client, ctx.now)) {
      // Kea's cache-threshold: an early renewal gets the stored lease's remaining time, and
      // nothing is written, so a client renewing in a loop costs no disk and no events.
      seconds = Math.max(1, Math.floor((before.expiresAt - ctx.now) / 1000));
      this.cached++;
    } else {
      const lease: Lease = {
        address,
        subnetId: subnet.id,
        clientKey: client.key,
        hwAddress: client.mac,
        clientId: client.clientId,
        hostname,
        fqdn,
        state: 'active',
        startsAt: ctx.now,
        expiresAt: ctx.now + seconds * 1000,
      };
      change = this.bindings.bind(lease, renewal ? 'lease.renewed' : 'lease.granted');
    }
    const reply = replySkeleton(request, MessageType.Ack, ctx.iface.address);
    reply.ciaddr = request.ciaddr;
    reply.yiaddr = address;
    addLeaseTimes(reply.options, seconds);
    this.configure(reply, request, subnet, client);
    return this.answer(request, reply, change);
  }

  private cached = 0;

  /** Renewals answered from the stored lease (no write) since start. */
  get cachedRenewals(): number {
    return this.cached;
  }

  /**
   * Whether a renewal may be answered from the stored lease: less than `cacheThreshold` of it has
   * passed and the client sends what is stored (a changed host name or identity is written).
   */
  private answersFromStored(
    stored: Readonly<Lease>,
    hostname: string | null,
    fqdn: string | null,
    client: ClientIdentity,
    now: number,
  ): boolean {
    const threshold = this.settings.cacheThreshold;
    if (threshold <= 0) return false;
    const age = now - stored.startsAt;
    if (age < 0 || age >= threshold * (stored.expiresAt - stored.startsAt)) return false;
    return (
      stored.hostname === hostname &&
      stored.fqdn === fqdn &&
      stored.hwAddress === client.mac &&
      stored.clientId === client.clientId
    );
  }

  /** DECLINE (RFC 2131 4.3.3): the client found the address in use; quarantine it. */
  private decline(request: Packet, ctx: RequestContext): Outcome {
    const serverId = request.options.serverId;
    if (serverId === undefined || !this.serverIds.has(serverId)) return drop('other-server');
    const address = request.options.requestedIp;
    if (address === undefined) return drop('missing-field');
    const client = identify(request);
    const lease = this.bindings.byAddr(address);
    if (!lease || lease.clientKey !== client.key || lease.state !== 'active') return drop('not-holder');
    const change = this.bindings.decline(lease, ctx.now, ctx.now + this.settings.declineProbation * 1000);
    return { action: 'recorded', what: 'declined', change };
  }

  /** RELEASE (RFC 2131 4.3.4): the lease ends now; the record stays so the client can get it back. */
  private release(request: Packet, ctx: RequestContext): Outcome {
    const serverId = request.options.serverId;
    if (serverId === undefined || !this.serverIds.has(serverId)) return drop('other-server');
    const client = identify(request);
    const lease = this.bindings.byAddr(request.ciaddr);
    if (!lease || lease.clientKey !== client.key || lease.state !== 'active') return drop('not-holder');
    return { action: 'recorded', what: 'released', change: this.bindings.end(lease, ctx.now) };
  }

  /** INFORM (RFC 2131 4.3.5): configuration only; no lease, no yiaddr, no lease time. */
  private inform(request: Packet, ctx: RequestContext): Outcome {
    const subnet = this.subnetFor(request, ctx);
    if (!subnet) return drop('no-subnet');
    const reply = replySkeleton(request, MessageType.Ack, ctx.iface.address);
    reply.ciaddr = request.ciaddr;
    this.configure(reply, request, subnet, identify(request));
    return this.answer(request, reply, NO_CHANGE);
  }

  private nak(request: Packet, ctx: RequestContext, message: string): Outcome {
    const reply = replySkeleton(request, MessageType.Nak, ctx.iface.address);
    reply.options.message = message;
    return this.answer(request, reply, NO_CHANGE);
  }

  private answer(request: Packet, reply: Packet, change: Change): Outcome {
    const to = destinationOf(request, reply, this.settings.port);
    return { action: 'reply', reply, to, maxMessageSize: maxMessageSizeOf(request), change };
  }
}

/**
 * The allocator's two questions about a pool address, for one subnet at one moment. A class, not
 * an object of arrow functions made per DISCOVER: under tsx (esbuild's keepNames) each such named
 * closure costs a defineProperty, which was 4.3 us a DISCOVER in the 2,000/s profile.
 */
class PoolAvailability implements AvailabilityCheck {
  constructor(
    private readonly bindings: Bindings,
    private readonly isFreeAt: (subnet: Subnet, address: number, now: number) => boolean,
    private readonly subnet: Subnet,
    private readonly now: number,
  ) {}

  isFree(address: number): boolean {
    return this.isFreeAt(this.subnet, address, this.now);
  }

  /** Someone held it before (a lease row with a client): the allocator prefers untouched ones. */
  hasHistory(address: number): boolean {
    const lease = this.bindings.byAddr(address);
    return lease !== undefined && lease.clientKey !== '';
  }
}

function drop(reason: DropReason): Outcome {
  return { action: 'drop', reason };
}

/** RFC 2131 4.2: the client identifier, when sent, identifies the client; else chaddr does. */
function identify(request: Packet): ClientIdentity {
  const mac = macToString(request.chaddr);
  const id = request.options.clientId;
  if (id !== undefined && id.length > 0) {
    const hex = bytesToHex(id);
    return { key: `id:${hex}`, mac, clientId: hex };
  }
  return { key: `hw:${mac}`, mac, clientId: null };
}
