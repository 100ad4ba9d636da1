// What a VM uses, sampled from its QEMU process and its tap: CPU time and resident memory from
// /proc/PID/stat and /proc/PID/status (proc(5)), network bytes from the tap's sysfs counters.
// Samples feed a separate usage stream, never the event log.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tapCounters, type NetnsOption } from './tap.ts';

export interface UsageSample {
  /** User + system CPU time of the process since it started. */
  cpuSeconds: number;
  /** Resident set size (VmRSS). */
  rssBytes: number;
  /** Bytes the guest sent (the tap's rx); 0 without a tap. */
  rxBytes: number;
  /** Bytes the guest was sent (the tap's tx); 0 without a tap. */
  txBytes: number;
}

/** /proc/PID/stat has a line this module cannot read (a kernel with another layout). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** USER_HZ, the unit of /proc/PID/stat's times: `getconf CLK_TCK`, else 100 (its value on x86 and arm64 Linux). */
export function readClockTicks(): Promise<number> {
  return new Promise((resolve) => {
    execFile('getconf', ['CLK_TCK'], { timeout: 2_000 }, (err, stdout) => {
      const ticks = Number(stdout.trim());
      resolve(err === null && Number.isInteger(ticks) && ticks > 0 ? ticks : 100);
    });
  });
}

/** Samples processes; built once (UsageSampler.create runs getconf) and shared. */
export class UsageSampler {
  constructor(
    readonly clockTicks: number,
    private readonly opts: NetnsOption = {},
  ) {}

  static async create(opts: NetnsOption = {}): Promise<UsageSampler> {
    return new UsageSampler(await readClockTicks(), opts);
  }

  /** Null when the process no longer exists. A missing tap throws TapError. */
  async sampleUsage(pid: number, tap: string | null): Promise<UsageSample | null> {
    if (!Number.isInteger(pid) || pid < 1) throw new RangeError(`pid must be a positive integer (got ${pid})`);
    const [stat, status] = await Promise.all([readProc(`/proc/${pid}/stat`), readProc(`/proc/${pid}/status`)]);
    if (stat === null || status === null) return null;
    const { utimeTicks, stimeTicks } = parseProcStat(stat);
    const net = tap === null ? { rxBytes: 0, txBytes: 0 } : await tapCounters(tap, this.opts);
    return {
      cpuSeconds: (utimeTicks + stimeTicks) / this.clockTicks,
      rssBytes: parseVmRssBytes(status),
      rxBytes: net.rxBytes,
      txBytes: net.txBytes,
    };
  }
}

/**
 * utime and stime, fields 14 and 15 of /proc/PID/stat. Field 2 is the command name in
 * parentheses and may itself contain spaces and ")", so fields are counted after the last ")".
 */
export function parseProcStat(text: string): { utimeTicks: number; stimeTicks: number } {
  const close = text.lastIndexOf(')');
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/); // fields[0] is field 3 (state)
  const utimeTicks = Number(fields[11]);
  const stimeTicks = Number(fields[12]);
  if (close < 0 || !Number.isFinite(utimeTicks) || !Number.isFinite(stimeTicks)) {
    throw new UsageError(`unreadable /proc/PID/stat: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return { utimeTicks, stimeTicks };
}

/** "VmRSS:\t  123456 kB" of /proc/PID/status in bytes; 0 when absent (zombies, kernel threads). */
export function parseVmRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match === null ? 0 : Number(match[1]) * 1024;
}

/**
 * CPU use between two samples as a percentage of one core, like top's %CPU (a VM with 4 busy
 * vCPUs shows about 400). 0 when no time passed or the counter went back (another process).
 */
export function cpuPercent(prev: UsageSample, next: UsageSample, elapsedMs: number): number {
  const used = next.cpuSeconds - prev.cpuSeconds;
  if (elapsedMs <= 0 || used < 0) return 0;
  return (used / (elapsedMs / 1000)) * 100;
}

async function readProc(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return null;
    throw err;
  }
}
