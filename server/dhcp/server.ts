// The DHCP server: datagram in, decode, engine decision, durable lease writes, reply out.
// Nothing on this path throws: bad packets are counted and dropped (the coredhcp way), and a
// reply whose lease could not be committed is never sent.
import { decode, encode, PacketError } from './codec/index.ts';
import { formatIPv4 } from './codec/ipv4.ts';
import type { DhcpTransport, InboundDatagram } from './transport/port.ts';
import type { LeaseStore } from './lease.ts';
import type { DhcpEngine, ServedInterface } from './engine.ts';
import type { LeaseWrite, Outcome } from './outcome.ts';
import { DhcpCounters } from './counters.ts';
import { reclaimExpired } from './reclaimer.ts';

export interface Clock {
  now(): number;
}

export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DhcpServerDeps {
  engine: DhcpEngine;
  transport: DhcpTransport;
  store: LeaseStore;
  clock: Clock;
  logger: Logger;
  interfaces: ReadonlyMap<string, ServedInterface>;
}

/** At most one warning per this many milliseconds for the same recurring condition. */
const WARN_INTERVAL_MS = 10_000;
/** A failed lease commit is tried again this many times, backing off by this much each time. */
const MAX_COMMIT_RETRIES = 20;
const RETRY_DELAY_MS = 250;

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

  /** One reclamation pass; its writes are committed like any other. */
  reclaim(): Promise<void> {
    const writes = reclaimExpired(this.deps.engine, this.deps.clock.now());
    return this.commit(writes).then(() => undefined);
  }

  private receive(datagram: InboundDatagram): void {
    if (this.stopping) return;
    const iface = this.deps.interfaces.get(datagram.iface);
    if (!iface) return; // a socket we did not open for serving: never answer there
    const packet = decode(datagram.data);
    if (packet instanceof PacketError) {
      this.counters.countReceived(undefined);
      this.counters.countDrop('malformed');
      this.deps.logger.debug({ from: datagram.from.address, iface: iface.name, field: packet.field, offset: packet.offset, err: packet.message }, 'dropped malformed packet');
      return;
    }
    this.counters.countReceived(packet.options.messageType);
    const outcome = this.deps.engine.handle(packet, { iface, now: this.deps.clock.now() });
    this.settle(outcome, iface);
  }

  private settle(outcome: Outcome, iface: ServedInterface): void {
    if (outcome.action === 'drop') {
      this.counters.countDrop(outcome.reason);
      if (outcome.reason === 'pool-exhausted') this.warnSometimes('pool-exhausted', { iface: iface.name }, 'no free address left in the pool; request not answered');
      return;
    }
    if (outcome.action === 'recorded') {
      if (outcome.what === 'declined') this.counters.declined++;
      else this.counters.released++;
    }
    if (outcome.writes.length === 0) {
      if (outcome.action === 'reply') this.send(outcome, iface);
      return;
    }
    this.pending++;
    this.commit(outcome.writes).then(
      (ok) => {
        if (ok && outcome.action === 'reply') this.send(outcome, iface);
        if (!ok) {
          this.counters.countDrop('store-error');
          // The table already holds these changes: keep trying to make the database agree
          // (no reply: the client retransmits and is answered once a commit succeeds).
          this.retry(outcome.writes, 1);
        }
        this.settled();
      },
      () => this.settled(),
    );
  }

  private settled(): void {
    this.pending--;
    if (this.pending === 0 && this.idle) {
      this.idle();
      this.idle = null;
    }
  }

  private retry(writes: LeaseWrite[], attempt: number): void {
    if (this.stopping || attempt > MAX_COMMIT_RETRIES) return;
    const timer = setTimeout(() => {
      void this.commit(writes).then((ok) => {
        if (!ok) this.retry(writes, attempt + 1);
      });
    }, RETRY_DELAY_MS * attempt);
    timer.unref();
  }

  /** Resolves true once every write is durable, false (logged) when the store failed. */
  private commit(writes: LeaseWrite[]): Promise<boolean> {
    if (writes.length === 0) return Promise.resolve(true);
    const store = this.deps.store;
    const done = writes.map((w) => ('put' in w ? store.put(w.put, w.kind) : store.remove(w.remove, w.was)));
    return Promise.all(done).then(
      () => {
        this.counters.leasesCommitted += writes.length;
        return true;
      },
      (err: unknown) => {
        this.warnSometimes('store', { err: String(err) }, 'lease store write failed; reply withheld');
        return false;
      },
    );
  }

  private send(outcome: Extract<Outcome, { action: 'reply' }>, iface: ServedInterface): void {
    let bytes: Uint8Array;
    try {
      bytes = encode(outcome.reply, { maxMessageSize: outcome.maxMessageSize });
    } catch (err) {
      this.counters.countDrop('send-error');
      this.warnSometimes('encode', { err: String(err) }, 'could not encode reply');
      return;
    }
    this.counters.countSent(outcome.reply.options.messageType);
    this.deps.transport.send(iface.name, bytes, formatIPv4(outcome.to.address), outcome.to.port);
  }

  private warnSometimes(key: string, obj: object, msg: string): void {
    const now = this.deps.clock.now();
    if (now - (this.lastWarned.get(key) ?? -Infinity) < WARN_INTERVAL_MS) return;
    this.lastWarned.set(key, now);
    this.deps.logger.warn({ ...obj, counters: this.counters.snapshot().dropped }, msg);
  }
}
