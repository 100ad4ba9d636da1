// The watch benchmark's figures: per (watchers, rate) what the watchers got and how fast, what
// watching cost the daemon and its DHCP service (against the same step without watchers), the
// idle test's memory, and whether the targets were met.
import { figures, MAX_LOSS_PERCENT, table } from './dhcp-report.ts';
import { idleBounded, IDLE_GROWTH_ALLOWED, type IdleMeasure } from './watch-idle.ts';
import { percentile } from './watch-latency.ts';
import type { StepMeasure } from './watch-step.ts';

/** A step with watchers and the same step without them, run back to back. */
export interface StepPair {
  watched: StepMeasure;
  baseline: StepMeasure;
}

/**
 * A watched step meets its target when its p99 is under this, no watcher was dropped, none missed
 * an event or fell behind, and the DHCP service kept up with the rate (at most the DHCP
 * benchmark's loss): otherwise the watchers were not watching at that rate.
 */
export const P99_TARGET_MS = 100;

export interface TargetVerdict {
  name: string;
  /** null: the step was not run. */
  met: boolean | null;
  detail: string;
}

export interface DeliveryFigures {
  committedPerSecond: number;
  deliveredPerSecond: number;
  perWatcherPerSecond: number;
  framesPerWatcherPerSecond: number;
  p50: number | null;
  p99: number | null;
  maxMs: number | null;
  dropped: number;
  /** Missed plus duplicated revisions, over all watchers. */
  outOfSequence: number;
}

export function delivery(step: StepMeasure): DeliveryFigures | null {
  const watch = step.watch;
  if (watch === null) return null;
  const { report } = watch;
  const seconds = step.plan.seconds;
  return {
    committedPerSecond: step.committed / seconds,
    deliveredPerSecond: report.events / seconds,
    perWatcherPerSecond: report.events / seconds / step.plan.watchers,
    framesPerWatcherPerSecond: report.frames / seconds / step.plan.watchers,
    p50: percentile(report.latency, 0.5),
    p99: percentile(report.latency, 0.99),
    maxMs: report.latency.count === 0 ? null : report.latency.maxMs,
    dropped: Object.values(report.dropped).reduce((a, b) => a + b, 0) + watch.openFailed,
    outOfSequence: report.missing + report.duplicates,
  };
}

/** Share of the baseline's completed DORA/s the watched step did not complete, in percent (negative: noise). */
export function dhcpLostPercent(pair: StepPair): number {
  const base = figures(pair.baseline.dhcp).completedPerSecond;
  const watched = figures(pair.watched.dhcp).completedPerSecond;
  return base === 0 ? 0 : (100 * (base - watched)) / base;
}

export function formatDelivery(pairs: readonly StepPair[]): string {
  const header = [
    'watchers',
    'offered/s',
    'committed ev/s',
    'delivered ev/s',
    'per watcher',
    'frames/s/watcher',
    'p50 ms',
    'p99 ms',
    'max ms',
    'dropped',
    'missed+dup',
    'behind at end',
    'open s',
  ];
  const rows = pairs.map(({ watched }) => {
    const d = delivery(watched)!;
    const watch = watched.watch!;
    return [
      String(watched.plan.watchers),
      String(watched.plan.rate),
      whole(d.committedPerSecond),
      whole(d.deliveredPerSecond),
      whole(d.perWatcherPerSecond),
      whole(d.framesPerWatcherPerSecond),
      ms(d.p50),
      ms(d.p99),
      ms(d.maxMs),
      droppedText(watched),
      String(d.outOfSequence),
      String(watch.behindAtEnd),
      watch.openSeconds.toFixed(1),
    ];
  });
  return table(header, rows);
}

export function formatCost(pairs: readonly StepPair[]): string {
  const header = [
    'watchers',
    'offered/s',
    'DHCP done/s with',
    'without',
    'DHCP lost %',
    'loss % with',
    'without',
    'ACK max ms with',
    'without',
    'daemon CPU % with',
    'without',
    'RSS MiB end',
    'peak',
    'peak without',
    'watcher procs CPU %',
  ];
  const rows = pairs.map((pair) => {
    const { watched, baseline } = pair;
    const fw = figures(watched.dhcp);
    const fb = figures(baseline.dhcp);
    return [
      String(watched.plan.watchers),
      String(watched.plan.rate),
      whole(fw.completedPerSecond),
      whole(fb.completedPerSecond),
      dhcpLostPercent(pair).toFixed(1),
      fw.lossPercent.toFixed(2),
      fb.lossPercent.toFixed(2),
      ms(watched.dhcp.report.requestAck.maxDelayMs),
      ms(baseline.dhcp.report.requestAck.maxDelayMs),
      cpuPercent(watched.daemon.cpuSeconds, watched.windowSeconds),
      cpuPercent(baseline.daemon.cpuSeconds, baseline.windowSeconds),
      mib(watched.daemon.end.rssBytes),
      mib(watched.daemon.end.peakRssBytes),
      mib(baseline.daemon.end.peakRssBytes),
      cpuPercent(watched.watch!.clientCpuSeconds, watched.windowSeconds),
    ];
  });
  return table(header, rows);
}

export function formatIdle(m: IdleMeasure): string {
  const perWatcherKiB = (m.rss.opened - m.rss.before) / 1024 / m.watchers;
  return [
    `${m.watchers} idle watchers (opened in ${m.openSeconds.toFixed(1)} s, ${m.openFailed} failed to open), held ${m.holdSeconds} s:`,
    `  daemon RSS before ${mib(m.rss.before)} MiB -> open ${mib(m.rss.opened)} MiB (${perWatcherKiB.toFixed(1)} KiB per watcher)` +
      ` -> after ${m.holdSeconds} s ${mib(m.rss.held)} MiB -> after cancelling them ${mib(m.rss.closed)} MiB`,
    `  during the hold: daemon CPU ${cpuPercent(m.holdCpuSeconds, m.holdSeconds)} %, ${m.report.bookmarks} bookmarks received` +
      ` (one per watcher per ~15 s idle), ${m.report.open}/${m.watchers} still open, dropped: ${dropText(m.report.dropped)}`,
  ].join('\n');
}

export function targets(pairs: readonly StepPair[], topRate: number, idle: IdleMeasure | null): TargetVerdict[] {
  return [
    stepTarget(
      pairs,
      10,
      topRate,
      `10 watchers at ${topRate} DORA/s (the top rate run; the DHCP benchmark's best was ~6,000/s)`,
    ),
    stepTarget(pairs, 100, 1000, '100 watchers at 1,000 lease events/s'),
    idle === null
      ? { name: '1,000 idle watchers in bounded memory', met: null, detail: 'not run' }
      : {
          name: `${idle.watchers} idle watchers in bounded memory`,
          met: idleBounded(idle),
          detail:
            `RSS ${mib(idle.rss.opened)} MiB once open, ${mib(idle.rss.held)} MiB after ${idle.holdSeconds} s ` +
            `(allowed: +${IDLE_GROWTH_ALLOWED * 100}%), ${idle.report.open}/${idle.watchers} open`,
        },
  ];
}

function stepTarget(pairs: readonly StepPair[], watchers: number, rate: number, name: string): TargetVerdict {
  const pair = pairs.find((p) => p.watched.plan.watchers === watchers && p.watched.plan.rate === rate);
  if (pair === undefined)
    return { name, met: null, detail: `not run (add ${watchers} to --watchers and ${rate} to --rates)` };
  const d = delivery(pair.watched)!;
  const behind = pair.watched.watch!.behindAtEnd;
  const loss = figures(pair.watched.dhcp).lossPercent;
  const baselineLoss = figures(pair.baseline.dhcp).lossPercent;
  const met =
    d.p99 !== null &&
    d.p99 < P99_TARGET_MS &&
    d.dropped === 0 &&
    d.outOfSequence === 0 &&
    behind === 0 &&
    loss <= MAX_LOSS_PERCENT;
  const busy =
    baselineLoss > MAX_LOSS_PERCENT
      ? ` (without watchers too: ${baselineLoss.toFixed(1)}%: the machine was busy, run again)`
      : '';
  const detail =
    `p99 ${ms(d.p99)} ms (< ${P99_TARGET_MS}), dropped ${d.dropped}, missed+dup ${d.outOfSequence}, behind at end ${behind}; ` +
    `${whole(d.committedPerSecond)} events/s committed, DHCP exchanges lost ${loss.toFixed(2)}% (<= ${MAX_LOSS_PERCENT})${busy}, ` +
    `DHCP lost to watching ${dhcpLostPercent(pair).toFixed(1)}%`;
  return { name, met, detail };
}

export function formatTargets(list: readonly TargetVerdict[]): string {
  return list
    .map((t) => `  [${t.met === null ? 'not run' : t.met ? 'MET' : 'NOT MET'}] ${t.name}: ${t.detail}`)
    .join('\n');
}

function droppedText(step: StepMeasure): string {
  const watch = step.watch!;
  const failed: Record<string, number> = watch.openFailed > 0 ? { 'failed to open': watch.openFailed } : {};
  return dropText({ ...watch.report.dropped, ...failed });
}

function dropText(dropped: Record<string, number>): string {
  const entries = Object.entries(dropped);
  return entries.length === 0 ? '0' : entries.map(([why, n]) => `${n} ${why}`).join(', ');
}

function ms(value: number | null): string {
  return value === null ? '-' : String(Math.round(value));
}

function whole(n: number): string {
  return Math.round(n).toLocaleString('en');
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function cpuPercent(cpuSeconds: number, wallSeconds: number): string {
  return wallSeconds <= 0 ? '-' : ((100 * cpuSeconds) / wallSeconds).toFixed(0);
}
