// A swarm of simulated DHCP clients behind one relay agent, which keeps what perfdhcp cannot
// give back: every ACK, with the client it went to. Each client is new (its own MAC and client
// identifier), runs DISCOVER -> OFFER -> REQUEST -> ACK through a relay probe (giaddr = the probe's
// address, replies to giaddr:67 as RFC 2131 4.1 has servers answer relays) and retransmits when
// a reply does not come, as RFC 2131 4.1 asks of clients (at a fixed, test-friendly interval).
// A NAK sends the client back to INIT (RFC 2131 3.1, step 4), with a new DISCOVER.
import { randomInt } from 'node:crypto';
import {
  bytesToHex,
  decode,
  emptyOptions,
  encode,
  macToString,
  MessageType,
  PacketError,
  type Packet,
} from '../../server/dhcp/codec/index.ts';
import { formatIPv4, parseIPv4 } from '../../server/dhcp/codec/ipv4.ts';
import type { Probe, ProbeDatagram } from '../lab/probe.ts';

export interface SwarmOptions {
  /** A relay probe: bound to the relay's address, port 67. */
  probe: Probe;
  /** The relay's address: giaddr of every request. */
  giaddr: string;
  /** Where requests go (unicast, as a relay sends them). */
  server: string;
  /** New clients started per second. */
  rate: number;
  /** Second octet of every MAC (the first is 02: locally administered), to tell swarms apart. */
  tag?: number;
  /** A client waits 0 to this many ms between OFFER and REQUEST, as a real one collecting offers. */
  maxSelectDelayMs?: number;
  retransmitMs?: number;
  /** Sends of one message before the client gives up. */
  maxTries?: number;
}

/** One ACK as the client received it. */
export interface AckSeen {
  mac: string;
  /** Option 61 sent by the client, hex. */
  clientId: string;
  address: string;
  leaseSeconds: number;
  /** Date.now() when it arrived. */
  receivedAt: number;
  /** Date.now() when the client's first OFFER arrived. */
  offeredAt: number;
}

export interface SwarmCounters {
  clients: number;
  offers: number;
  acks: number;
  naks: number;
  retransmits: number;
  gaveUp: number;
  sendErrors: number;
}

interface Client {
  xid: number;
  chaddr: Uint8Array;
  mac: string;
  clientId: Uint8Array;
  state: 'selecting' | 'waiting' | 'requesting' | 'bound' | 'gave-up';
  message: Uint8Array | null;
  tries: number;
  lastSentAt: number;
  offeredAt: number;
}

const TICK_MS = 10;

export class ClientSwarm {
  readonly acks: AckSeen[] = [];
  readonly counters: SwarmCounters = {
    clients: 0,
    offers: 0,
    acks: 0,
    naks: 0,
    retransmits: 0,
    gaveUp: 0,
    sendErrors: 0,
  };
  private readonly clients = new Map<number, Client>();
  /** Clients still selecting or requesting: the ones the retransmission timer looks at. */
  private readonly active = new Set<Client>();
  private readonly giaddr: number;
  private readonly xidBase = randomInt(0, 2 ** 31);
  private ticker: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private receiving: Promise<void> | null = null;
  private closed = false;
  private rate: number;

  constructor(private readonly opts: SwarmOptions) {
    const giaddr = parseIPv4(opts.giaddr);
    if (giaddr === null) throw new Error(`giaddr "${opts.giaddr}" is not an IPv4 address`);
    this.giaddr = giaddr;
    this.rate = opts.rate;
  }

  /** Starts new clients at the rate, and reads replies, until stopStarting()/close(). */
  start(): void {
    this.startedAt = Date.now();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.receiving ??= this.receive();
  }

  /** No new clients from now on; the ones under way carry on (replies, retransmissions). */
  stopStarting(): void {
    this.rate = 0;
  }

  /** Clients neither bound nor given up. */
  get unfinished(): number {
    return this.active.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    await this.receiving;
  }

  private tick(): void {
    const now = Date.now();
    const due = Math.floor(((now - this.startedAt) * this.rate) / 1000);
    while (this.rate > 0 && this.counters.clients < due) this.startClient(now);
    this.retransmit(now);
  }

  private startClient(now: number): void {
    const n = this.counters.clients++;
    const chaddr = Uint8Array.of(
      0x02,
      this.opts.tag ?? 0x48,
      (n >>> 24) & 0xff,
      (n >>> 16) & 0xff,
      (n >>> 8) & 0xff,
      n & 0xff,
    );
    const xid = (this.xidBase + n) >>> 0;
    const client: Client = {
      xid,
      chaddr,
      mac: macToString(chaddr),
      clientId: Uint8Array.of(1, ...chaddr),
      state: 'selecting',
      message: null,
      tries: 0,
      lastSentAt: now,
      offeredAt: 0,
    };
    this.clients.set(xid, client);
    this.active.add(client);
    this.transmit(client, this.discover(client), now);
  }

  private retransmit(now: number): void {
    const retransmitMs = this.opts.retransmitMs ?? 1000;
    for (const client of this.active) {
      if (client.state === 'waiting' && now >= client.lastSentAt) {
        client.state = 'requesting';
        this.transmit(client, client.message!, now);
      } else if (
        (client.state === 'selecting' || client.state === 'requesting') &&
        now - client.lastSentAt >= retransmitMs
      ) {
        if (client.tries >= (this.opts.maxTries ?? 6)) {
          client.state = 'gave-up';
          this.active.delete(client);
          this.counters.gaveUp++;
          continue;
        }
        this.counters.retransmits++;
        this.transmit(client, client.message!, now);
      }
    }
  }

  private transmit(client: Client, message: Uint8Array, now: number): void {
    if (client.message !== message) client.tries = 0;
    client.message = message;
    client.tries++;
    client.lastSentAt = now;
    this.opts.probe.send(message, this.opts.server, 67).catch(() => this.counters.sendErrors++);
  }

  private async receive(): Promise<void> {
    while (!this.closed) {
      let datagram: ProbeDatagram | null;
      try {
        datagram = await this.opts.probe.next(100);
      } catch {
        return; // the probe ended: nothing more will arrive
      }
      if (datagram !== null) this.take(datagram.data);
    }
  }

  private take(data: Uint8Array): void {
    const reply = decode(data);
    if (reply instanceof PacketError || reply.op !== 2) return;
    const client = this.clients.get(reply.xid);
    if (client === undefined) return;
    const type = reply.options.messageType;
    const now = Date.now();
    if (type === MessageType.Offer && client.state === 'selecting') this.offered(client, reply, now);
    else if (type === MessageType.Ack && (client.state === 'requesting' || client.state === 'bound'))
      this.acked(client, reply, now);
    else if (type === MessageType.Nak && client.state === 'requesting') this.naked(client, now);
  }

  private offered(client: Client, offer: Packet, now: number): void {
    this.counters.offers++;
    if (client.offeredAt === 0) client.offeredAt = now;
    const request = this.request(client, offer.yiaddr, offer.options.serverId);
    client.state = 'waiting';
    client.message = request;
    client.tries = 0;
    // lastSentAt doubles as the moment to send the REQUEST while waiting.
    client.lastSentAt = now + randomInt(0, (this.opts.maxSelectDelayMs ?? 0) + 1);
  }

  private acked(client: Client, ack: Packet, now: number): void {
    this.counters.acks++;
    client.state = 'bound';
    this.active.delete(client);
    this.acks.push({
      mac: client.mac,
      clientId: bytesToHex(client.clientId),
      address: formatIPv4(ack.yiaddr),
      leaseSeconds: ack.options.leaseTime ?? 0,
      receivedAt: now,
      offeredAt: client.offeredAt,
    });
  }

  private naked(client: Client, now: number): void {
    this.counters.naks++;
    client.state = 'selecting';
    this.transmit(client, this.discover(client), now);
  }

  private discover(client: Client): Uint8Array {
    return encode(this.packet(client, MessageType.Discover));
  }

  private request(client: Client, address: number, serverId: number | undefined): Uint8Array {
    const packet = this.packet(client, MessageType.Request);
    packet.options.requestedIp = address;
    if (serverId !== undefined) packet.options.serverId = serverId;
    return encode(packet);
  }

  private packet(client: Client, messageType: MessageType): Packet {
    const options = emptyOptions();
    options.messageType = messageType;
    options.clientId = client.clientId;
    options.parameterRequestList = [1, 3, 6, 15, 51, 54];
    return {
      op: 1,
      htype: 1,
      hlen: 6,
      hops: 1,
      xid: client.xid,
      secs: 0,
      flags: 0,
      ciaddr: 0,
      yiaddr: 0,
      siaddr: 0,
      giaddr: this.giaddr,
      chaddr: client.chaddr,
      sname: '',
      file: '',
      options,
    };
  }
}
