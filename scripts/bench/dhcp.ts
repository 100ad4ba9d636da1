// DHCP throughput benchmark: perfdhcp drives ISC Kea and Homeplane (durability process and
// power) in one network-namespace lab, at rising offered rates of new-client DORA exchanges,
// the servers alternating at each step, each run on an empty lease database. Prints every step,
// then per server the highest rate kept up with (at most 1% of exchanges lost) and Homeplane's
// ratio to Kea. Only ratios from one run mean anything: the machine is noisy.
//
//   npm run bench [-- --duration 10] [--rates 1000,2000] [--servers kea,homeplane-process]
//                 [--repeat 2] [--quick] [--profile] [--profile-rate 8000] [--profile-dir DIR]
//                 [--scrape] [--options] [--pin]
//
// --servers: any of kea, kea-mt (Kea with its multi-threading on, a stronger baseline on a
// machine with cores to spare), homeplane-process and homeplane-power; all four by default, and
// then the latency targets are checked against both Kea baselines (a table of PASS / MISS). The
// run also times a 4 KiB write + fdatasync where the servers keep their leases: the floor under
// any commit that must survive power loss (durability: power). node-floor (not by default) is a
// stateless responder on node:dgram (dhcp-floor-responder.mjs): the delay of the platform alone.
// --quick: two short steps (under a minute in all), a smoke run of the whole machinery.
// --repeat N: run the whole alternation N times; a server keeps up with a rate when its best
// run there does (other work on the machine only ever slows a run down, never speeds it up).
// --profile: afterwards, run Homeplane (process) once more with V8's CPU profiler on during the
// step, at --profile-rate (default: the first step it lost more than 1% at, else the top step),
// and print where its CPU time went. --profile-dir keeps the .cpuprofile (Chrome DevTools opens it).
// --options: also run homeplane-options (the process daemon with 10 options per subnet, all
// always sent, and 3 classes, one matching every perfdhcp client) beside homeplane-process, and
// print both rates, the CPU per DORA at the rates both served almost fully and its median ratio,
// then the extra time per reply measured in-process (dhcp-options-cost.ts), where the machine's
// noise does not swamp a few percent.
// --pin: the server's processes on CPU 0, perfdhcp on CPU 1 (taskset), so neither waits for the
// other's core; every step prints both one's CPU in cores, so a load generator at 1.00 shows the
// rate was its limit, not the server's.
// --scrape: also run homeplane-scraped (Homeplane, durability process, its /metrics scraped every
// second during each step) beside homeplane-process, then measure the daemon's CPU per scrape
// and print what scraping every second costs against the highest rate Homeplane kept up with.
import {
  closeSync,
  copyFileSync,
  fdatasyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { withLab, type Lab } from '../lab/lab.ts';
import { onProcessEnd } from '../lab/exit-cleanup.ts';
import { benchLabOptions, newClientsStep } from './dhcp-lab.ts';
import { runPerfdhcp } from './dhcp-perfdhcp.ts';
import {
  DEFAULT_SERVERS,
  processCpuSeconds,
  SERVER_NAMES,
  serverPids,
  startScraper,
  startServer,
  type ServerName,
} from './dhcp-servers.ts';
import {
  compareOptions,
  figures,
  formatOptionsComparison,
  formatSteps,
  formatTargets,
  formatVerdicts,
  latencyTargets,
  powerDelayFloor,
  MAX_LOSS_PERCENT,
  verdicts,
  type StepResult,
} from './dhcp-report.ts';
import { formatProfile, readCpuProfile, summariseProfile } from './dhcp-profile.ts';
import { pinProcesses } from './cpu-share.ts';
import { median } from './stats.ts';
import { busiestThread, threadTimes } from './thread-wait.ts';
import { dropsBetween, raiseDefaultReceiveBuffer, readSocketDrops } from './udp-drops.ts';
import { DEFAULT_RECEIVE_BUFFER_BYTES } from '../../server/dhcp/transport/udp-transport.ts';
import { formatReplyCost, measureReplyCost } from './dhcp-options-cost.ts';

interface BenchOptions {
  rates: number[];
  seconds: number;
  servers: ServerName[];
  repeat: number;
  profile: boolean;
  profileRate: number | null;
  profileDir: string | null;
  scrape: boolean;
  options: boolean;
  pin: boolean;
}

/** --pin: the server's CPU and the load generator's, one core each. */
const PIN = { server: '0', generator: '1' };

const DEFAULT_RATES = [1000, 2000, 4000, 6000, 8000, 10000, 12000];
const QUICK_RATES = [1000, 4000];
/** Unmeasured exchanges before each step, from other MACs: Node's JIT warms up, Kea's caches too. */
const WARMUP = { rate: 500, seconds: 1, baseMac: '00:0c:02:00:00:00' };

function readOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rates: { type: 'string' },
      servers: { type: 'string' },
      repeat: { type: 'string', default: '1' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'profile-rate': { type: 'string' },
      'profile-dir': { type: 'string' },
      scrape: { type: 'boolean', default: false },
      options: { type: 'boolean', default: false },
      pin: { type: 'boolean', default: false },
    },
  });
  const rates = values.rates?.split(',').map(Number) ?? (values.quick ? QUICK_RATES : DEFAULT_RATES);
  const seconds = Number(values.duration ?? (values.quick ? 3 : 10));
  const servers = (values.servers?.split(',') ?? [...DEFAULT_SERVERS]) as ServerName[];
  if (values.options) {
    // The plain daemon and the one with options, side by side in the same alternation.
    if (!servers.includes('homeplane-process')) servers.push('homeplane-process');
    if (!servers.includes('homeplane-options'))
      servers.splice(servers.indexOf('homeplane-process') + 1, 0, 'homeplane-options');
  }
  if (values.scrape) {
    // Side by side with the same daemon unscraped, alternating like every other server.
    if (!servers.includes('homeplane-process')) servers.push('homeplane-process');
    if (!servers.includes('homeplane-scraped'))
      servers.splice(servers.indexOf('homeplane-process') + 1, 0, 'homeplane-scraped');
  }
  if (rates.some((r) => !Number.isInteger(r) || r <= 0))
    throw new Error(`--rates: "${values.rates}" is not a list of whole rates per second, like 1000,2000`);
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new Error(`--duration: "${values.duration}" is not a whole number of seconds`);
  const unknown = servers.filter((s) => !SERVER_NAMES.includes(s));
  if (unknown.length > 0)
    throw new Error(`--servers: unknown ${unknown.join(', ')}; choose from ${SERVER_NAMES.join(', ')}`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`--repeat: "${values.repeat}" is not a whole number of rounds`);
  const profileRate = values['profile-rate'] === undefined ? null : Number(values['profile-rate']);
  return {
    rates: [...rates].sort((a, b) => a - b),
    seconds,
    servers,
    repeat,
    profile: values.profile,
    profileRate,
    profileDir: values['profile-dir'] ?? null,
    scrape: values.scrape,
    options: values.options,
    pin: values.pin,
  };
}

/** One server, one step: start it empty, warm it up, measure, stop it. */
async function runStep(
  lab: Lab,
  server: ServerName,
  rate: number,
  seconds: number,
  dir: string,
  pin: boolean,
  cpuProfileDir?: string,
): Promise<StepResult> {
  const running = await startServer(lab, server, { dir, cpuProfileDir });
  try {
    if (pin) pinProcesses(await serverPids(lab), PIN.server);
    const generatorCpus = pin ? PIN.generator : undefined;
    await runPerfdhcp(lab, newClientsStep(WARMUP.rate, WARMUP.seconds, WARMUP.baseMac), generatorCpus);
    const generatorNamespace = lab.relay!.namespace; // runPerfdhcp has checked it exists
    const storeBefore = await running.storeCounters();
    const dropsBefore = await readSocketDrops(lab, generatorNamespace);
    const pids = await serverPids(lab);
    const threadsBefore = threadTimes(pids);
    const cpuBefore = await running.cpuSeconds();
    if (cpuProfileDir !== undefined) running.toggleProfiler();
    const { report, cpuSeconds: generatorCpuSeconds } = await runPerfdhcp(
      lab,
      newClientsStep(rate, seconds),
      generatorCpus,
    );
    if (cpuProfileDir !== undefined) running.toggleProfiler();
    const cpuSeconds = (await running.cpuSeconds()) - cpuBefore;
    const serverThread = busiestThread(threadsBefore, threadTimes(pids));
    const socketDrops = dropsBetween(dropsBefore, await readSocketDrops(lab, generatorNamespace));
    const storeAfter = await running.storeCounters();
    const scrapes = await running.endScraping();
    const store =
      storeBefore === null || storeAfter === null
        ? null
        : {
            rows: storeAfter.rowsWritten - storeBefore.rowsWritten,
            commits: storeAfter.batchesCommitted - storeBefore.batchesCommitted,
          };
    return {
      server,
      rate,
      seconds,
      report,
      cpuSeconds,
      generatorCpuSeconds,
      ...(serverThread === null ? {} : { serverThread }),
      store,
      socketDrops,
      ...(scrapes === null ? {} : { scrapes }),
    };
  } finally {
    await running.stop();
  }
}

function describe(result: StepResult): string {
  const f = figures(result);
  return (
    `${String(result.rate).padStart(6)}/s  ${result.server.padEnd(18)} ${Math.round(f.completedPerSecond).toString().padStart(6)} done/s, ` +
    `${f.lossPercent.toFixed(2)}% lost, RA avg ${result.report.requestAck.avgDelayMs ?? '-'} ms` +
    (result.scrapes
      ? `, ${result.scrapes.scrapes} scrapes (${result.scrapes.failures} failed, median ${result.scrapes.medianMs?.toFixed(1)} ms)`
      : '')
  );
}

async function measure(lab: Lab, opts: BenchOptions, scratch: string): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let run = 0;
  for (let round = 0; round < opts.repeat; round++) {
    for (const rate of opts.rates) {
      // Alternating at every step spreads the machine's drift over all servers alike.
      for (const server of opts.servers) {
        const result = await runStep(lab, server, rate, opts.seconds, join(scratch, `run-${++run}`), opts.pin);
        console.error(describe(result));
        results.push(result);
      }
    }
  }
  return results;
}

/** The rate to profile at: asked for, else the first step Homeplane fell behind at, else the top. */
function profileRate(opts: BenchOptions, results: StepResult[]): number {
  if (opts.profileRate !== null) return opts.profileRate;
  const failed = results.find((r) => r.server === 'homeplane-process' && figures(r).lossPercent > MAX_LOSS_PERCENT);
  return failed?.rate ?? opts.rates[opts.rates.length - 1]!;
}

async function profile(lab: Lab, opts: BenchOptions, rate: number, scratch: string): Promise<void> {
  const profileDir = join(scratch, 'profile');
  mkdirSync(profileDir, { recursive: true });
  const result = await runStep(
    lab,
    'homeplane-process',
    rate,
    opts.seconds,
    join(scratch, 'run-profile'),
    opts.pin,
    profileDir,
  );
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`the daemon wrote no .cpuprofile into ${profileDir}`);
  const cpuProfile = readCpuProfile(join(profileDir, file));
  console.log(`\nHomeplane (process) profiled during one step: ${describe(result).trim()}`);
  if (result.store !== null) {
    const { rows, commits } = result.store;
    console.log(
      `lease store: ${rows} rows in ${commits} batches (${(rows / Math.max(commits, 1)).toFixed(1)} rows per batch; journaled batches share SQLite transactions)`,
    );
  }
  console.log(formatProfile(summariseProfile(cpuProfile)));
  if (opts.profileDir !== null) {
    mkdirSync(opts.profileDir, { recursive: true });
    copyFileSync(join(profileDir, file), join(opts.profileDir, file));
    console.log(`profile kept: ${join(opts.profileDir, file)}`);
  }
}

/** What the bench measured of fdatasync where the servers keep their leases. */
interface FsyncFigures {
  count: number;
  medianMs: number;
  p99Ms: number;
}

/** How far apart the paced fsync probe's writes are: a REQUEST's spacing at 2,000 exchanges a second, doubled. */
const FSYNC_GAP_MS = 1;

/**
 * Times `count` 4 KiB writes each followed by fdatasync in `dir`: median and 99th percentile, ms.
 * With `gapMs`, the writes are that far apart, as a lone request's commit is at a low rate (at
 * 2,000/s a REQUEST comes every 0.5 ms): on these virtual disks a flush after an idle gap costs
 * more than one right after another (issue 12's note), and the paced figure is the one a
 * durability: power ACK at 2,000/s waits for.
 */
async function measureFsync(dir: string, gapMs = 0, count = 200): Promise<FsyncFigures> {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      writeSync(fd, block, 0, block.length, 0);
      fdatasyncSync(fd);
      times.push(performance.now() - started);
      if (gapMs > 0) await delay(gapMs);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return { count, medianMs: median(times)!, p99Ms: times[Math.ceil(count * 0.99) - 1]! };
}

/** Scrapes back to back against an idle daemon that holds the warm-up's leases: its CPU per scrape. */
const COST_SCRAPES = 200;

/**
 * What scraping every second costs: the daemon's CPU per scrape (measured on its own, since a
 * step's CPU varies by more than that from run to run), over the CPU the daemon used per second
 * at the highest rate it kept up with; beside it, both servers' figures at that rate.
 */
async function scrapeCost(lab: Lab, results: StepResult[], scratch: string): Promise<void> {
  const running = await startServer(lab, 'homeplane-process', {
    dir: join(scratch, 'run-scrape-cost'),
    metricsListen: '127.0.0.1:0',
  });
  // The daemon's own CPU: the scraper runs in the same namespace.
  const cpu = (): number => processCpuSeconds(running.pid!) ?? 0;
  let perScrape: number;
  let summary;
  try {
    await runPerfdhcp(lab, newClientsStep(WARMUP.rate, WARMUP.seconds, WARMUP.baseMac));
    const idleFrom = cpu();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idlePerSecond = cpu() - idleFrom;
    const before = cpu();
    const started = performance.now();
    summary = await startScraper(lab, running.metricsAddress!, '--burst', COST_SCRAPES).done;
    const elapsed = (performance.now() - started) / 1000;
    // Less what the idle daemon spends anyway over the same time (its timers).
    perScrape = Math.max(0, cpu() - before - idlePerSecond * elapsed) / COST_SCRAPES;
  } finally {
    await running.stop();
  }
  const [plain, scraped] = verdicts(results, ['homeplane-process', 'homeplane-scraped']);
  console.log(
    `\nScraping /metrics: ${summary.bytes} bytes a scrape, median ${summary.medianMs?.toFixed(2)} ms; daemon CPU ${(perScrape * 1000).toFixed(2)} ms a scrape (${COST_SCRAPES} back to back, idle daemon)`,
  );
  if (plain?.best == null) {
    console.log('homeplane-process kept up with no step: no clean rate to weigh the scrape against');
    return;
  }
  const top = plain.best;
  const cpuPerSecond = top.cpuSeconds / top.seconds;
  console.log(
    `highest clean rate of homeplane-process: ${top.rate}/s, daemon CPU ${cpuPerSecond.toFixed(2)} s/s there; ` +
      `a scrape every second costs ${((100 * perScrape) / cpuPerSecond).toFixed(3)}% of that`,
  );
  const same = results.filter((r) => r.rate === top.rate && r.server === 'homeplane-scraped');
  const scrapedAtTop = same.find((r) => figures(r).lossPercent <= MAX_LOSS_PERCENT) ?? same[0];
  const micros = (r: StepResult | undefined) =>
    r === undefined ? '-' : (figures(r).cpuMicrosPerDora?.toFixed(1) ?? '-');
  console.log(
    `side by side at ${top.rate}/s: CPU per DORA ${micros(top)} µs unscraped, ${micros(scrapedAtTop)} µs scraped every second ` +
      `(one step each: run-to-run noise can exceed the cost of the scrapes); highest clean rate scraped: ${scraped?.best?.rate ?? 'none'}/s`,
  );
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'homeplane-bench-'));
  const removeScratch = (): void => rmSync(scratch, { recursive: true, force: true });
  const forgetScratch = onProcessEnd(removeScratch);
  const buffers = raiseDefaultReceiveBuffer(DEFAULT_RECEIVE_BUFFER_BYTES);
  const forgetBuffers = onProcessEnd(buffers.restore);
  try {
    await withLab(benchLabOptions('bench'), async (lab) => {
      console.error(
        `steps of ${opts.seconds} s at ${opts.rates.join(', ')} DORA/s offered, ${opts.repeat} round(s); servers alternate: ${opts.servers.join(', ')}`,
      );
      console.log(
        buffers.to > buffers.from
          ? `every socket in the lab starts with a ${buffers.to}-byte receive buffer, as Homeplane's does ` +
              `(net.core.rmem_default ${buffers.from} -> ${buffers.to} for this run): Kea and perfdhcp take the default, ` +
              "and a full buffer at perfdhcp drops replies, counted as the server's loss"
          : `net.core.rmem_default is already ${buffers.from} bytes, at least Homeplane's ${DEFAULT_RECEIVE_BUFFER_BYTES}: ` +
              "Kea's and perfdhcp's sockets start with it",
      );
      const fsync = await measureFsync(scratch);
      const fsyncPaced = await measureFsync(scratch, FSYNC_GAP_MS);
      const results = await measure(lab, opts, scratch);
      console.log('\nEvery step (DO = DISCOVER-OFFER, RA = REQUEST-ACK delays; loss = exchanges without an ACK;');
      console.log(
        "srv wait % = share of the step the server's busiest thread was runnable but waiting for a CPU;\n" +
          'rcvbuf drops = datagrams dropped at a full receive buffer: requests at the server, replies at perfdhcp):',
      );
      console.log(formatSteps(results));
      console.log(`\nHighest offered rate kept up with (at most ${MAX_LOSS_PERCENT}% loss), with its delays:`);
      console.log(formatVerdicts(verdicts(results, opts.servers), opts.rates[opts.rates.length - 1]!));
      console.log(
        `\nfsync on this machine (4 KiB write + fdatasync, where the servers keep their leases, ${fsync.count} times): ` +
          `back to back median ${fsync.medianMs.toFixed(3)} ms, p99 ${fsync.p99Ms.toFixed(3)} ms; ` +
          `${FSYNC_GAP_MS} ms apart median ${fsyncPaced.medianMs.toFixed(3)} ms, p99 ${fsyncPaced.p99Ms.toFixed(3)} ms: ` +
          'the floor under a durability: power commit',
      );
      if (opts.servers.includes('kea')) {
        console.log('\nLatency targets (best of the repeats; Kea and Kea-MT from this run):');
        console.log(formatTargets(latencyTargets(results)));
        const floor = powerDelayFloor(results, fsyncPaced.medianMs);
        if (floor.length > 0) console.log(floor.join('\n'));
      }
      if (opts.scrape) await scrapeCost(lab, results, scratch);
      if (opts.options) {
        console.log(
          '\nOptions (homeplane-options: 10 options per subnet, all always sent, and 3 classes, one matching every client):',
        );
        console.log(formatOptionsComparison(compareOptions(results)));
        const [plain] = verdicts(results, ['homeplane-process']);
        const plainMicros = plain?.best == null ? null : figures(plain.best).cpuMicrosPerDora;
        console.log(formatReplyCost(await measureReplyCost(), plainMicros));
      }
      if (opts.profile) await profile(lab, opts, profileRate(opts, results), scratch);
    });
  } finally {
    forgetBuffers();
    buffers.restore();
    forgetScratch();
    removeScratch();
  }
}

await main();
