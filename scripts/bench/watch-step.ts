// One step of the watch benchmark: a fresh daemon (empty database), a short warm-up, then (with
// watchers) the watchers opened and caught up, then perfdhcp at the step's rate while they
// watch; afterwards a wait until every open watcher has the newest revision, and the figures.
import { join } from 'node:path';
import type { Lab } from '../lab/lab.ts';
import { newClientsStep } from './dhcp-lab.ts';
import { runPerfdhcp } from './dhcp-perfdhcp.ts';
import { processCpuSeconds } from './dhcp-servers.ts';
import type { StepResult } from './dhcp-report.ts';
import { startWatchedDaemon, type ProcessSample, type WatchedDaemon } from './watch-daemon.ts';
import type { FrameDecoding } from './watch-frames.ts';
import type { PoolReport, WatcherPool } from './watch-pool.ts';

export interface StepContext {
  lab: Lab;
  pool: WatcherPool;
  /** A folder for each step's daemon: its config, database and socket. */
  scratch: string;
  perChannel: number;
  /** grpc-node.flow_control_window of the watchers' channels; null: grpc-js's default. */
  flowWindow: number | null;
  decoding: FrameDecoding;
  /** How long the watchers may take to catch up after perfdhcp ends. */
  settleMs: number;
}

export interface StepPlan {
  /** 0: the baseline, the same step without watchers. */
  watchers: number;
  /** Offered DORA/s: about as many lease.granted events per second. */
  rate: number;
  seconds: number;
}

export interface StepMeasure {
  plan: StepPlan;
  /** perfdhcp's report, in the DHCP benchmark's shape (for its figures()). */
  dhcp: StepResult;
  /** Events committed from the start of perfdhcp until the watchers caught up (or gave up). */
  committed: number;
  /** Wall time of that window. */
  windowSeconds: number;
  daemon: { cpuSeconds: number; end: ProcessSample };
  /** With watchers: */
  watch: {
    report: PoolReport;
    /** Seconds until every watcher had its first frame (a one-event replay). */
    openSeconds: number;
    /** Watchers that never had a first frame. */
    openFailed: number;
    /** Open watchers still short of the newest revision when the wait gave up. */
    behindAtEnd: number;
    /** CPU seconds of the watcher processes over the window. */
    clientCpuSeconds: number;
  } | null;
}

/** Unmeasured exchanges before each step, from other MACs: Node's JIT warms up, and the log is not empty. */
const WARMUP = { rate: 500, seconds: 1, baseMac: '00:0c:02:00:00:00' };
const OPEN_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

export async function runWatchStep(ctx: StepContext, plan: StepPlan, dir: string): Promise<StepMeasure> {
  const daemon = await startWatchedDaemon(ctx.lab, join(ctx.scratch, dir));
  let watching = false;
  try {
    await runPerfdhcp(ctx.lab, newClientsStep(WARMUP.rate, WARMUP.seconds, WARMUP.baseMac));
    let opening: { seconds: number; failed: number } | null = null;
    if (plan.watchers > 0) {
      watching = true;
      opening = await openWatchers(ctx, daemon, plan.watchers);
      await settle(ctx, daemon);
      await ctx.pool.mark();
    }
    const firstRevision = await daemon.revision();
    const before = daemon.sample();
    const clientCpuBefore = clientCpuSeconds(ctx.pool);
    const started = performance.now();
    const { report } = await runPerfdhcp(ctx.lab, newClientsStep(plan.rate, plan.seconds));
    const behindAtEnd = watching ? await settle(ctx, daemon) : 0;
    const windowSeconds = (performance.now() - started) / 1000;
    const end = daemon.sample();
    const committed = (await daemon.revision()) - firstRevision;
    const cpuSeconds = end.cpuSeconds - before.cpuSeconds;
    const dhcp: StepResult = {
      server: 'homeplane-process',
      rate: plan.rate,
      seconds: plan.seconds,
      report,
      cpuSeconds,
      store: null,
    };
    const watch =
      opening === null
        ? null
        : {
            report: await ctx.pool.report(),
            openSeconds: opening.seconds,
            openFailed: opening.failed,
            behindAtEnd,
            clientCpuSeconds: clientCpuSeconds(ctx.pool) - clientCpuBefore,
          };
    return { plan, dhcp, committed, windowSeconds, daemon: { cpuSeconds, end }, watch };
  } finally {
    try {
      if (watching) await ctx.pool.close();
    } finally {
      await daemon.stop();
    }
  }
}

export async function openWatchers(
  ctx: StepContext,
  daemon: WatchedDaemon,
  count: number,
): Promise<{ seconds: number; failed: number }> {
  const started = performance.now();
  const newest = await daemon.revision();
  if (newest === 0)
    throw new Error('the event log is empty: a new watcher would get no frame to show its stream is open');
  const result = await ctx.pool.open({
    target: daemon.target,
    token: daemon.token,
    count,
    sinceRevision: newest - 1,
    perChannel: ctx.perChannel,
    flowWindow: ctx.flowWindow,
    decoding: ctx.decoding,
    timeoutMs: OPEN_TIMEOUT_MS,
  });
  if (result.opened === 0) throw new Error(`no watcher could open a stream: ${result.firstError}`);
  return { seconds: (performance.now() - started) / 1000, failed: result.failed };
}

/**
 * Waits until every open watcher has the daemon's newest revision and that revision held still
 * for one poll (the daemon may still be answering a backlog); returns how many were still
 * behind when ctx.settleMs ran out.
 */
export async function settle(ctx: StepContext, daemon: WatchedDaemon): Promise<number> {
  const deadline = performance.now() + ctx.settleMs;
  let previous = -1;
  for (;;) {
    const revision = await daemon.revision();
    const { behind } = await ctx.pool.progress(revision);
    if (behind === 0 && revision === previous) return 0;
    if (performance.now() > deadline) return behind;
    previous = revision;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function clientCpuSeconds(pool: WatcherPool): number {
  return pool.pids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
}
