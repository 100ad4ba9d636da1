// Where a benchmark's CPU went, by process kind: /proc/<pid>/stat of every process sampled once a
// second (a process that ends between samples keeps its last reading), grouped by what its command
// line says it is. Used by the dashboard benchmark to tell a long task the page computed from one
// whose thread waited for a core while the daemon, perfdhcp, Next and Chromium shared the machine.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (sysconf(_SC_CLK_TCK)), fixed at 100 on x86_64

export type Classifier = (cmdline: string, pid: number) => string | null;

interface Reading {
  kind: string;
  first: number;
  last: number;
}

function ticksOf(path: string): number | null {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null; // gone
  }
}

function cmdlineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return null;
  }
}

export class CpuSampler {
  private readonly seen = new Map<string, Reading>();
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private stoppedAt = 0;
  private baseline = true;

  constructor(
    private readonly classify: Classifier,
    /** Extra threads to follow on their own: a label for /proc/<pid>/task/<tid>. */
    private readonly threads: () => { label: string; pid: number; tid: number }[] = () => [],
  ) {}

  start(): void {
    this.startedAt = Date.now();
    this.sample();
    this.baseline = false;
    this.timer = setInterval(() => this.sample(), 1000);
  }

  /** Seconds of CPU per kind over the sampled span, and the span in seconds. */
  stop(): { seconds: number; byKind: Map<string, number> } {
    if (this.timer !== null) clearInterval(this.timer);
    this.sample();
    this.stoppedAt = Date.now();
    const byKind = new Map<string, number>();
    for (const r of this.seen.values())
      byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + (r.last - r.first) / TICKS_PER_SECOND);
    return { seconds: (this.stoppedAt - this.startedAt) / 1000, byKind };
  }

  private note(key: string, kind: string, ticks: number): void {
    const known = this.seen.get(key);
    if (known === undefined) this.seen.set(key, { kind, first: this.baseline ? ticks : 0, last: ticks });
    else known.last = Math.max(known.last, ticks);
  }

  private sample(): void {
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const key = `p${pid}`;
      let kind = this.seen.get(key)?.kind ?? null;
      if (kind === null) {
        const cmdline = cmdlineOf(pid);
        if (cmdline === null || cmdline === '') continue;
        kind = this.classify(cmdline, pid);
        if (kind === null) continue;
      }
      const ticks = ticksOf(`/proc/${pid}/stat`);
      if (ticks !== null) this.note(key, kind, ticks);
    }
    for (const t of this.threads()) {
      const ticks = ticksOf(`/proc/${t.pid}/task/${t.tid}/stat`);
      if (ticks !== null) this.note(`t${t.pid}/${t.tid}`, t.label, ticks);
    }
  }
}

/** "kind  CPU s  % of one core" lines, largest first, with the machine's total share. */
export function cpuTable(result: { seconds: number; byKind: Map<string, number> }, cores: number): string {
  const rows = [...result.byKind.entries()].sort((a, b) => b[1] - a[1]);
  const width = Math.max(...rows.map(([k]) => k.length), 4);
  const total = rows.filter(([k]) => !k.startsWith('  ')).reduce((sum, [, s]) => sum + s, 0);
  return [
    `CPU over the ${result.seconds.toFixed(0)} s of events (${cores} cores = ${(cores * 100).toFixed(0)}% at most):`,
    ...rows.map(
      ([k, s]) =>
        `  ${k.padEnd(width)}  ${s.toFixed(1).padStart(7)} s  ${((s / result.seconds) * 100).toFixed(0).padStart(4)}%`,
    ),
    `  ${'all of the above'.padEnd(width)}  ${total.toFixed(1).padStart(7)} s  ${((total / result.seconds) * 100).toFixed(0).padStart(4)}%`,
  ].join('\n');
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** `root` and every process below it, each with its command line. */
export function processTree(root: number): { pid: number; cmdline: string }[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === null) continue;
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [pid]);
    else list.push(pid);
  }
  const tree: { pid: number; cmdline: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const cmdline = cmdlineOf(pid);
    if (cmdline !== null) tree.push({ pid, cmdline });
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Moves each process (all of its threads) to `cpus` (taskset's list: "0", "0-2"); later children inherit it. */
export function pinProcesses(pids: readonly number[], cpus: string): void {
  for (const pid of pids) {
    const result = spawnSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { encoding: 'utf8' });
    // A process may end between the listing and the call; anything else is a real failure.
    if (result.status !== 0 && cmdlineOf(pid) !== null)
      throw new Error(`taskset -a -c -p ${cpus} ${pid} failed: ${result.stderr.trim() || result.error?.message}`);
  }
}
