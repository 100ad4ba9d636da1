// The servers under test, each started fresh (empty lease database) in the lab's server
// namespace for one benchmark step and stopped after it: ISC Kea as the baseline, Homeplane in
// both durability modes, and on request the stateless Node responder that shows the platform's floor.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { stopChild, type Lab } from '../lab/lab.ts';
import { LabDaemon } from '../lab/daemon.ts';
import { runCommand } from '../lab/command.ts';
import { parseIPv4 } from '../../server/dhcp/codec/ipv4.ts';
import { BENCH_POOL, BENCH_SERVER_ADDRESS, homeplaneBenchConfig, keaBenchConfig, type Durability } from './dhcp-lab.ts';

export type ServerName =
  'kea' | 'kea-mt' | 'homeplane-process' | 'homeplane-power' | 'homeplane-scraped' | 'homeplane-options' | 'node-floor';
/** Measured by default: both Kea baselines (single-threaded, and with its multi-threading on) and both durability modes. */
export const DEFAULT_SERVERS: readonly ServerName[] = ['kea', 'kea-mt', 'homeplane-process', 'homeplane-power'];
export const SERVER_NAMES: readonly ServerName[] = [
  ...DEFAULT_SERVERS,
  'homeplane-scraped',
  'homeplane-options',
  'node-floor',
];

export interface RunningServer {
  readonly name: ServerName;
  /** The server's process id (null if unknown), for reading its /proc entries. */
  readonly pid: number | null;
  /** Homeplane's data folder (its grpc.token is there); null for Kea. */
  readonly dataDir: string | null;
  /** Where Homeplane serves /metrics (host:port in the server namespace); null when it does not. */
  readonly metricsAddress: string | null;
  /** CPU seconds (user + system) used so far by the processes in the server namespace. */
  cpuSeconds(): Promise<number>;
  /** With cpuProfileDir: starts the profiler, or stops it and writes the profile (SIGUSR2). */
  toggleProfiler(): void;
  /** Homeplane's lease store counters now (its SIGUSR1 stats line); null for Kea. */
  storeCounters(): Promise<StoreCounters | null>;
  /** homeplane-scraped: ends the scraping and says what it did; null for the others. */
  endScraping(): Promise<ScrapeSummary | null>;
  /** Stops the server and removes its lease database and config. */
  stop(): Promise<void>;
}

/** What dhcp-scraper.mjs printed. */
export interface ScrapeSummary {
  scrapes: number;
  failures: number;
  /** Size of the last scrape's body. */
  bytes: number;
  medianMs: number | null;
}

/** The part of Homeplane's "dhcp stats" log line the benchmark reports. */
export interface StoreCounters {
  batchesCommitted: number;
  rowsWritten: number;
}

export interface StartOptions {
  /** An empty folder for this run's config and lease database; removed by stop(). */
  dir: string;
  /** Homeplane only: preload the profiler (dhcp-cpu-profiler.mjs), writing into this folder. */
  cpuProfileDir?: string;
  /** Homeplane only: where its gRPC API listens ("unix:/path" reaches it from outside the lab). */
  grpcListen?: string;
  /** Homeplane only: serve metrics there (host:port in the server namespace). */
  metricsListen?: string;
}

const READY_TIMEOUT_MS = 10_000;

export function startServer(lab: Lab, name: ServerName, opts: StartOptions): Promise<RunningServer> {
  if (name === 'kea' || name === 'kea-mt') return startKea(lab, name, opts.dir);
  if (name === 'node-floor') return startFloorResponder(lab);
  if (name === 'homeplane-scraped') return startScrapedHomeplane(lab, opts);
  if (name === 'homeplane-options') return startHomeplane(lab, 'process', opts, true);
  return startHomeplane(lab, name === 'homeplane-power' ? 'power' : 'process', opts);
}

const SCRAPER = fileURLToPath(new URL('./dhcp-scraper.mjs', import.meta.url));
/** As often as Prometheus is ever set to scrape. */
const SCRAPE_INTERVAL_MS = 1_000;

/** Runs dhcp-scraper.mjs in the server namespace against `address` (host:port of /metrics). */
export function startScraper(lab: Lab, address: string, mode: '--every' | '--burst', n: number) {
  const child = lab.spawn(lab.serverNamespace, process.execPath, [
    SCRAPER,
    `http://${address}/metrics`,
    mode,
    String(n),
  ]);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const done = new Promise<ScrapeSummary>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as ScrapeSummary) : reject(new Error(`the scraper exited with ${code}`)),
    ),
  );
  return { child, done };
}

/**
 * Homeplane (durability process) with its metrics endpoint scraped every second while it serves.
 * Its CPU is the daemon's own (not the scraper's), so it compares with homeplane-process.
 */
async function startScrapedHomeplane(lab: Lab, opts: StartOptions): Promise<RunningServer> {
  const server = await startHomeplane(lab, 'process', { ...opts, metricsListen: '127.0.0.1:0' });
  const pid = server.pid;
  if (pid === null) throw new Error('no pid for the daemon');
  const scraper = startScraper(lab, server.metricsAddress!, '--every', SCRAPE_INTERVAL_MS);
  let summary: Promise<ScrapeSummary> | null = null;
  const endScraping = (): Promise<ScrapeSummary> => {
    summary ??= (scraper.child.kill('SIGTERM'), scraper.done);
    return summary;
  };
  return {
    ...server,
    name: 'homeplane-scraped',
    cpuSeconds: () => Promise.resolve(processCpuSeconds(pid) ?? 0),
    endScraping,
    async stop() {
      await endScraping().catch(() => undefined);
      await server.stop();
    },
  };
}

/** `withOptions`: homeplane-options, the process daemon with ten options and three classes (dhcp-lab.ts). */
async function startHomeplane(
  lab: Lab,
  durability: Durability,
  opts: StartOptions,
  withOptions = false,
): Promise<RunningServer> {
  mkdirSync(opts.dir, { recursive: true });
  const iface = lab.subnets[0]!.serverInterface;
  const daemon = await withProfiler(opts.cpuProfileDir, () =>
    LabDaemon.start(
      lab,
      (dataDir) => ({
        ...homeplaneBenchConfig(iface, dataDir, durability, opts.grpcListen, withOptions),
        ...(opts.metricsListen === undefined ? {} : { metrics: { listen: opts.metricsListen } }),
      }),
      { dir: opts.dir },
    ),
  );
  const metricsLine = daemon.logs.find((l) => l.msg === 'metrics serving');
  const pid = Number(daemon.logs.find((l) => typeof l.pid === 'number')?.pid);
  return {
    name: withOptions ? 'homeplane-options' : durability === 'power' ? 'homeplane-power' : 'homeplane-process',
    pid: Number.isInteger(pid) ? pid : null,
    dataDir: daemon.dataDir,
    metricsAddress: typeof metricsLine?.address === 'string' ? metricsLine.address : null,
    endScraping: () => Promise.resolve(null),
    cpuSeconds: () => namespaceCpuSeconds(lab),
    toggleProfiler() {
      if (opts.cpuProfileDir === undefined || !Number.isInteger(pid))
        throw new Error('this daemon runs without the profiler');
      process.kill(pid, 'SIGUSR2');
    },
    async storeCounters() {
      const line = await daemon.stats();
      return (line.store as StoreCounters | undefined) ?? null;
    },
    async stop() {
      try {
        const code = await daemon.stop();
        if (code !== 0) throw new Error(`homeplane exited with ${code}:\n${daemon.stderr}`);
      } finally {
        await daemon.dispose();
        rmSync(opts.dir, { recursive: true, force: true });
      }
    },
  };
}

const PROFILER = new URL('./dhcp-cpu-profiler.mjs', import.meta.url).href;

/**
 * LabDaemon starts the daemon with this process's environment, so the profiler's preload goes
 * into NODE_OPTIONS (which takes --import, though not --cpu-prof) for the moment of the spawn:
 * LabDaemon.start spawns synchronously before its first await, and the environment is restored
 * as soon as it has returned its promise.
 */
function withProfiler<T>(dir: string | undefined, start: () => Promise<T>): Promise<T> {
  if (dir === undefined) return start();
  const saved = { options: process.env.NODE_OPTIONS, dir: process.env.HOMEPLANE_CPU_PROFILE_DIR };
  process.env.NODE_OPTIONS = [saved.options, `--import=${PROFILER}`].filter(Boolean).join(' ');
  process.env.HOMEPLANE_CPU_PROFILE_DIR = dir;
  try {
    return start();
  } finally {
    restoreEnv('NODE_OPTIONS', saved.options);
    restoreEnv('HOMEPLANE_CPU_PROFILE_DIR', saved.dir);
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function startKea(lab: Lab, name: 'kea' | 'kea-mt', dir: string): Promise<RunningServer> {
  mkdirSync('/run/kea', { recursive: true }); // Debian's Kea insists on it even with the overrides below
  mkdirSync(dir, { recursive: true });
  let child: ChildProcess | null = null;
  try {
    const configFile = join(dir, 'kea-dhcp4.json');
    const config = keaBenchConfig(lab.subnets[0]!.serverInterface, join(dir, 'leases4.csv'), name === 'kea-mt');
    writeFileSync(configFile, JSON.stringify(config));
    child = lab.spawn(lab.serverNamespace, 'kea-dhcp4', ['-c', configFile], {
      // Lock and pid files in our folder, not /run/kea: runs never see each other's.
      env: { ...process.env, KEA_LOCKFILE_DIR: dir, KEA_PIDFILE_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collectOutput(child);
    await waitForKea(lab, child, output);
    return keaHandle(lab, name, child, dir);
  } catch (err) {
    if (child !== null) await stopChild(child, 5_000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

const FLOOR_RESPONDER = fileURLToPath(new URL('./dhcp-floor-responder.mjs', import.meta.url));

/** dhcp-floor-responder.mjs on the server's address, handing out the bench pool; ready once it says so. */
async function startFloorResponder(lab: Lab): Promise<RunningServer> {
  const poolSize = parseIPv4(BENCH_POOL.last)! - parseIPv4(BENCH_POOL.first)! + 1;
  const child = lab.spawn(lab.serverNamespace, process.execPath, [
    FLOOR_RESPONDER,
    BENCH_SERVER_ADDRESS,
    BENCH_POOL.first,
    String(poolSize),
  ]);
  const output = collectOutput(child);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!output.text.includes('ready')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stopChild(child, 5_000);
      throw new Error(`the floor responder did not start:\n${output.text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return otherServer(lab, 'node-floor', child, () => stopChild(child, 5_000));
}

function keaHandle(lab: Lab, name: 'kea' | 'kea-mt', child: ChildProcess, dir: string): RunningServer {
  return otherServer(lab, name, child, async () => {
    await stopChild(child, 5_000);
    rmSync(dir, { recursive: true, force: true });
  });
}

/** A server that is not Homeplane (Kea, the floor responder): no data folder, metrics or profiler. */
function otherServer(lab: Lab, name: ServerName, child: ChildProcess, stop: () => Promise<void>): RunningServer {
  return {
    name,
    pid: child.pid ?? null,
    dataDir: null,
    cpuSeconds: () => namespaceCpuSeconds(lab),
    toggleProfiler() {
      throw new Error('the benchmark profiles only Homeplane');
    },
    metricsAddress: null,
    storeCounters: () => Promise.resolve(null),
    endScraping: () => Promise.resolve(null),
    stop,
  };
}

function collectOutput(child: ChildProcess): { text: string } {
  const output = { text: '' };
  const take = (chunk: Buffer): void => {
    output.text = (output.text + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return output;
}

/** Kea is ready once its socket on the server's address:67 is bound (it logs that only at INFO). */
async function waitForKea(lab: Lab, child: ChildProcess, output: { text: string }): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`kea-dhcp4 exited (${child.exitCode ?? child.signalCode}) before serving:\n${output.text}`);
    }
    const sockets = await lab.exec(lab.serverNamespace, 'ss', ['-Hlun', 'sport = :67']);
    if (sockets.stdout.includes(`${BENCH_SERVER_ADDRESS}:67`)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`kea-dhcp4 did not open ${BENCH_SERVER_ADDRESS}:67 within ${READY_TIMEOUT_MS} ms:\n${output.text}`);
}

/** Every process in the server's namespace. */
export async function serverPids(lab: Lab): Promise<number[]> {
  const { stdout } = await runCommand('ip', ['netns', 'pids', lab.serverNamespace]);
  return stdout.split('\n').filter(Boolean).map(Number);
}

/** CPU seconds of every process in the namespace. */
async function namespaceCpuSeconds(lab: Lab): Promise<number> {
  const pids = await serverPids(lab);
  let seconds = 0;
  for (const pid of pids) seconds += processCpuSeconds(pid) ?? 0;
  return seconds;
}

/** utime + stime (proc(5) stat fields 14 and 15, in clock ticks) of one process; null once it has ended. */
export function processCpuSeconds(pid: number | string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND; // fields 14, 15 counted from 1, after "pid (comm)"
  } catch {
    return null; // the process ended in the meantime
  }
}

/** sysconf(_SC_CLK_TCK): 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
