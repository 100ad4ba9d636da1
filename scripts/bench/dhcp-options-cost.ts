// `npm run bench -- --options`, second half: what the options cost per reply inside the daemon,
// without the network or the other processes on the machine in the figure. The bench's own two
// configs (plain, and 10 options + 3 classes) are parsed as the daemon parses them; the real
// engine over real Bindings answers DISCOVERs from new clients (perfdhcp's pattern) with OFFERs,
// each encoded; rounds alternate between the configs and the fastest round of each counts.
import { stringify } from 'yaml';
import { parseConfig } from '../../server/config/load.ts';
import { Bindings } from '../../server/dhcp/bindings.ts';
import { emptyOptions, encode, MessageType, parseIPv4, type Packet } from '../../server/dhcp/codec/index.ts';
import { DhcpEngine } from '../../server/dhcp/engine.ts';
import { Subnet } from '../../server/dhcp/subnet.ts';
import { openSqlite } from '../../server/store/sqlite.ts';
import { SqliteLeaseStore } from '../../server/store/sqlite-lease-store.ts';
import { makeScratchDir } from '../../server/store/testing/fixtures.ts';
import { BENCH_RELAY_ADDRESS, BENCH_SERVER_ADDRESS, homeplaneBenchConfig } from './dhcp-lab.ts';

export interface ReplyCost {
  plainMicros: number;
  optionsMicros: number;
  /** Bytes of one OFFER of each. */
  plainBytes: number;
  optionsBytes: number;
}

const REPLIES_PER_ROUND = 20_000;
const ROUNDS = 5;

const RELAY = parseIPv4(BENCH_RELAY_ADDRESS)!;

/**
 * perfdhcp's message of client `n` as far as the engine looks: relayed, a new MAC per client,
 * asking for 1, 3, 6, 15 (also dhcp-path-cost.ts's).
 */
export function perfdhcpMessage(n: number, type: MessageType = MessageType.Discover): Packet {
  const options = emptyOptions();
  options.messageType = type;
  options.parameterRequestList = [1, 28, 2, 3, 15, 6, 12];
  return {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 1,
    xid: n,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: RELAY,
    chaddr: Uint8Array.of(0x00, 0x0c, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff),
    sname: '',
    file: '',
    options,
  };
}

interface World {
  answer(n: number, now: number): Uint8Array;
  close(): Promise<void>;
}

function world(withOptions: boolean, dir: string): World {
  const config = parseConfig(stringify(homeplaneBenchConfig('bench0', dir, 'process', undefined, withOptions)), {
    source: null,
    baseDir: dir,
  });
  const subnets = config.dhcp.subnets.map((s) => new Subnet(s, config.dhcp));
  const store = new SqliteLeaseStore(
    openSqlite({ file: `${dir}/${withOptions ? 'options' : 'plain'}.db`, durability: 'process' }),
  );
  const bindings = new Bindings(subnets, store);
  const server = parseIPv4(BENCH_SERVER_ADDRESS)!;
  const engine = new DhcpEngine(config.dhcp, bindings, new Set([server]));
  const iface = { name: 'bench0', address: server, subnet: subnets[0]! };
  return {
    answer(n, now) {
      const outcome = engine.handle(perfdhcpMessage(n), { iface, now });
      if (outcome.action !== 'reply') throw new Error(`no reply: ${JSON.stringify(outcome)}`);
      return encode(outcome.reply, { maxMessageSize: outcome.maxMessageSize, fileAsOption67: true });
    },
    close: () => store.close(),
  };
}

export async function measureReplyCost(): Promise<ReplyCost> {
  const scratch = makeScratchDir();
  const plain = world(false, scratch.path);
  const options = world(true, scratch.path);
  try {
    const best = { plain: Infinity, options: Infinity };
    let n = 0;
    const now = Date.now();
    const round = (w: World): number => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < REPLIES_PER_ROUND; i++) w.answer(++n, now);
      return Number(process.hrtime.bigint() - started) / 1000 / REPLIES_PER_ROUND;
    };
    round(plain); // warm-up of both: the JIT, the allocator's first pages
    round(options);
    for (let r = 0; r < ROUNDS; r++) {
      best.plain = Math.min(best.plain, round(plain));
      best.options = Math.min(best.options, round(options));
    }
    return {
      plainMicros: best.plain,
      optionsMicros: best.options,
      plainBytes: plain.answer(++n, now).length,
      optionsBytes: options.answer(++n, now).length,
    };
  } finally {
    await plain.close();
    await options.close();
    scratch.remove();
  }
}

/** The extra per-reply time, over the CPU a whole DORA (two replies) took the plain daemon in the run. */
export function formatReplyCost(cost: ReplyCost, plainCpuMicrosPerDora: number | null): string {
  const extra = cost.optionsMicros - cost.plainMicros;
  const share =
    plainCpuMicrosPerDora === null
      ? ''
      : `; two replies a DORA: ${((200 * extra) / plainCpuMicrosPerDora).toFixed(1)}% of the plain daemon's ${plainCpuMicrosPerDora.toFixed(0)} µs CPU per DORA at its best rate`;
  return (
    `in-process, DISCOVER -> encoded OFFER (fastest of ${ROUNDS} alternating rounds of ${REPLIES_PER_ROUND}): ` +
    `plain ${cost.plainMicros.toFixed(2)} µs (${cost.plainBytes} bytes), with options ${cost.optionsMicros.toFixed(2)} µs ` +
    `(${cost.optionsBytes} bytes), +${extra.toFixed(2)} µs a reply${share}`
  );
}

// Run on its own: node --import tsx scripts/bench/dhcp-options-cost.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatReplyCost(await measureReplyCost(), null));
}
