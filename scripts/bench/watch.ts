// Watch benchmark: watchers of the gRPC event stream (EventService.Watch) while perfdhcp drives
// leases at several rates, in the DHCP benchmark's lab (perfdhcp in the relay namespace, the
// daemon in the server namespace, fresh and empty for every step). The daemon's API listens on a
// unix socket; the watchers run in child processes in the root namespace (watch-client.ts).
// Every step with watchers is paired with the same step without them, back to back (the order
// alternating from pair to pair), for the DHCP rate lost to watching. Then many idle watchers,
// for the daemon's memory. Prints the figures and whether the issue's targets were met.
//
//   npm run bench:watch [-- --watchers 10,100,1000] [--rates 500,1000,2000,6000] [--duration 10]
//                       [--idle-watchers 1000] [--idle-hold 30] [--processes 2] [--per-channel 10]
//                       [--flow-window BYTES] [--decode lean|full] [--settle 15] [--quick]
//
// --per-channel: Watch streams per grpc-js channel (one HTTP/2 connection each). With grpc-js's
// default 64 KiB windows a connection's streams share one 64 KiB connection window, and many busy
// streams on one connection wait on its WINDOW_UPDATEs: try --per-channel 100, with and without
// --flow-window 1048576 (grpc-node.flow_control_window), to see that client-side cost.
// --processes: watcher processes the watchers are shared between.
// --quick: the two target steps only (10 watchers at 6,000/s, 100 at 1,000/s) for 3 s each, and
// the idle watchers held 10 s: about a minute.
// --decode full: watchers decode every frame with the generated decoder (leases included), as a
// real client would; the default reads only revisions and times (watch-frames.ts).
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withLab } from '../lab/lab.ts';
import { onProcessEnd } from '../lab/exit-cleanup.ts';
import { benchLabOptions } from './dhcp-lab.ts';
import { figures } from './dhcp-report.ts';
import type { FrameDecoding } from './watch-frames.ts';
import { runIdle, type IdleMeasure } from './watch-idle.ts';
import { WatcherPool } from './watch-pool.ts';
import {
  delivery,
  dhcpLostPercent,
  formatCost,
  formatDelivery,
  formatIdle,
  formatTargets,
  targets,
  type StepPair,
} from './watch-report.ts';
import { runWatchStep, type StepContext, type StepMeasure, type StepPlan } from './watch-step.ts';

interface WatchBenchOptions {
  /** [watchers, rate] for each watched step. */
  steps: [number, number][];
  seconds: number;
  idleWatchers: number;
  idleHoldSeconds: number;
  processes: number;
  perChannel: number;
  flowWindow: number | null;
  decoding: FrameDecoding;
  settleSeconds: number;
}

const DEFAULT_WATCHERS = [10, 100, 1000];
const DEFAULT_RATES = [500, 1000, 2000, 6000];
const QUICK_STEPS: [number, number][] = [
  [10, 6000],
  [100, 1000],
];

function wholeList(text: string, flag: string): number[] {
  const list = text.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--${flag}: "${text}" is not a list of whole numbers, like 10,100`);
  return list;
}

function whole(text: string, flag: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag}: "${text}" is not a whole number of at least ${min}`);
  return n;
}

function readOptions(argv: string[]): WatchBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      watchers: { type: 'string' },
      rates: { type: 'string' },
      duration: { type: 'string' },
      'idle-watchers': { type: 'string', default: '1000' },
      'idle-hold': { type: 'string' },
      processes: { type: 'string', default: '2' },
      'per-channel': { type: 'string', default: '10' },
      'flow-window': { type: 'string' },
      decode: { type: 'string', default: 'lean' },
      settle: { type: 'string', default: '15' },
      quick: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick && values.watchers === undefined && values.rates === undefined;
  const watchers = values.watchers === undefined ? DEFAULT_WATCHERS : wholeList(values.watchers, 'watchers');
  const rates = values.rates === undefined ? DEFAULT_RATES : wholeList(values.rates, 'rates');
  const steps: [number, number][] = quick
    ? QUICK_STEPS
    : rates.flatMap((rate) => watchers.map((w): [number, number] => [w, rate]));
  if (values.decode !== 'lean' && values.decode !== 'full')
    throw new Error(`--decode: "${values.decode}" is neither lean nor full`);
  return {
    steps,
    seconds: whole(values.duration ?? (values.quick ? '3' : '10'), 'duration'),
    idleWatchers: whole(values['idle-watchers'], 'idle-watchers', 0),
    idleHoldSeconds: whole(values['idle-hold'] ?? (values.quick ? '10' : '30'), 'idle-hold'),
    processes: whole(values.processes, 'processes'),
    perChannel: whole(values['per-channel'], 'per-channel'),
    flowWindow: values['flow-window'] === undefined ? null : whole(values['flow-window'], 'flow-window', 65_535),
    decoding: values.decode,
    settleSeconds: whole(values.settle, 'settle'),
  };
}

function describeStep(m: StepMeasure): string {
  const f = figures(m.dhcp);
  const head =
    `${String(m.plan.watchers).padStart(5)} watchers ${String(m.plan.rate).padStart(5)}/s: ` +
    `DHCP ${Math.round(f.completedPerSecond)} done/s (${f.lossPercent.toFixed(2)}% lost), ${Math.round(m.committed / m.plan.seconds)} events/s committed`;
  const d = delivery(m);
  if (d === null) return head;
  return (
    `${head}; ${Math.round(d.deliveredPerSecond)} delivered/s, p50 ${d.p50} p99 ${d.p99} max ${d.maxMs} ms, ` +
    `dropped ${d.dropped}, missed+dup ${d.outOfSequence}, behind ${m.watch!.behindAtEnd}`
  );
}

async function measurePairs(ctx: StepContext, opts: WatchBenchOptions): Promise<StepPair[]> {
  const pairs: StepPair[] = [];
  let run = 0;
  for (const [index, [watchers, rate]] of opts.steps.entries()) {
    const watchedPlan: StepPlan = { watchers, rate, seconds: opts.seconds };
    const baselinePlan: StepPlan = { watchers: 0, rate, seconds: opts.seconds };
    // Alternating which goes first spreads the machine's drift over both alike.
    const order = index % 2 === 0 ? [baselinePlan, watchedPlan] : [watchedPlan, baselinePlan];
    const results: StepMeasure[] = [];
    for (const plan of order) {
      const result = await runWatchStep(ctx, plan, `run-${++run}`);
      console.error(describeStep(result));
      results.push(result);
    }
    const [watched, baseline] = results[0]!.plan.watchers > 0 ? [results[0]!, results[1]!] : [results[1]!, results[0]!];
    pairs.push({ watched, baseline });
    console.error(`      DHCP lost to watching: ${dhcpLostPercent({ watched, baseline }).toFixed(1)}%`);
  }
  return pairs;
}

function printResults(opts: WatchBenchOptions, pairs: StepPair[], idle: IdleMeasure | null, loadAtStart: number): void {
  const topRate = Math.max(...opts.steps.map(([, rate]) => rate));
  console.log(
    `\nWatch delivery (per second of each ${opts.seconds} s perfdhcp step; latency = receipt - Event.time, over every event every watcher got):`,
  );
  console.log(formatDelivery(pairs));
  console.log('\nCost of watching (with = the step above, without = the same step with no watcher, run next to it):');
  console.log(formatCost(pairs));
  if (idle !== null) console.log(`\n${formatIdle(idle)}`);
  console.log('\nTargets (issue 3):');
  console.log(formatTargets(targets(pairs, topRate, idle)));
  console.log(caveats(opts, loadAtStart));
}

function caveats(opts: WatchBenchOptions, loadAtStart: number): string {
  return [
    '',
    'Read with care:',
    `- Load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end: work beyond this benchmark slows every step.`,
    `- One machine, ${cpus().length} cores, shared by the daemon, perfdhcp, ${opts.processes} watcher processes and this one: a watcher`,
    "  process busy with other streams delays receipt, so latency and delivery include the clients' own CPU contention",
    '  ("watcher procs CPU %": 100 = one core). The daemon\'s own limits may lie higher than shown.',
    "- Latency: Event.time is stamped (Date.now(), whole ms) inside the commit's transaction, just before COMMIT, and read",
    '  against Date.now() on the same machine (same clock): it includes the commit itself, and is exact to about 1 ms.',
    `- One lease.granted event per completed DORA; events batch per commit (several per frame at high rates). Watchers`,
    `  decode ${opts.decoding === 'lean' ? 'only revisions and times (--decode full for the generated decoder)' : 'every frame with the generated decoder'};`,
    `  ${opts.perChannel} streams per channel, one HTTP/2 connection each (the daemon sets no max concurrent streams: Node's default,`,
    `  unlimited), HTTP/2 windows ${opts.flowWindow === null ? "grpc-js's default (64 KiB, the connection's shared by its streams)" : `of ${opts.flowWindow} bytes`}.`,
    "- Delivered events count those that arrived before the watchers caught up after the step, divided by the step's seconds.",
    '- "dropped": streams the daemon ended (RESOURCE_EXHAUSTED, or a reset) or that failed to open; "missed+dup": revisions',
    '  skipped or repeated in a watcher\'s sequence (must be 0); "behind at end": watchers short of the newest revision',
    `  ${opts.settleSeconds} s after perfdhcp ended.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  const loadAtStart = loadavg()[0]!;
  const scratch = mkdtempSync(join(tmpdir(), 'homeplane-bench-watch-'));
  const removeScratch = (): void => rmSync(scratch, { recursive: true, force: true });
  const forgetScratch = onProcessEnd(removeScratch);
  try {
    const pool = await WatcherPool.start(opts.processes);
    try {
      await withLab(benchLabOptions('watch'), async (lab) => {
        const ctx: StepContext = {
          lab,
          pool,
          scratch,
          perChannel: opts.perChannel,
          flowWindow: opts.flowWindow,
          decoding: opts.decoding,
          settleMs: opts.settleSeconds * 1000,
        };
        console.error(
          `steps of ${opts.seconds} s, (watchers, DORA/s offered): ${opts.steps.map(([w, r]) => `(${w}, ${r})`).join(' ')}, each paired with the step without watchers`,
        );
        const pairs = await measurePairs(ctx, opts);
        let idle: IdleMeasure | null = null;
        if (opts.idleWatchers > 0) {
          console.error(`${opts.idleWatchers} idle watchers, held ${opts.idleHoldSeconds} s`);
          idle = await runIdle(ctx, opts.idleWatchers, opts.idleHoldSeconds, 'run-idle');
        }
        printResults(opts, pairs, idle, loadAtStart);
      });
    } finally {
      await pool.dispose();
    }
  } finally {
    forgetScratch();
    removeScratch();
  }
}

await main();
