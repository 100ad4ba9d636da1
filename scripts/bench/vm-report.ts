// The VM benchmark's figures: every run of CreateVm (Homeplane) beside the floors measured in the
// same round (QEMU started by hand with the driver's own argv; the tiny guest booted by hand
// against Kea), medians, Homeplane / floor ratios, the daemon's memory and CPU, and the targets.
// Pure: vm.ts measures, this formats.
import { table } from './dhcp-report.ts';
import { median } from './stats.ts';

/** One round: Homeplane's CreateVm and both floors, back to back. All times in ms. */
export interface RoundMeasure {
  run: number;
  /** Which of the two boots went first this round (the order alternates). */
  first: 'homeplane' | 'floor';
  homeplane: {
    /** The CreateVm call (start: true): it returns once QEMU runs. */
    createMs: number;
    /** CreateVm sent -> the first vm.state_changed to RUNNING received in Watch. */
    runningEventMs: number | null;
    /** CreateVm sent -> vm.address_assigned received in Watch. */
    addressMs: number | null;
    /** CreateVm sent -> "homeplane-guest: leased" received through StreamConsole. */
    consoleLeasedMs: number | null;
    address: string | null;
  };
  /** QEMU by hand with the driver's argv: -S -daemonize returns, QMP greeting + capabilities, cont. */
  qemuStart: { launchMs: number; qmpMs: number; contMs: number };
  /** The guest booted by hand (bootByHand) against Kea: start -> "homeplane-guest: leased" on its console. */
  floor: { leasedMs: number | null; address: string | null };
}

export interface ProcessFigures {
  /** VmRSS, bytes. */
  rssBytes: number;
  /** VmHWM, bytes. */
  peakRssBytes: number;
}

/** One state of the daemon: VmRSS soon after getting there, then after a window left idle. */
export interface StateMeasure {
  /** SETTLE (2 s) after the step. */
  soon: ProcessFigures;
  /** At the end of the idle window that followed. */
  settled: ProcessFigures;
  /** Then after a full GC in the daemon (vm-gc.mjs): what it holds, not what V8 has yet to give back. */
  afterGc: ProcessFigures & { heapUsedBytes: number };
  /** The window's length, s, and the daemon's CPU seconds (utime + stime) over it. */
  idleSeconds: number;
  cpuSeconds: number;
}

export interface MemoryMeasure {
  /** Right after start-up ("dhcp serving" + a short settle). */
  cold: ProcessFigures;
  /** After one VM was created and deleted (the create path loaded): the baseline for the deltas. */
  noVms: StateMeasure;
  defined: StateMeasure;
  definedCount: number;
  /** `runningCount` of the defined VMs running and leased. */
  running: StateMeasure;
  runningCount: number;
  /** The running guests' boot: StartVm of the first -> the last of their address_assigned events. */
  runningBootMs: number;
  /** Every QEMU of the running guests together over the running state's idle window (TCG guests idle are not free). */
  qemuCpuSeconds: number;
}

/** MiB allowed for the defined VMs over the no-VM baseline. */
export const DEFINED_GROWTH_MIB = 10;
/** CreateVm -> QEMU runs, less QEMU's own start (the floor), must stay under this. */
export const OWN_PART_TARGET_MS = 300;
/** CreateVm -> address over the by-hand boot's start -> lease. */
export const ADDRESS_RATIO_TARGET = 1.2;

/** a / b, or null when either is missing or b is 0. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

export function qemuStartMs(round: RoundMeasure): number {
  return round.qemuStart.contMs;
}

/** CreateVm's time less QEMU's own start measured in the same round: what Homeplane adds. */
export function ownPartMs(round: RoundMeasure): number {
  return round.homeplane.createMs - qemuStartMs(round);
}

export function formatRounds(rounds: readonly RoundMeasure[]): string {
  const header = [
    'run',
    'first',
    'CreateVm ms',
    'RUNNING in Watch',
    'QEMU start by hand',
    '(daemonize / QMP)',
    'Homeplane own',
    'create->address',
    'create->console leased',
    'floor: by hand + Kea',
    'address / floor',
  ];
  const rows = rounds.map((r) => [
    String(r.run),
    r.first,
    ms(r.homeplane.createMs),
    ms(r.homeplane.runningEventMs),
    ms(qemuStartMs(r)),
    `${ms(r.qemuStart.launchMs)} / ${ms(r.qemuStart.qmpMs)}`,
    ms(ownPartMs(r)),
    ms(r.homeplane.addressMs),
    ms(r.homeplane.consoleLeasedMs),
    ms(r.floor.leasedMs),
    times(ratio(r.homeplane.addressMs, r.floor.leasedMs)),
  ]);
  const med = (pick: (r: RoundMeasure) => number | null): number | null => median(rounds.map(pick));
  rows.push([
    'median',
    '',
    ms(med((r) => r.homeplane.createMs)),
    ms(med((r) => r.homeplane.runningEventMs)),
    ms(med(qemuStartMs)),
    `${ms(med((r) => r.qemuStart.launchMs))} / ${ms(med((r) => r.qemuStart.qmpMs))}`,
    ms(med(ownPartMs)),
    ms(med((r) => r.homeplane.addressMs)),
    ms(med((r) => r.homeplane.consoleLeasedMs)),
    ms(med((r) => r.floor.leasedMs)),
    times(
      ratio(
        med((r) => r.homeplane.addressMs),
        med((r) => r.floor.leasedMs),
      ),
    ),
  ]);
  return table(header, rows);
}

export function formatMemory(m: MemoryMeasure): string {
  const base = m.noVms.afterGc;
  const window = m.noVms.idleSeconds.toFixed(0);
  const header = [
    'daemon state',
    '',
    'VmRSS MiB 2 s after',
    `after ${window} s idle`,
    'after a full GC',
    'vs no VMs',
    'V8 heap used MiB',
    'vs no VMs',
    'VmHWM MiB',
    `daemon CPU % (${window} s idle)`,
  ];
  const row = (what: string, count: string, st: StateMeasure): string[] => [
    what,
    count,
    mib(st.soon.rssBytes),
    mib(st.settled.rssBytes),
    mib(st.afterGc.rssBytes),
    signedMib(st.afterGc.rssBytes - base.rssBytes),
    mib(st.afterGc.heapUsedBytes),
    signedMib(st.afterGc.heapUsedBytes - base.heapUsedBytes),
    mib(st.afterGc.peakRssBytes),
    percent(st.cpuSeconds, st.idleSeconds),
  ];
  const rows = [
    ['just started', '0 VMs', mib(m.cold.rssBytes), '-', '-', '-', '-', '-', mib(m.cold.peakRssBytes), '-'],
    row('after 1 VM created + deleted', '0 VMs', m.noVms),
    row(`${m.definedCount} defined (start: false)`, `${m.definedCount} VMs`, m.defined),
    row(`${m.runningCount} of them running, leased`, `${m.definedCount} VMs`, m.running),
  ];
  return [
    table(header, rows),
    `CPU % is of one core: utime + stime over the idle window, before the GC (${(m.running.cpuSeconds * 1000).toFixed(0)} ms with the guests up); ` +
      `their ${m.runningCount} QEMUs used ${percent(m.qemuCpuSeconds, m.running.idleSeconds)} % of one core together over the same window.`,
    `The ${m.runningCount} were started one after the other (StartVm) and all leased ${(m.runningBootMs / 1000).toFixed(1)} s after the first call.`,
  ].join('\n');
}

export interface TargetVerdict {
  name: string;
  /** null: not measured (a step failed). */
  met: boolean | null;
  detail: string;
}

export function targets(rounds: readonly RoundMeasure[], memory: MemoryMeasure | null): TargetVerdict[] {
  const own = median(rounds.map(ownPartMs));
  const create = median(rounds.map((r) => r.homeplane.createMs));
  const addr = median(rounds.map((r) => r.homeplane.addressMs));
  const floor = median(rounds.map((r) => r.floor.leasedMs));
  const addressRatio = ratio(addr, floor);
  const verdicts: TargetVerdict[] = [
    {
      name: `Homeplane's own part of CreateVm -> QEMU runs < ${OWN_PART_TARGET_MS} ms`,
      met: own === null ? null : own < OWN_PART_TARGET_MS,
      detail: `median ${ms(own)} ms (CreateVm ${ms(create)} ms less QEMU's own start by hand ${ms(median(rounds.map(qemuStartMs)))} ms, per run)`,
    },
    {
      name: `CreateVm -> address within ${ADDRESS_RATIO_TARGET}x of the floor`,
      met: addressRatio === null ? null : addressRatio <= ADDRESS_RATIO_TARGET,
      detail:
        `median ${ms(addr)} ms vs ${ms(floor)} ms by hand against Kea: ${times(addressRatio)} ` +
        `(to the guest's own "leased" line, like for like: ${times(ratio(median(rounds.map((r) => r.homeplane.consoleLeasedMs)), floor))})`,
    },
  ];
  if (memory === null) {
    verdicts.push({ name: `${DEFINED_GROWTH_MIB} MiB or less for 20 defined VMs`, met: null, detail: 'not measured' });
  } else {
    const [before, after] = [memory.noVms.afterGc, memory.defined.afterGc];
    const [soonBefore, soonAfter] = [memory.noVms.soon.rssBytes, memory.defined.soon.rssBytes];
    verdicts.push({
      name: `+${DEFINED_GROWTH_MIB} MiB or less for ${memory.definedCount} defined VMs`,
      met: (after.rssBytes - before.rssBytes) / MIB <= DEFINED_GROWTH_MIB,
      detail:
        `VmRSS after a full GC ${mib(before.rssBytes)} -> ${mib(after.rssBytes)} MiB (${signedMib(after.rssBytes - before.rssBytes)}; ` +
        `V8 heap ${signedMib(after.heapUsedBytes - before.heapUsedBytes)}); as it was 2 s after each step, no GC asked for: ` +
        `${mib(soonBefore)} -> ${mib(soonAfter)} MiB (${signedMib(soonAfter - soonBefore)})`,
    });
  }
  return verdicts;
}

export function formatTargets(list: readonly TargetVerdict[]): string {
  return list
    .map((t) => `  [${t.met === null ? 'not measured' : t.met ? 'MET' : 'NOT MET'}] ${t.name}: ${t.detail}`)
    .join('\n');
}

const MIB = 1024 * 1024;

export function ms(value: number | null): string {
  return value === null ? '-' : String(Math.round(value));
}

export function times(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(2)}x`;
}

function percent(cpuSeconds: number, wallSeconds: number): string {
  return wallSeconds <= 0 ? '-' : ((100 * cpuSeconds) / wallSeconds).toFixed(1);
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

function signedMib(bytes: number): string {
  const value = bytes / MIB;
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}
