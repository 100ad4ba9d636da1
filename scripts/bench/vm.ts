// VM benchmark: how long a VM created through Homeplane's API takes to run and to lease, against
// floors measured in the same run, and what VMs cost the daemon. Two labs side by side (the same
// subnet on a bridge in each, in different namespaces): Homeplane serving DHCP and running VMs
// under TCG in one, Kea serving the other's bridge for the tiny guest booted by hand.
//
// Each round (alternating which boot goes first):
//  1. QEMU's own start by hand, with the driver's own argv (-S -daemonize, QMP, cont), 3 times
//     (the median start counts), just before 2: the floor of
//  2. CreateVm(start: true, the tiny guest by kernel boot) timed, and its first vm.state_changed
//     to RUNNING in Watch; then CreateVm -> vm.address_assigned in Watch (and the guest's own
//     "leased" line through StreamConsole); DeleteVm.
//  3. The same guest booted by hand (bootByHand) on the Kea lab's bridge -> its "leased" line.
// Before the rounds, on the daemon fresh from start: its VmRSS and CPU time with no VM, with 20
// defined (start: false), with 5 of them running and leased: each state sampled 2 s after the
// step, again after 10 s left idle (the CPU window), and after a full GC (vm-gc.mjs).
// Prints every round, the medians, the ratios and the targets.
//
//   npm run bench:vm [-- --runs 5] [--defined 20] [--running 5] [--idle 10]
//
// --runs: rounds (each one Homeplane boot and both floors, ~15-25 s); --defined 0 skips the
// memory and CPU part; --idle: seconds of each idle (CPU) window. About 2.5 minutes by default.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createLab, type Lab } from '../lab/lab.ts';
import { onProcessEnd } from '../lab/exit-cleanup.ts';
import { ensureTinyGuest, MARKER, type TinyGuest } from '../guest/tiny.ts';
import { processCpuSeconds } from './dhcp-servers.ts';
import { bootFloor, startFloorKea, timeQemuStart, type FloorKea, type QemuStart } from './vm-floor.ts';
import { isAddressed, isRunning, startBenchHomeplane, type BenchHomeplane } from './vm-homeplane.ts';
import {
  formatMemory,
  formatRounds,
  formatTargets,
  ms,
  ownPartMs,
  ratio,
  targets,
  times,
  type MemoryMeasure,
  type RoundMeasure,
  type StateMeasure,
} from './vm-report.ts';

interface VmBenchOptions {
  runs: number;
  defined: number;
  running: number;
  idleSeconds: number;
}

/** One guest's boot to its lease under TCG takes 3-8 s here; a slow, shared machine gets room. */
const BOOT_TIMEOUT_MS = 90_000;
/** Several guests booting at once on 2 cores share them. */
const CONCURRENT_BOOT_TIMEOUT_MS = 240_000;
const SETTLE_MS = 2_000;
const QEMU_START_SAMPLES = 3;
/** vCPU allocation ratio for the bench daemon: every defined VM counts against (cores x ratio). */
const VCPU_RATIO = 32;

function whole(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag}: "${text}" is not a whole number of at least ${min}`);
  return n;
}

function readOptions(argv: string[]): VmBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '5' },
      defined: { type: 'string', default: '20' },
      running: { type: 'string', default: '5' },
      idle: { type: 'string', default: '10' },
    },
  });
  const opts = {
    runs: whole(values.runs, 'runs', 1),
    defined: whole(values.defined, 'defined', 0),
    running: whole(values.running, 'running', 0),
    idleSeconds: whole(values.idle, 'idle', 1),
  };
  if (opts.running > opts.defined)
    throw new Error(
      `--running ${opts.running}: at most --defined (${opts.defined}); the running VMs are started from the defined ones`,
    );
  return opts;
}

const sleep = (msecs: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msecs));

interface Context {
  hp: BenchHomeplane;
  floorLab: Lab;
  guest: TinyGuest;
  scratch: string;
}

async function homeplaneBoot(hp: BenchHomeplane, run: number): Promise<RoundMeasure['homeplane']> {
  const t0 = performance.now();
  const vm = await hp.createVm(hp.request(`boot-${run}`, true));
  const createMs = performance.now() - t0;
  const console_ = hp.console(vm.id, MARKER.leased);
  try {
    const addressed = await hp.events
      .waitFor((e) => isAddressed(e, vm.id), `vm.address_assigned of ${vm.name}`, BOOT_TIMEOUT_MS)
      .catch((err: Error) => {
        console.error(`  homeplane run ${run}: ${err.message}; console so far:\n${console_.transcript.slice(-1500)}`);
        return null;
      });
    const leasedAt = await console_.waitFor(addressed === null ? 0 : 10_000);
    const running = hp.events.find((e) => isRunning(e, vm.id));
    return {
      createMs,
      runningEventMs: running === null ? null : running.at - t0,
      addressMs: addressed === null ? null : addressed.at - t0,
      consoleLeasedMs: leasedAt === null ? null : leasedAt - t0,
      address: addressed?.vm.address ?? null,
    };
  } finally {
    console_.close();
    await hp.deleteVm(vm.id);
  }
}

async function floorBoot(ctx: Context, run: number): Promise<RoundMeasure['floor']> {
  const mac = `52:54:00:fb:00:${run.toString(16).padStart(2, '0').slice(-2)}`;
  const boot = await bootFloor(ctx.floorLab, ctx.guest, mac, `floor-${run}`, BOOT_TIMEOUT_MS);
  if (boot.failure !== null) console.error(`  floor run ${run}: ${boot.failure}`);
  return { leasedMs: boot.leasedMs, address: boot.address };
}

/**
 * QEMU's own start, QEMU_START_SAMPLES times back to back: the one of median length. A single
 * start (~150 ms) is as noisy as the CreateVm it is subtracted from on a busy machine.
 */
async function qemuStartFloor(ctx: Context): Promise<QemuStart> {
  const samples: QemuStart[] = [];
  for (let i = 0; i < QEMU_START_SAMPLES; i++)
    samples.push(await timeQemuStart(ctx.floorLab, ctx.guest, join(ctx.scratch, 'qemu-start')));
  samples.sort((a, b) => a.contMs - b.contMs);
  return samples[Math.floor(samples.length / 2)]!;
}

async function measureRound(ctx: Context, run: number): Promise<RoundMeasure> {
  const first = run % 2 === 1 ? 'homeplane' : 'floor';
  // Alternating which boot goes first spreads the machine's drift over both alike; QEMU's own
  // start is timed just before CreateVm either way.
  const floorFirst = first === 'floor' ? await floorBoot(ctx, run) : null;
  const qemuStart = await qemuStartFloor(ctx);
  const homeplane = await homeplaneBoot(ctx.hp, run);
  const floor = floorFirst ?? (await floorBoot(ctx, run));
  return { run, first, homeplane, qemuStart, floor };
}

function describeRound(r: RoundMeasure): string {
  return (
    `run ${r.run} (${r.first} first): CreateVm ${ms(r.homeplane.createMs)} ms (QEMU by hand ${ms(r.qemuStart.contMs)}, own ${ms(ownPartMs(r))}), ` +
    `RUNNING in Watch ${ms(r.homeplane.runningEventMs)} ms, address ${ms(r.homeplane.addressMs)} ms (${r.homeplane.address ?? '-'}), ` +
    `console leased ${ms(r.homeplane.consoleLeasedMs)} ms; floor leased ${ms(r.floor.leasedMs)} ms (${r.floor.address ?? '-'}): ` +
    `${times(ratio(r.homeplane.addressMs, r.floor.leasedMs))}`
  );
}

async function measureMemory(hp: BenchHomeplane, opts: VmBenchOptions): Promise<MemoryMeasure> {
  await sleep(SETTLE_MS);
  const cold = hp.sample();
  const warm = await hp.createVm(hp.request('warm-up', false));
  await hp.deleteVm(warm.id);
  const noVms = await measureState(hp, opts.idleSeconds);
  console.error(
    `memory: VmRSS ${mib(cold.rssBytes)} MiB just started; ${describeState(noVms)} after one VM created + deleted`,
  );

  const ids: string[] = [];
  for (let i = 1; i <= opts.defined; i++)
    ids.push((await hp.createVm(hp.request(`def-${String(i).padStart(2, '0')}`, false))).id);
  const defined = await measureState(hp, opts.idleSeconds);
  console.error(`memory: ${describeState(defined)} with ${opts.defined} defined`);

  const started = ids.slice(0, opts.running);
  const t0 = performance.now();
  for (const id of started) await hp.startVm(id);
  const leased = await Promise.all(
    started.map((id) =>
      hp.events.waitFor((e) => isAddressed(e, id), `vm.address_assigned of ${id}`, CONCURRENT_BOOT_TIMEOUT_MS),
    ),
  );
  const runningBootMs = Math.max(0, ...leased.map((e) => e.at)) - t0;
  const qemuPids = started.map((id) => hp.qemuPid(id)).filter((pid): pid is number => pid !== null);
  const qemuCpu = (): number => qemuPids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
  let qemuBefore = 0;
  const running = await measureState(hp, opts.idleSeconds, () => (qemuBefore = qemuCpu()));
  const qemuCpuSeconds = qemuCpu() - qemuBefore;
  console.error(
    `memory: ${describeState(running)} with ${opts.running} running (all leased ${(runningBootMs / 1000).toFixed(1)} s after the first StartVm)`,
  );

  for (const id of ids) await hp.deleteVm(id);
  return {
    cold,
    noVms,
    defined,
    definedCount: opts.defined,
    running,
    runningCount: opts.running,
    runningBootMs,
    qemuCpuSeconds,
  };
}

/**
 * VmRSS SETTLE_MS after the step, then the daemon left alone for `idleSeconds` (its CPU time
 * over that window) and VmRSS again: V8 gives heap back when the daemon idles, and a baseline
 * sampled before that against a state sampled after would read as memory saved.
 */
async function measureState(
  hp: BenchHomeplane,
  idleSeconds: number,
  windowStarts: () => void = () => {},
): Promise<StateMeasure> {
  await sleep(SETTLE_MS);
  const soon = hp.sample();
  const before = hp.cpuSeconds();
  windowStarts();
  const start = performance.now();
  await sleep(idleSeconds * 1000);
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = hp.cpuSeconds() - before;
  const settled = hp.sample();
  return { soon, settled, afterGc: await hp.sampleAfterGc(), idleSeconds: seconds, cpuSeconds };
}

function describeState(st: StateMeasure): string {
  return (
    `VmRSS ${mib(st.soon.rssBytes)} -> ${mib(st.settled.rssBytes)} MiB over ${st.idleSeconds.toFixed(0)} s idle ` +
    `(daemon CPU ${((100 * st.cpuSeconds) / st.idleSeconds).toFixed(1)} %) -> ${mib(st.afterGc.rssBytes)} MiB after a full GC (V8 heap ${mib(st.afterGc.heapUsedBytes)} MiB)`
  );
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function caveats(loadAtStart: number[], elapsedMs: number): string {
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '',
    'Read with care:',
    `- Load average (1/5/15 min) ${load(loadAtStart)} at the start, ${load(loadavg())} at the end, on ${cpus().length} cores shared with other work:`,
    "  anything else running slows the boots, Homeplane's and the floor's alike; only the ratios of one run mean much.",
    "- Under TCG the guest's own boot (kernel, modules, udhcpc; 3-8 s here) is nearly all of create -> address: it says",
    '  little about Homeplane beyond "adds nothing that matters", and would shrink by an order of magnitude under KVM.',
    `- "Homeplane own" = CreateVm minus QEMU started by hand with the driver's own argv just before it (the median of`,
    `  ${QEMU_START_SAMPLES} starts; tap and disk made before that clock starts): so it holds qemu-img, the tap, SQLite, set-action, the`,
    '  console, gRPC. The by-hand start goes through `ip netns exec` (a few ms the daemon, living in the namespace, does not pay).',
    '- create -> address ends when vm.address_assigned reaches the Watch client (the lease committed, the VM record',
    '  updated); the floor ends at the guest\'s "leased" line (after the ACK and its udhcpc script). "create -> console',
    "  leased\" is Homeplane's run to that same line, through StreamConsole (the daemon's console relay in between).",
    "- The VMs differ a little: Homeplane's has its 1 GiB qcow2 on virtio-blk (no driver in the tiny guest), QEMU as",
    '  nobody under -sandbox on, the console on a socket + log file; by hand: no disk, QEMU as root, console on stdio.',
    "  Homeplane answers from the VM's reservation, Kea (memfile, raw sockets) from its pool.",
    `- The bench daemon's vCPU allocation ratio is ${VCPU_RATIO} (default 4): every defined VM counts against cores x ratio.`,
    `- VmRSS: sampled ${SETTLE_MS / 1000} s after each step, after the idle window, then after a full GC the benchmark asks for`,
    '  (vm-gc.mjs, preloaded into the daemon; SIGUSR2). V8 collects and gives pages back in its own time, which moves VmRSS',
    '  by tens of MiB either way: only the after-GC columns compare states (and the target is read there); +-1-2 MiB is noise.',
    `- Took ${(elapsedMs / 1000).toFixed(0)} s.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  const began = performance.now();
  const loadAtStart = loadavg();
  console.error(
    `load average ${loadAtStart.map((x) => x.toFixed(2)).join(' / ')}; ${opts.runs} rounds, memory with ${opts.defined} defined / ${opts.running} running`,
  );
  const guest = await ensureTinyGuest({ log: (line) => console.error(`guest: ${line}`) });
  const labs: Lab[] = [];
  let scratch: string | null = null;
  let forgetScratch = (): void => {};
  let hp: BenchHomeplane | null = null;
  let kea: FloorKea | null = null;
  try {
    labs.push(await createLab({ name: 'benchvm', subnets: [{ clients: 0 }] }));
    labs.push(await createLab({ name: 'benchvmfloor', subnets: [{ clients: 0 }] }));
    const [hpLab, floorLab] = labs as [Lab, Lab];
    // Registered after the labs: on Ctrl-C their QEMUs are killed before their folders go.
    const dir = mkdtempSync(join(tmpdir(), 'homeplane-bench-vm-'));
    scratch = dir;
    forgetScratch = onProcessEnd(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
    kea = await startFloorKea(floorLab, join(dir, 'kea'));
    hp = await startBenchHomeplane(hpLab, guest, join(dir, 'homeplane'), VCPU_RATIO);
    console.error(
      `homeplane pid ${hp.pid} in ${hpLab.serverNamespace}; kea on ${floorLab.subnets[0]!.serverInterface} in ${floorLab.serverNamespace}`,
    );

    const memory = opts.defined > 0 ? await measureMemory(hp, opts) : null;
    const ctx: Context = { hp, floorLab, guest, scratch: dir };
    const rounds: RoundMeasure[] = [];
    for (let run = 1; run <= opts.runs; run++) {
      const round = await measureRound(ctx, run);
      console.error(describeRound(round));
      rounds.push(round);
    }

    console.log(
      `\nCreateVm through Homeplane vs the floors (ms; every column but the ratio from the start of that boot; TCG, tiny guest, 1 vCPU, 128 MiB):`,
    );
    console.log(formatRounds(rounds));
    if (memory !== null) {
      console.log(
        '\nDaemon memory and CPU (VmRSS / VmHWM from /proc/<pid>/status, CPU = utime + stime from /proc/<pid>/stat):',
      );
      console.log(formatMemory(memory));
    }
    console.log('\nTargets:');
    console.log(formatTargets(targets(rounds, memory)));
    console.log(caveats(loadAtStart, performance.now() - began));
  } finally {
    await hp?.close().catch((err: unknown) => console.error(`stopping homeplane: ${(err as Error).message}`));
    await kea?.stop();
    for (const lab of labs) await lab.destroy();
    forgetScratch();
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
}

await main();
