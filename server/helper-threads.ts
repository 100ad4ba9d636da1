// The daemon's helper threads yield the CPU to its main thread, which answers DHCP.
//
// Node runs V8's platform workers (concurrent marking and sweeping, the GC's parallel helpers,
// the background compiler), libuv's thread pool and our worker threads (the SQLite checkpointer)
// beside the main thread, at the same priority. On a small host they take the main thread's CPU
// away from it: `perf sched` at 4,000 DORA/s on 2 cores (issue 12) caught a V8 worker running
// 4.0 ms while the main thread, woken by a DHCPREQUEST, waited for the CPU; the main thread spent
// 3.0-3.2% of the run runnable and waiting, against Kea's 1.0-1.2%, and REQUEST-ACK was 1.8-1.9x
// Kea's. With every other thread under SCHED_IDLE (sched(7): it runs only on a CPU nothing else
// wants) the wait fell to 0.6-0.8% and REQUEST-ACK to 1.14-1.36x Kea's in the same runs.
//
// What their work needs is not lost: V8's main thread does a GC job's remaining part itself when
// its helpers are slow to start, and the checkpointer's copy is only a shortcut for SQLite's own
// checkpoint (sqlite.ts). Threads started later (a Worker, libuv's pool on its first use) are
// created by the main thread and take its ordinary policy: call this once the daemon is up. Child
// processes (QEMU) are spawned by the main thread too, so they never inherit SCHED_IDLE.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { errnoName } from './dhcp/transport/libc.ts';

/** sched(7): SCHED_IDLE, the policy of threads that run only when nothing else would. */
export const SCHED_IDLE = 5;

export interface YieldResult {
  /** Threads now under SCHED_IDLE. */
  idle: number;
  /** Threads whose policy could not be set (they ended meanwhile: ESRCH; or a sandbox refused). */
  failed: { tid: number; error: string }[];
}

interface Koffi {
  load(path: string): { func(definition: string): (...args: unknown[]) => unknown };
  errno(): number;
}

/** Puts every thread of this process but the main one under SCHED_IDLE. Linux only; best effort. */
export function yieldHelperThreads(): YieldResult {
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  const setScheduler = koffi.load('libc.so.6').func('int sched_setscheduler(int pid, int policy, const void *param)');
  const param = Buffer.alloc(4); // struct sched_param { int sched_priority; }: 0, as SCHED_IDLE requires
  const result: YieldResult = { idle: 0, failed: [] };
  for (const entry of readdirSync('/proc/self/task')) {
    const tid = Number(entry);
    if (tid === process.pid) continue; // the main thread's id is the process's
    if ((setScheduler(tid, SCHED_IDLE, param) as number) === 0) result.idle += 1;
    else result.failed.push({ tid, error: errnoName(koffi.errno()) });
  }
  return result;
}
