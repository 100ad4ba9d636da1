// Where a REQUEST's time goes inside the daemon, without the network, perfdhcp or the other
// processes in the figure: the real DhcpServer, engine, Bindings, SQLite lease store and event log
// of either durability mode, fed encoded DISCOVERs and REQUESTs (perfdhcp's pattern: every client
// new) through an in-memory transport. The store is seen through its port, so the split needs no
// hooks in the product:
//   decode + engine: the datagram handed over -> the first write queued in the store;
//   commit: that write queued -> its promise resolved (the turn's wait, then the transaction, or
//   with the lease journal of durability 'process' its append: the transaction comes after);
//   reply: resolved -> the encoded ACK handed to the transport (promise hops, encode; one hop is
//   the timing wrapper's own).
// Two paces: one exchange every millisecond, as at a low rate (each stage then finds colder
// caches and costs about twice as much), and back to back. Run on its own:
//   node --import tsx scripts/bench/dhcp-path-cost.ts [--durability process|power] [--exchanges N]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { stringify } from 'yaml';
import { parseConfig } from '../../server/config/load.ts';
import { Bindings } from '../../server/dhcp/bindings.ts';
import { decode, encode, MessageType, parseIPv4, PacketError } from '../../server/dhcp/codec/index.ts';
import type { Packet } from '../../server/dhcp/codec/index.ts';
import { DhcpEngine } from '../../server/dhcp/engine.ts';
import type { Lease, LeaseEventKind, LeaseStore } from '../../server/dhcp/lease.ts';
import { DhcpServer } from '../../server/dhcp/server.ts';
import { Subnet } from '../../server/dhcp/subnet.ts';
import type { DhcpTransport, InboundDatagram } from '../../server/dhcp/transport/port.ts';
import { systemClock, type Logger } from '../../server/ports.ts';
import { checkpointsFor, openSqlite, type Durability } from '../../server/store/sqlite.ts';
import { SqliteEventLog } from '../../server/store/sqlite-event-log.ts';
import { SqliteLeaseStore } from '../../server/store/sqlite-lease-store.ts';
import { LeaseJournal } from '../../server/store/lease-journal.ts';
import { makeScratchDir } from '../../server/store/testing/fixtures.ts';
import { BENCH_RELAY_ADDRESS, BENCH_SERVER_ADDRESS, homeplaneBenchConfig } from './dhcp-lab.ts';
import { perfdhcpMessage } from './dhcp-options-cost.ts';
import { median } from './stats.ts';

/** Medians, µs, of one pace. */
export interface PathCost {
  discoverOffer: number;
  requestAck: number;
  decodeEngine: number;
  commit: number;
  reply: number;
  /**
   * The process's CPU time (every thread: the checkpointer, and work done between exchanges such
   * as a deferred SQLite transaction, included) per DORA over the measured half; a mean, not a median.
   */
  cpuPerDora: number;
}

const IFACE = 'bench0';
const SERVER = parseIPv4(BENCH_SERVER_ADDRESS)!;
const FROM = { address: BENCH_RELAY_ADDRESS, port: 67 };

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
} as unknown as Logger;

/** A client message as perfdhcp sends it, encoded; a REQUEST names the offered address and the server. */
function clientMessage(n: number, type: MessageType, requested?: number): Buffer {
  const packet = perfdhcpMessage(n, type);
  if (requested !== undefined) {
    packet.options.requestedIp = requested;
    packet.options.serverId = SERVER;
  }
  return Buffer.from(encode(packet, {}));
}

/** The store's port, passed through, noting when the first write of an exchange is queued and committed. */
class TimedStore implements LeaseStore {
  queuedAt: number | null = null;
  committedAt: number | null = null;
  constructor(private readonly inner: SqliteLeaseStore) {}
  loadAll(): Promise<Lease[]> {
    return this.inner.loadAll();
  }
  put(lease: Lease, kind?: LeaseEventKind): Promise<void> {
    return this.timed(this.inner.put(lease, kind));
  }
  remove(address: number, was?: Lease): Promise<void> {
    return this.timed(this.inner.remove(address, was));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  private timed(committed: Promise<void>): Promise<void> {
    if (this.queuedAt !== null) return committed;
    this.queuedAt = performance.now();
    return committed.then(() => {
      this.committedAt = performance.now();
    });
  }
}

interface World {
  /** Hands `data` to the server; resolves with the reply and when it was handed back. */
  exchange(data: Buffer): Promise<{ reply: Packet; sentAt: number }>;
  store: TimedStore;
  close(): Promise<void>;
}

async function world(durability: Durability): Promise<World> {
  const scratch = makeScratchDir();
  const config = parseConfig(stringify(homeplaneBenchConfig(IFACE, scratch.path, durability)), {
    source: null,
    baseDir: scratch.path,
  });
  const subnets = config.dhcp.subnets.map((s) => new Subnet(s, config.dhcp));
  // As the daemon opens it (server/main.ts): the same pragmas and checkpointer for the mode.
  const sqlite = openSqlite({ file: scratch.databaseFile, durability, checkpoints: checkpointsFor(durability) });
  // In 'process' with the lease journal in front, as server/main.ts builds it.
  const journal = durability === 'process' ? { file: LeaseJournal.open(join(scratch.path, 'lease-journal')) } : null;
  const store = new TimedStore(new SqliteLeaseStore(sqlite, new SqliteEventLog(sqlite.raw), null, journal));
  const bindings = new Bindings(subnets, store);
  bindings.load(await store.loadAll());
  const engine = new DhcpEngine(config.dhcp, bindings, new Set([SERVER]));
  let deliver: ((d: InboundDatagram) => void) | null = null;
  let waiting: ((reply: { reply: Packet; sentAt: number }) => void) | null = null;
  const transport: DhcpTransport = {
    start: (onDatagram) => {
      deliver = onDatagram;
      return Promise.resolve();
    },
    send: (_iface, data) => {
      const sentAt = performance.now();
      const reply = decode(data);
      if (reply instanceof PacketError) throw reply;
      waiting?.({ reply, sentAt });
      waiting = null;
    },
    close: () => Promise.resolve(),
  };
  const server = new DhcpServer({
    engine,
    bindings,
    transport,
    clock: systemClock,
    logger: silent,
    interfaces: new Map([[IFACE, { name: IFACE, address: SERVER, subnet: subnets[0]! }]]),
  });
  await server.start();
  return {
    store,
    exchange: (data) =>
      new Promise((resolve) => {
        waiting = resolve;
        deliver!({ data, from: FROM, iface: IFACE });
      }),
    close: async () => {
      await server.stop();
      bindings.close();
      await store.close();
      scratch.remove();
    },
  };
}

/** `exchanges` DORAs from new clients, `gapMs` apart (0: back to back); medians of the second half. */
export async function measurePathCost(durability: Durability, exchanges: number, gapMs: number): Promise<PathCost> {
  const w = await world(durability);
  const samples = { discoverOffer: [], requestAck: [], decodeEngine: [], commit: [], reply: [] } as Record<
    Exclude<keyof PathCost, 'cpuPerDora'>,
    number[]
  >;
  let cpuFrom: NodeJS.CpuUsage | null = null;
  let cpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  try {
    for (let n = 1; n <= exchanges; n++) {
      if (n === Math.floor(exchanges / 2) + 1) cpuFrom = process.cpuUsage();
      const discover = clientMessage(n, MessageType.Discover);
      let started = performance.now();
      const offer = await w.exchange(discover);
      const keep = n > exchanges / 2; // the first half warms up the JIT and the tables
      if (keep) samples.discoverOffer.push(offer.sentAt - started);
      const request = clientMessage(n, MessageType.Request, offer.reply.yiaddr);
      w.store.queuedAt = w.store.committedAt = null;
      started = performance.now();
      const ack = await w.exchange(request);
      if (ack.reply.options.messageType !== MessageType.Ack) throw new Error(`client ${n}: no ACK`);
      const { queuedAt, committedAt } = w.store;
      if (queuedAt === null || committedAt === null) throw new Error(`client ${n}: the ACK came without a commit`);
      if (keep) {
        samples.requestAck.push(ack.sentAt - started);
        samples.decodeEngine.push(queuedAt - started);
        samples.commit.push(committedAt - queuedAt);
        samples.reply.push(ack.sentAt - committedAt);
      }
      if (gapMs > 0) await delay(gapMs);
    }
    cpu = process.cpuUsage(cpuFrom ?? undefined);
  } finally {
    await w.close();
  }
  const micros = (xs: number[]) => median(xs)! * 1000;
  return {
    discoverOffer: micros(samples.discoverOffer),
    requestAck: micros(samples.requestAck),
    decodeEngine: micros(samples.decodeEngine),
    commit: micros(samples.commit),
    reply: micros(samples.reply),
    cpuPerDora: (cpu.user + cpu.system) / samples.requestAck.length,
  };
}

export function formatPathCost(durability: Durability, rows: readonly { pace: string; cost: PathCost }[]): string {
  const f = (x: number) => x.toFixed(1).padStart(8);
  const lines = [
    `in-process, durability ${durability}, medians in µs (REQUEST -> ACK = decode + engine, commit, reply):`,
    'pace                  DISCOVER->OFFER  REQUEST->ACK  decode+engine    commit     reply  cpu/DORA (mean)',
  ];
  for (const { pace, cost } of rows)
    lines.push(
      `${pace.padEnd(20)}  ${f(cost.discoverOffer)}         ${f(cost.requestAck)}      ${f(cost.decodeEngine)}  ${f(cost.commit)}  ${f(cost.reply)}  ${f(cost.cpuPerDora)}`,
    );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { durability: { type: 'string', default: 'process' }, exchanges: { type: 'string', default: '4000' } },
  });
  const durability = values.durability as Durability;
  if (durability !== 'process' && durability !== 'power') throw new Error('--durability is process or power');
  const exchanges = Number(values.exchanges);
  if (!Number.isInteger(exchanges) || exchanges < 2) throw new Error('--exchanges is a whole number, 2 or more');
  const rows = [
    { pace: 'one every 1 ms', cost: await measurePathCost(durability, exchanges, 1) },
    { pace: 'back to back', cost: await measurePathCost(durability, exchanges * 5, 0) },
  ];
  console.log(formatPathCost(durability, rows));
}
