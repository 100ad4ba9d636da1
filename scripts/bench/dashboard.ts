// Dashboard benchmark (issue 8): the Leases page open in Debian's Chromium on a daemon holding
// 50,000 leases while perfdhcp drives 500 lease events per second for 5 minutes. Measured in the
// page: time to the first lease row, long tasks and frames over 50 ms after load, JS heap at start
// and end (after a forced GC), DOM nodes. Prints a table against the issue's targets.
//
//   npm run bench:dashboard [-- --leases 50000 --rate 500 --seconds 300 --fill-rate 1000]
//                              [--profile FILE.cpuprofile] [--trace FILE.json [--trace-detail]] [--no-pin]
//
// --profile records the page's JavaScript CPU profile from the load of /leases to the end (open
// the file in Chromium's DevTools, Performance panel) and prints the functions with the most self
// time, so a long task can be traced to its code. --trace records a Chromium timeline trace over
// the same span and prints, for every main-thread task over 50 ms, its wall time and the time its
// thread was on a core (the rest it waited for one), and with --trace-detail its work by kind
// (script, style, layout, paint, parsing, GC).
// Chromium runs on a core of its own, as on the user's own machine, the daemon, Next and perfdhcp
// on the others (--no-pin: all share every core); the table of CPU per process kind shows why.
//
// The daemon runs in a network-namespace lab (as the DHCP benchmark's), perfdhcp in the lab's
// relay namespace. Leases: perfdhcp DORA exchanges from random MACs among `clients` = 1.05 x
// --leases (perfdhcp draws each exchange's MAC at random in its -R range), repeated until the
// daemon holds --leases. Events: DORA exchanges at --rate from those same MACs, nearly all
// clients already holding a lease, so each is a renewal (lease.renewed; the daemon's renewal
// cache is off, so every one is written and sent to watchers), a few new grants. The page only
// depends on rows carrying `data-address` at /leases. Not part of `npm test`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { chromium, type Page } from 'playwright-core';
import { LeaseServiceClient } from '../../proto/gen/homeplane/v1/lease.ts';
import { StatsServiceClient } from '../../proto/gen/homeplane/v1/stats.ts';
import { withLab, type Lab } from '../lab/lab.ts';
import { LabDaemon } from '../lab/daemon.ts';
import { onProcessEnd } from '../lab/exit-cleanup.ts';
import { ensureDashboardBuild } from '../dashboard-build.mjs';
import { startDashboard } from '../../e2e/fixtures/dashboard.ts';
import { ADMIN, createAdmin } from '../../e2e/fixtures/session.ts';
import { benchLabOptions, BENCH_RELAY_ADDRESS, BENCH_SERVER_ADDRESS, homeplaneBenchConfig } from './dhcp-lab.ts';
import { runPerfdhcp, type PerfdhcpReport, type PerfdhcpStep } from './dhcp-perfdhcp.ts';
import {
  after,
  PROBE_SCRIPT,
  type PageProbe,
  readProbe,
  sampleMemory,
  startProfile,
  stopProfile,
  type MemorySample,
} from './dashboard-page.ts';
import { startTrace, stopTrace } from './dashboard-trace.ts';
import { CpuSampler, cpuTable, pinProcesses, processTree, type Classifier } from './cpu-share.ts';
import { cpus } from 'node:os';

interface Options {
  leases: number;
  rate: number;
  seconds: number;
  fillRate: number;
  profile: string | null;
  trace: string | null;
  /** Chromium on a core of its own (--no-pin: everything shares every core). */
  pin: boolean;
  /** With --trace: also what each long task did (five times the trace). */
  traceDetail: boolean;
}

/** The bench's clients' MACs start here (perfdhcp adds its random draw to the low bytes). */
const BASE_MAC = '00:0c:10:00:00:00';
/** Long enough that no lease expires during a run (expiry events would be a load of their own). */
const LEASE_SECONDS = 86_400;
/**
 * Fill rounds at most, before giving up. A round falls short when exchanges are lost (a loaded
 * machine: the daemon, Chromium and Next share the cores), so the next one asks for what is left.
 */
const FILL_ROUNDS = 20;
/** After load, before the start sample: the page's first hydration and stream catch-up settle. */
const SETTLE_MS = 5_000;
/** After the event load, for the page to apply what is still queued. */
const DRAIN_MS = 3_000;
const TARGET = { taskMs: 50, frameMs: 50, heapDrift: 0.1, firstRowsMs: 1_500 };

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      leases: { type: 'string', default: '50000' },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '300' },
      'fill-rate': { type: 'string', default: '1000' },
      profile: { type: 'string' },
      trace: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      'trace-detail': { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name}: "${text}" is not a whole number of at least ${min}`);
    return n;
  };
  return {
    leases: whole('leases', values.leases, 1),
    rate: whole('rate', values.rate, 1),
    seconds: whole('seconds', values.seconds, 10),
    fillRate: whole('fill-rate', values['fill-rate'], 1),
    profile: values.profile ?? null,
    trace: values.trace ?? null,
    pin: values['no-pin'] !== true,
    traceDetail: values['trace-detail'] === true,
  };
}

function step(rate: number, seconds: number, clients: number): PerfdhcpStep {
  return { rate, seconds, clients, server: BENCH_SERVER_ADDRESS, localAddress: BENCH_RELAY_ADDRESS, baseMac: BASE_MAC };
}

/** Unary calls to the daemon with its token. */
class DaemonApi {
  private readonly metadata = new grpc.Metadata();
  private readonly leases: LeaseServiceClient;
  private readonly stats: StatsServiceClient;

  constructor(target: string, token: string) {
    this.metadata.set('authorization', `Bearer ${token}`);
    this.leases = new LeaseServiceClient(target, grpc.credentials.createInsecure());
    this.stats = new StatsServiceClient(target, grpc.credentials.createInsecure());
  }

  leaseCount(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.leases.listLeases(
        { subnet: '', state: 0, query: '', pageSize: 1, pageToken: '' },
        this.metadata,
        { deadline: Date.now() + 30_000 },
        (err, response) => (err ? reject(err) : resolve(response.totalSize)),
      ),
    );
  }

  revision(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.stats.getStats({}, this.metadata, { deadline: Date.now() + 30_000 }, (err, response) =>
        err ? reject(err) : resolve(response.revision),
      ),
    );
  }

  close(): void {
    this.leases.close();
    this.stats.close();
  }
}

/**
 * Exchanges until the daemon holds `target` leases. With k exchanges drawn among R clients of
 * which c hold one, R - (R - c) e^(-k/R) are expected to hold one after: solved for k, plus 5%.
 */
async function fill(lab: Lab, api: DaemonApi, opts: Options, clients: number): Promise<number> {
  let count = await api.leaseCount();
  for (let round = 1; count < opts.leases && round <= FILL_ROUNDS; round++) {
    const exchanges = 1.05 * clients * Math.log((clients - count) / (clients - opts.leases));
    const seconds = Math.max(1, Math.ceil(exchanges / opts.fillRate));
    const started = Date.now();
    const { requestAck } = (await runPerfdhcp(lab, step(opts.fillRate, seconds, clients))).report;
    count = await api.leaseCount();
    console.error(
      `fill round ${round}: ${seconds} s at ${opts.fillRate}/s, ${requestAck.received} of ${requestAck.sent} ` +
        `REQUESTs answered -> ${count} leases (${(Date.now() - started) / 1000} s)`,
    );
  }
  if (count < opts.leases) throw new Error(`the daemon holds only ${count} of ${opts.leases} leases after the fill`);
  return count;
}

interface Run {
  leases: { before: number; after: number };
  firstRowsMs: number;
  /** The same on the first visit of /leases after the dashboard's server started. */
  coldFirstRowsMs: number;
  loadAt: number;
  start: MemorySample;
  end: MemorySample;
  longTasks: [number, number][];
  slowFrames: [number, number][];
  frames: number;
  measuredMs: number;
  events: number;
  eventSeconds: number;
  perfdhcp: PerfdhcpReport;
  cpu: { seconds: number; byKind: Map<string, number> };
}

/** What each process on the machine is, for the CPU table; the rest counts as the machine's other load. */
function classifier(scratch: string): Classifier {
  return (cmdline, pid) => {
    if (pid === process.pid) return 'bench script';
    if (cmdline.includes('homeplane.mjs') && cmdline.includes(scratch)) return 'daemon';
    if (cmdline.includes('perfdhcp')) return 'perfdhcp';
    if (/\bnext(-server)?\b/.test(cmdline) && cmdline.includes('start')) return 'Next server';
    if (cmdline.includes('next-server')) return 'Next server';
    if (cmdline.startsWith('/usr/lib/chromium/')) {
      const type = /--type=([a-z-]+)/.exec(cmdline)?.[1] ?? 'browser';
      return `Chromium ${type}`;
    }
    return 'rest of the machine';
  };
}

/** Every renderer's main thread (its tid is its pid), to show the page's own thread apart. */
function rendererMainThreads(): { label: string; pid: number; tid: number }[] {
  const threads: { label: string; pid: number; tid: number }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.startsWith('/usr/lib/chromium/') && cmdline.includes('--type=renderer'))
        threads.push({ label: '  of which renderer main threads', pid, tid: pid });
    } catch {
      // gone
    }
  }
  return threads;
}

/** Opens `url` as a new document and waits for its first lease row; prints where the time went. */
async function loadLeasesPage(page: Page, url: string, what: string): Promise<PageProbe> {
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  await page.locator('[data-address]').first().waitFor({ state: 'visible', timeout: 120_000 });
  const loaded = await readProbe(page);
  const timing = (await page.evaluate(
    '(() => { const n = performance.getEntriesByType("navigation")[0]; return n && [n.responseStart, n.responseEnd, n.domInteractive]; })()',
  )) as [number, number, number] | undefined;
  const [firstByte, lastByte, interactive] = (timing ?? [NaN, NaN, NaN]).map(Math.round);
  console.error(
    `/leases, ${what}: first rows at ${Math.round(loaded.firstRowAt ?? -1)} ms ` +
      `(first byte ${firstByte} ms, last byte ${lastByte} ms, interactive ${interactive} ms)`,
  );
  return loaded;
}

async function measure(lab: Lab, opts: Options, scratch: string): Promise<Run> {
  const socket = join(scratch, 'grpc.sock');
  const daemon = await LabDaemon.start(
    lab,
    (dataDir) => {
      const config = homeplaneBenchConfig(lab.subnets[0]!.serverInterface, dataDir, 'process', `unix:${socket}`);
      const dhcp = config.dhcp as Record<string, unknown>;
      return { ...config, dhcp: { ...dhcp, leaseTime: LEASE_SECONDS, cacheThreshold: 0 } };
    },
    { dir: scratch },
  );
  const tokenFile = join(daemon.dataDir, 'grpc.token');
  const target = `unix:${socket}`;
  const api = new DaemonApi(target, readFileSync(tokenFile, 'utf8').trim());
  try {
    const clients = Math.ceil(opts.leases * 1.05);
    const before = await fill(lab, api, opts, clients);
    // The browser stands for the user's own machine: it gets the last core to itself, while the
    // daemon, the dashboard's server and perfdhcp (this script's children, now and later) share
    // the others. Without it, a long task mostly measures the page's thread waiting for a core.
    // The machine's cores (not this process's affinity, which the pinning narrows).
    const cores = cpus().length;
    const pinned = opts.pin && cores >= 2;
    const browserCpu = String(cores - 1);
    const serverCpus = cores > 2 ? `0-${cores - 2}` : '0';
    if (pinned) {
      pinProcesses(
        processTree(process.pid).map((p) => p.pid),
        serverCpus,
      );
      console.error(`pinned: the daemon, Next and perfdhcp on CPU ${serverCpus}, Chromium on CPU ${browserCpu}`);
    }
    await createAdmin({ target, tokenFile });
    const dashboard = await startDashboard({ target, tokenFile });
    const browser = await chromium.launch({
      executablePath: process.env.HOMEPLANE_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    if (pinned)
      pinProcesses(
        processTree(process.pid)
          .filter((p) => p.cmdline.startsWith('/usr/lib/chromium/'))
          .map((p) => p.pid),
        browserCpu,
      );
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addInitScript(PROBE_SCRIPT);
      const page = await context.newPage();
      await page.goto(`${dashboard.url}/sign-in`);
      await page.getByLabel('Username').fill(ADMIN.username);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: 30_000 });

      const cdp = await context.newCDPSession(page);
      if (opts.profile !== null) await startProfile(cdp);
      if (opts.trace !== null) await startTrace(cdp, opts.traceDetail);
      // The measured loads: a fresh document of /leases, twice: the first visit since the
      // dashboard's server started (it loads the page's code then), and the one after it, whose
      // document then stays open for the events.
      const coldLoad = await loadLeasesPage(page, `${dashboard.url}/leases`, 'first visit');
      const loaded = await loadLeasesPage(page, `${dashboard.url}/leases`, 'second visit');
      const loadAt = Math.max(loaded.firstRowAt ?? loaded.now, loaded.now);
      await page.waitForTimeout(SETTLE_MS);
      const start = await sampleMemory(cdp, page);
      const revisionBefore = await api.revision();
      const eventsStarted = Date.now();
      const renderers = rendererMainThreads();
      const cpu = new CpuSampler(classifier(scratch), () => renderers);
      cpu.start();
      console.error(`${opts.rate} lease events/s for ${opts.seconds} s ...`);
      const perfdhcp = (await runPerfdhcp(lab, step(opts.rate, opts.seconds, clients))).report;
      const eventSeconds = (Date.now() - eventsStarted) / 1000;
      const cpuUse = cpu.stop();
      const events = (await api.revision()) - revisionBefore;
      await page.waitForTimeout(DRAIN_MS);
      const end = await sampleMemory(cdp, page);
      const probe = await readProbe(page);
      if (opts.profile !== null) console.error(await stopProfile(cdp, opts.profile));
      if (opts.trace !== null) console.error(await stopTrace(cdp, opts.trace));
      if (probe.firstRowAt === null) throw new Error('the probe saw no [data-address] row become visible');
      return {
        leases: { before, after: await api.leaseCount() },
        firstRowsMs: probe.firstRowAt,
        coldFirstRowsMs: coldLoad.firstRowAt ?? Number.NaN,
        loadAt,
        start,
        end,
        longTasks: after(probe.longTasks, loadAt),
        slowFrames: after(probe.slowFrames, loadAt),
        frames: probe.frames,
        measuredMs: probe.now - loadAt,
        events,
        eventSeconds,
        perfdhcp,
        cpu: cpuUse,
      };
    } finally {
      await browser.close();
      await dashboard.stop();
    }
  } finally {
    api.close();
    await daemon.stop();
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

function report(opts: Options, run: Run): string {
  const longest = Math.max(0, ...run.longTasks.map(([, d]) => d));
  const worstFrame = Math.max(0, ...run.slowFrames.map(([, d]) => d));
  const drift = (run.end.heapUsed - run.start.heapUsed) / run.start.heapUsed;
  const sent = run.perfdhcp.requestAck.sent;
  const acked = run.perfdhcp.requestAck.received;
  const rows: [string, string, string, string][] = [
    [
      'time to first rows, first visit',
      `${Math.round(run.coldFirstRowsMs)} ms`,
      `<= ${TARGET.firstRowsMs} ms`,
      verdict(run.coldFirstRowsMs <= TARGET.firstRowsMs),
    ],
    [
      'time to first rows, next visit',
      `${Math.round(run.firstRowsMs)} ms`,
      `<= ${TARGET.firstRowsMs} ms`,
      verdict(run.firstRowsMs <= TARGET.firstRowsMs),
    ],
    [
      'longest task after load',
      `${Math.round(longest)} ms`,
      `<= ${TARGET.taskMs} ms`,
      verdict(longest <= TARGET.taskMs),
    ],
    ['tasks over 50 ms after load', String(run.longTasks.length), '0', verdict(run.longTasks.length === 0)],
    [
      'frames over 50 ms after load',
      `${run.slowFrames.length} of ${run.frames} (worst ${Math.round(worstFrame)} ms)`,
      // The issue asks for this figure, not for a bound on it: a frame also waits when the
      // machine is busy elsewhere (the daemon, perfdhcp and Next share its cores).
      '-',
      '-',
    ],
    [
      'JS heap start -> end',
      `${mib(run.start.heapUsed)} -> ${mib(run.end.heapUsed)} (${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(1)}%)`,
      'within ±10%',
      verdict(Math.abs(drift) <= TARGET.heapDrift),
    ],
    ['DOM nodes start -> end', `${run.start.domNodes} -> ${run.end.domNodes}`, '-', '-'],
    ['[data-address] rows in the DOM', `${run.start.rows} -> ${run.end.rows}`, '-', '-'],
  ];
  const width = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['measure', 'figure', 'target'][i]!.length),
  );
  const line = (r: string[]): string => r.map((cell, i) => (i < 3 ? cell.padEnd(width[i]!) : cell)).join('  ');
  return [
    `leases held: ${run.leases.before} at the start, ${run.leases.after} at the end`,
    `lease events: ${run.events} in ${run.eventSeconds.toFixed(1)} s = ${Math.round(run.events / run.eventSeconds)}/s measured ` +
      `(asked ${opts.rate}/s for ${opts.seconds} s; perfdhcp REQUEST-ACK ${acked} of ${sent} answered)`,
    `page measured for ${(run.measuredMs / 1000).toFixed(1)} s after load (first rows at ${Math.round(run.firstRowsMs)} ms, load boundary ${Math.round(run.loadAt)} ms)`,
    '',
    line(['measure', 'figure', 'target', 'result']),
    ...rows.map(line),
    run.longTasks.length > 0
      ? `\nlong tasks after load (ms since navigation: duration): ${run.longTasks
          .slice(0, 20)
          .map(([s, d]) => `${Math.round(s)}: ${Math.round(d)}`)
          .join(', ')}${run.longTasks.length > 20 ? ', ...' : ''}`
      : '',
    '',
    cpuTable(run.cpu, cpus().length),
    run.slowFrames.length > 0
      ? `frames over 50 ms after load (ms since navigation: gap): ${run.slowFrames
          .slice(0, 20)
          .map(([s, d]) => `${Math.round(s)}: ${Math.round(d)}`)
          .join(', ')}${run.slowFrames.length > 20 ? ', ...' : ''}`
      : '',
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  await ensureDashboardBuild();
  const scratch = mkdtempSync(join(tmpdir(), 'homeplane-bench-dashboard-'));
  const removeScratch = (): void => rmSync(scratch, { recursive: true, force: true });
  const forgetScratch = onProcessEnd(removeScratch);
  try {
    await withLab(benchLabOptions('dash'), async (lab) => {
      console.error(`${opts.leases} leases, then ${opts.rate} lease events/s for ${opts.seconds} s with /leases open`);
      const run = await measure(lab, opts, scratch);
      console.log(report(opts, run));
    });
  } finally {
    forgetScratch();
    removeScratch();
  }
}

await main();
