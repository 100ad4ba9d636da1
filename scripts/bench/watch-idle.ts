// Idle watchers in bounded memory: the daemon's resident memory before many watchers open,
// once they are open and caught up, after holding them idle (Bookmarks only, every ~15 s), and
// after they are cancelled. What a watcher costs should be paid once, when it opens.
import { join } from 'node:path';
import { newClientsStep } from './dhcp-lab.ts';
import { runPerfdhcp } from './dhcp-perfdhcp.ts';
import { startWatchedDaemon } from './watch-daemon.ts';
import type { PoolReport } from './watch-pool.ts';
import { openWatchers, settle, type StepContext } from './watch-step.ts';

export interface IdleMeasure {
  watchers: number;
  holdSeconds: number;
  openSeconds: number;
  openFailed: number;
  /** Resident bytes: before opening, once open and caught up, after the hold, after cancelling. */
  rss: { before: number; opened: number; held: number; closed: number };
  /** Daemon CPU during the hold, in seconds. */
  holdCpuSeconds: number;
  /** What the watchers saw during the hold. */
  report: PoolReport;
}

/** The RSS after the hold may exceed the RSS once open by this share (GC timing) and stay "bounded". */
export const IDLE_GROWTH_ALLOWED = 0.1;

/** A few hundred events in the log: the daemon has served, and a new watcher's one-event replay shows its stream is open. */
const SEED = { rate: 500, seconds: 1, baseMac: '00:0c:03:00:00:00' };
const QUIET_MS = 1_000;
const AFTER_CLOSE_MS = 2_000;

export async function runIdle(
  ctx: StepContext,
  watchers: number,
  holdSeconds: number,
  dir: string,
): Promise<IdleMeasure> {
  const daemon = await startWatchedDaemon(ctx.lab, join(ctx.scratch, dir));
  let watching = false;
  try {
    await runPerfdhcp(ctx.lab, newClientsStep(SEED.rate, SEED.seconds, SEED.baseMac));
    await sleep(QUIET_MS);
    const before = daemon.sample().rssBytes;
    watching = true;
    const opening = await openWatchers(ctx, daemon, watchers);
    await settle(ctx, daemon);
    const opened = daemon.sample();
    await ctx.pool.mark();
    await sleep(holdSeconds * 1000);
    const held = daemon.sample();
    const report = await ctx.pool.report();
    await ctx.pool.close();
    watching = false;
    await sleep(AFTER_CLOSE_MS);
    const closed = daemon.sample().rssBytes;
    return {
      watchers,
      holdSeconds,
      openSeconds: opening.seconds,
      openFailed: opening.failed,
      rss: { before, opened: opened.rssBytes, held: held.rssBytes, closed },
      holdCpuSeconds: held.cpuSeconds - opened.cpuSeconds,
      report,
    };
  } finally {
    try {
      if (watching) await ctx.pool.close();
    } finally {
      await daemon.stop();
    }
  }
}

export function idleBounded(m: IdleMeasure): boolean {
  return m.openFailed === 0 && m.report.open === m.watchers && m.rss.held <= m.rss.opened * (1 + IDLE_GROWTH_ALLOWED);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
