// perfdhcp (Kea's load generator, Debian kea-admin) as the benchmark's client side: its command
// line for one constant-rate step, and its final report read back into numbers.
//
// perfdhcp talks DHCPv4 as a relay agent would: it binds port 67 on its own address, puts that
// address in giaddr and unicasts to the server (RFC 2131 section 4.1), so it runs in the lab's
// relay namespace and the servers answer it at giaddr:67.
import type { Lab } from '../lab/lab.ts';

export interface PerfdhcpStep {
  /** DORA exchanges started per second (-r). */
  rate: number;
  /** Seconds of sending (-p). */
  seconds: number;
  /**
   * Distinct clients (-R). perfdhcp steps its MAC through this many values, so a count above
   * rate x seconds makes every exchange a new client: each one allocates a fresh lease.
   */
  clients: number;
  /** The server's address: perfdhcp unicasts to it. */
  server: string;
  /** perfdhcp's own address (-l): the giaddr of every request, where replies come back. */
  localAddress: string;
  /** First client MAC (-b mac=...); the default is perfdhcp's 00:0c:01:02:03:04. */
  baseMac?: string;
}

/** One direction of the exchange, from the "Statistics for: ..." block. */
export interface ExchangeStats {
  sent: number;
  received: number;
  drops: number;
  /** Milliseconds; null when perfdhcp printed n/a (nothing received). */
  avgDelayMs: number | null;
  maxDelayMs: number | null;
}

export interface PerfdhcpReport {
  discoverOffer: ExchangeStats;
  requestAck: ExchangeStats;
}

/** perfdhcp could not be run, or printed no report we can read. */
export class PerfdhcpError extends Error {
  override readonly name = 'PerfdhcpError';
}

export function perfdhcpArgs(step: PerfdhcpStep): string[] {
  return [
    '-4',
    '-r',
    String(step.rate),
    '-p',
    String(step.seconds),
    '-R',
    String(step.clients),
    '-l',
    step.localAddress,
    ...(step.baseMac === undefined ? [] : ['-b', `mac=${step.baseMac}`]),
    step.server,
  ];
}

/** Reads perfdhcp's final report (the text after "***Statistics for: ...***"). */
export function parsePerfdhcp(output: string): PerfdhcpReport {
  return {
    discoverOffer: exchangeBlock(output, 'DISCOVER-OFFER'),
    requestAck: exchangeBlock(output, 'REQUEST-ACK'),
  };
}

function exchangeBlock(output: string, name: string): ExchangeStats {
  const start = output.indexOf(`***Statistics for: ${name}***`);
  if (start < 0) throw new PerfdhcpError(`perfdhcp printed no ${name} statistics:\n${output.slice(-2000)}`);
  const next = output.indexOf('***Statistics for:', start + 1);
  const block = output.slice(start, next < 0 ? undefined : next);
  return {
    sent: counter(block, 'sent packets', name),
    received: counter(block, 'received packets', name),
    drops: counter(block, 'drops', name),
    avgDelayMs: delay(block, 'avg delay'),
    maxDelayMs: delay(block, 'max delay'),
  };
}

function counter(block: string, label: string, name: string): number {
  const match = new RegExp(`^${label}: (\\d+)$`, 'm').exec(block);
  if (match === null) throw new PerfdhcpError(`perfdhcp's ${name} statistics have no "${label}" line:\n${block}`);
  return Number(match[1]);
}

/**
 * "avg delay: 0.156 ms", or "n/a" with nothing received. perfdhcp 2.2 also prints a garbled
 * "avg delay: min delay: n/a" line when empty; the anchored pattern skips it.
 */
function delay(block: string, label: string): number | null {
  const match = new RegExp(`^${label}: ([\\d.]+) ms$`, 'm').exec(block);
  return match === null ? null : Number(match[1]);
}

/** Where perfdhcp runs and what it cost. */
export interface PerfdhcpRun {
  report: PerfdhcpReport;
  /** perfdhcp's own CPU (user + system) over the whole run, from the shell's `times`. */
  cpuSeconds: number;
}

/**
 * The CPU its children used, as a POSIX shell's `times` prints it: two lines, the shell's own
 * user and system time, then its children's ("0m1.230000s 0m0.450000s").
 */
export function parseTimes(output: string): number {
  const lines = output.trim().split('\n');
  const children = lines[lines.length - 1] ?? '';
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(children.trim());
  if (match === null) throw new PerfdhcpError(`no children's times in "${output.trim()}"`);
  return Number(match[1]) * 60 + Number(match[2]) + Number(match[3]) * 60 + Number(match[4]);
}

/**
 * Runs one step in the lab's relay namespace and returns its report and perfdhcp's CPU. With
 * `cpus` (taskset's list), perfdhcp runs on those CPUs only.
 */
export async function runPerfdhcp(lab: Lab, step: PerfdhcpStep, cpus?: string): Promise<PerfdhcpRun> {
  const relay = lab.relay;
  if (relay === null) throw new PerfdhcpError('the benchmark lab has no relay namespace for perfdhcp');
  const command = cpus === undefined ? ['perfdhcp'] : ['taskset', '-c', cpus, 'perfdhcp'];
  // A shell around it reports the CPU perfdhcp used on stderr, then exits with perfdhcp's code.
  const script = '"$@"; code=$?; times >&2; exit $code';
  // perfdhcp waits up to its drop time (1 s) for the last answers after the period ends.
  const result = await lab.exec(relay.namespace, 'sh', ['-c', script, 'sh', ...command, ...perfdhcpArgs(step)], {
    timeoutMs: (step.seconds + 30) * 1000,
  });
  if (result.timedOut) throw new PerfdhcpError(`perfdhcp did not finish within ${step.seconds + 30} s`);
  // Exit code 3 means "some packets were dropped": a result, not a failure.
  if (result.code !== 0 && result.code !== 3) {
    throw new PerfdhcpError(
      `perfdhcp exited with ${result.code ?? result.signal}: ${result.stderr.trim() || result.stdout.slice(-2000)}`,
    );
  }
  return { report: parsePerfdhcp(result.stdout), cpuSeconds: parseTimes(result.stderr) };
}
