// The DHCP server: datagram in, decode, engine decision, durable lease writes, reply out.
// Nothing on this path throws: bad packets are counted and dropped (the coredhcp way), an engine
// bug met by a packet is counted and logged with the packet, and a reply whose lease could not be
// committed is never sent.
import { decode, encode, PacketError } from './codec/index.ts';
import { bytesToHex } from './codec/index.ts';
import { formatIPv4 } from './codec/ipv4.ts';
import type { DhcpTransport, InboundDatagram } from './transport/port.ts';
import type { DhcpEngine, ServedInterface } from './engine.ts';
import type { Bindings, Change } from './bindings.ts';
import type { Outcome } from './outcome.ts';
import { DhcpCounters } from './counters.ts';
import type { Clock, Logger } from '../ports.ts';

export interface DhcpServerDeps {
  engine: DhcpEngine;
  bindings: Bindings;
  transport: DhcpTransport;
  clock: Clock;
  logger: Logger;
  interfaces: ReadonlyMap<string, ServedInterface>;
}

/** At most one warning per this many milliseconds for the same recurring condition. */
const WARN_INTERVAL_MS = 10_000;

/**
 * The largest datagram decoded. A DHCP client's message fits one Ethernet frame (RFC 2131 2: at
 * least 576 octets must be accepted; clients send 300-600, relays add option 82); anything
 * beyond a jumbo-free MTU is not a client's and only costs decode time.
 */
export const MAX_DATAGRAM_BYTES = 1500;

export class DhcpServer {
  readonly counters = new DhcpCounters();
  private pending = 0;
  private idle: (() => void) | null = null;
  private stopping = false;
  private lastWarned = new Map<string, number>();

  constructor(private readonly deps: DhcpServerDeps) {}

  start(): Promise<void> {
    return this.deps.transport.start((d) => this.receive(d));
  }

  /**
   * Stops taking requests, lets the replies whose leases are still committing go out, then
   * closes the sockets.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pending > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.deps.transport.close();
  }

  /** One reclamation pass; its writes are committed like any other (and retried if they fail). */
  reclaim(): Promise<boolean> {
    return this.counted(this.deps.bindings.reclaim(this.deps.clock.now()));
  }

  private receive(datagram: InboundDatagram): void {
    if (this.stopping) return;
    const iface = this.deps.interfaces.get(datagram.iface);
    if (!iface) return; // a socket we did not open for serving: never answer there
    if (datagram.data.length > MAX_DATAGRAM_BYTES) {
      this.counters.countReceived(undefined);
      this.counters.countDrop('oversized');
      return;
    }
    const packet = decode(datagram.data);
    if (packet instanceof PacketError) {
      this.counters.countReceived(undefined);
      this.counters.countDrop('malformed');
      this.deps.logger.debug(
        {
          from: datagram.from.address,
          iface: iface.name,
          field: packet.field,
          offset: packet.offset,
          err: packet.message,
        },
        'dropped malformed packet',
      );
      return;
    }
    this.counters.countReceived(packet.options.messageType);
    let outcome: Outcome;
    try {
      outcome = this.deps.engine.handle(packet, { iface, now: this.deps.clock.now() });
    } catch (err) {
      // A bug met by one packet must not take DHCP down for the whole network: count it, keep
      // the evidence (the packet itself), and go on serving everyone else.
      this.counters.countDrop('engine-error');
      this.errorSometimes(
        'engine',
        { err, from: datagram.from.address, iface: iface.name, packet: bytesToHex(datagram.data) },
        'engine failed on a packet; dropped it and kept serving',
      );
      return;
    }
    this.settle(outcome, iface);
  }

  private settle(outcome: Outcome, iface: ServedInterface): void {
    if (outcome.action === 'drop') {
      this.counters.countDrop(outcome.reason);
      if (outcome.reason === 'pool-exhausted')
        this.warnSometimes(
          'pool-exhausted',
          { iface: iface.name },
          'no free address left in the pool; request not answered',
        );
      return;
    }
    if (outcome.action === 'recorded') {
      if (outcome.what === 'declined') this.counters.declined++;
      else this.counters.released++;
    }
    if (outcome.change.writes.length === 0) {
      if (outcome.action === 'reply') this.send(outcome, iface);
      return;
    }
    this.pending++;
    void this.counted(outcome.change).then((durable) => {
      // Not durable: no reply. The bindings rewrite the change until the database agrees, and
      // the client's retransmission is answered once a commit succeeds.
      if (durable && outcome.action === 'reply') this.send(outcome, iface);
      if (!durable) this.counters.countDrop('store-error');
      this.settled();
    });
  }

  private counted(change: Change): Promise<boolean> {
    return change.durable.then((durable) => {
      if (durable) this.counters.leasesCommitted += change.writes.length;
      return durable;
    });
  }

  private settled(): void {
    this.pending--;
    if (this.pending === 0 && this.idle) {
      this.idle();
      this.idle = null;
    }
  }

  private send(outcome: Extract<Outcome, { action: 'reply' }>, iface: ServedInterface): void {
    let bytes: Uint8Array;
    try {
      bytes = encode(outcome.reply, { maxMessageSize: outcome.maxMessageSize, fileAsOption67: true });
    } catch (err) {
      this.counters.countDrop('send-error');
      this.warnSometimes('encode', { err: String(err) }, 'could not encode reply');
      return;
    }
    this.counters.countSent(outcome.reply.options.messageType);
    this.deps.transport.send(iface.name, bytes, formatIPv4(outcome.to.address), outcome.to.port);
  }

  private warnSometimes(key: string, obj: object, msg: string): void {
    if (this.due(key)) this.deps.logger.warn({ ...obj, counters: this.counters.snapshot().dropped }, msg);
  }

  private errorSometimes(key: string, obj: object, msg: string): void {
    if (this.due(key)) this.deps.logger.error({ ...obj, counters: this.counters.snapshot().dropped }, msg);
  }

  /** Whether a rate-limited message under `key` may be logged now. */
  private due(key: string): boolean {
    const now = this.deps.clock.now();
    if (now - (this.lastWarned.get(key) ?? -Infinity) < WARN_INTERVAL_MS) return false;
    this.lastWarned.set(key, now);
    return true;
  }
}
