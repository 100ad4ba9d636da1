// How long a server's busiest thread waited for a CPU: two servers with the same CPU per exchange
// can differ in delay because one of them is runnable but not running (another thread holds the
// core: the load generator, or the server's own helpers). The kernel keeps, per thread, the time
// it has run and the time it has waited runnable (/proc/<pid>/task/<tid>/schedstat, in ns).
import { readdirSync, readFileSync } from 'node:fs';

export interface ThreadTimes {
  /** Nanoseconds on a CPU. */
  runNs: number;
  /** Nanoseconds runnable, waiting for a CPU. */
  waitNs: number;
}

/** Every thread of the processes, by "pid/tid"; a process or thread that ends meanwhile is left out. */
export function threadTimes(pids: readonly number[]): Map<string, ThreadTimes> {
  const times = new Map<string, ThreadTimes>();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
        times.set(`${pid}/${tid}`, { runNs: Number(run), waitNs: Number(wait) });
      } catch {
        // ended between the listing and the read
      }
    }
  }
  return times;
}

/** One thread over an interval: seconds on a CPU, and seconds runnable waiting for one. */
export interface ThreadInterval {
  runSeconds: number;
  waitSeconds: number;
}

/** Of the threads in both snapshots, the one that ran most between them. */
export function busiestThread(
  before: ReadonlyMap<string, ThreadTimes>,
  after: ReadonlyMap<string, ThreadTimes>,
): ThreadInterval | null {
  let busiest: ThreadInterval | null = null;
  for (const [id, end] of after) {
    const start = before.get(id);
    if (start === undefined) continue;
    const runSeconds = (end.runNs - start.runNs) / 1e9;
    if (busiest === null || runSeconds > busiest.runSeconds)
      busiest = { runSeconds, waitSeconds: (end.waitNs - start.waitNs) / 1e9 };
  }
  return busiest;
}
