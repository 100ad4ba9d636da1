import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatMemory,
  formatRounds,
  formatTargets,
  ownPartMs,
  ratio,
  targets,
  type MemoryMeasure,
  type RoundMeasure,
} from './vm-report.ts';
import { median } from './stats.ts';

const MIB = 1024 * 1024;

function round(
  run: number,
  createMs: number,
  qemuMs: number,
  addressMs: number | null,
  floorMs: number | null,
): RoundMeasure {
  return {
    run,
    first: run % 2 === 1 ? 'homeplane' : 'floor',
    homeplane: {
      createMs,
      runningEventMs: createMs - 2,
      addressMs,
      consoleLeasedMs: addressMs === null ? null : addressMs + 90,
      address: '10.123.0.100',
    },
    qemuStart: { launchMs: qemuMs - 10, qmpMs: 8, contMs: qemuMs },
    floor: { leasedMs: floorMs, address: '10.123.0.150' },
  };
}

/** No VMs at 141 MiB after a GC, `definedMib` with the defined VMs; each 2 MiB higher before the GC, 4 MiB 2 s after its step. */
function memory(definedMib: number): MemoryMeasure {
  const p = (rss: number) => ({ rssBytes: rss * MIB, peakRssBytes: (rss + 6) * MIB });
  const state = (rss: number, cpuSeconds: number) => ({
    soon: p(rss + 4),
    settled: p(rss + 2),
    afterGc: { ...p(rss), heapUsedBytes: (rss - 100) * MIB },
    idleSeconds: 10,
    cpuSeconds,
  });
  return {
    cold: p(140),
    noVms: state(141, 0.02),
    defined: state(definedMib, 0.03),
    definedCount: 20,
    running: state(definedMib + 3, 0.05),
    runningCount: 5,
    runningBootMs: 31_400,
    qemuCpuSeconds: 1.2,
  };
}

test('median: middle value, mean of the two middle ones, nulls left out, null when nothing is left', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([null, 7, null]), 7);
  assert.equal(median([null]), null);
  assert.equal(median([]), null);
});

test('ratio: null when a side is missing or the floor is 0', () => {
  assert.equal(ratio(6, 5), 1.2);
  assert.equal(ratio(null, 5), null);
  assert.equal(ratio(6, null), null);
  assert.equal(ratio(6, 0), null);
});

test("Homeplane's own part is CreateVm less QEMU's start by hand in the same round", () => {
  assert.equal(ownPartMs(round(1, 270, 130, 5600, 5300)), 140);
});

test('formatRounds: a row per run and a median row; a boot that never leased shows "-"', () => {
  const text = formatRounds([
    round(1, 270, 130, 5600, 5000),
    round(2, 300, 140, null, 5200),
    round(3, 250, 120, 6000, 5000),
  ]);
  const lines = text.split('\n');
  assert.equal(lines.length, 2 + 3 + 1, 'header, rule, three runs, median');
  assert.match(lines[0]!, /^run\s+first\s+CreateVm ms\s+RUNNING in Watch/);
  assert.match(lines[2]!, /^1\s+homeplane\s+270\s+268\s+130\s+120 \/ 8\s+140\s+5600\s+5690\s+5000\s+1\.12x$/);
  assert.match(lines[3]!, /^2\s+floor\s+300 .* 160\s+-\s+-\s+5200\s+-$/);
  // Medians per column: create 270, own part 140 (140, 160, 130), address of the two that leased 5800, floor 5000.
  assert.match(lines[5]!, /^median\s+270\s+268\s+130\s+120 \/ 8\s+140\s+5800\s+5890\s+5000\s+1\.16x$/);
  const widths = new Set(lines.map((l) => l.length));
  assert.equal(widths.size, 1, 'every line padded to the same width');
});

test('formatMemory: RSS per state 2 s after its step, after the idle window and after a GC, against the no-VM state after its GC', () => {
  const text = formatMemory(memory(146.5));
  const lines = text.split('\n');
  assert.match(
    lines[0]!,
    /^daemon state\s+VmRSS MiB 2 s after\s+after 10 s idle\s+after a full GC\s+vs no VMs\s+V8 heap used MiB\s+vs no VMs\s+VmHWM MiB\s+daemon CPU % \(10 s idle\)$/,
  );
  assert.match(text, /just started\s+0 VMs\s+140\.0(\s+-){5}\s+146\.0\s+-/);
  assert.match(
    text,
    /after 1 VM created \+ deleted\s+0 VMs\s+145\.0\s+143\.0\s+141\.0\s+\+0\.0\s+41\.0\s+\+0\.0\s+147\.0\s+0\.2/,
  );
  assert.match(
    text,
    /20 defined \(start: false\)\s+20 VMs\s+150\.5\s+148\.5\s+146\.5\s+\+5\.5\s+46\.5\s+\+5\.5\s+152\.5\s+0\.3/,
  );
  assert.match(
    text,
    /5 of them running, leased\s+20 VMs\s+153\.5\s+151\.5\s+149\.5\s+\+8\.5\s+49\.5\s+\+8\.5\s+155\.5\s+0\.5/,
  );
  assert.match(text, /\(50 ms with the guests up\); their 5 QEMUs used 12\.0 % of one core together/);
  assert.match(text, /all leased 31\.4 s after the first call/);
});

test('targets: own part < 300 ms, address within 1.2x of the floor, +10 MiB for the defined VMs', () => {
  const rounds = [round(1, 270, 130, 5600, 5000), round(2, 300, 140, 5800, 5200), round(3, 250, 120, 6000, 5000)];
  const met = targets(rounds, memory(150));
  assert.deepEqual(
    met.map((t) => t.met),
    [true, true, true],
  );
  assert.match(
    met[1]!.detail,
    /median 5800 ms vs 5000 ms by hand against Kea: 1\.16x \(to the guest's own "leased" line, like for like: 1\.18x\)/,
  );
  const missed = targets([round(1, 600, 130, 7000, 5000)], memory(152));
  assert.deepEqual(
    missed.map((t) => t.met),
    [false, false, false],
  );
  assert.match(formatTargets(missed), /\[NOT MET\] Homeplane's own part .*: median 470 ms/);
  assert.match(
    formatTargets(missed),
    /\[NOT MET\] \+10 MiB or less for 20 defined VMs: VmRSS after a full GC 141\.0 -> 152\.0 MiB \(\+11\.0; V8 heap \+11\.0\); as it was 2 s after each step, no GC asked for: 145\.0 -> 156\.0 MiB \(\+11\.0\)/,
  );
});

test('targets: nothing leased and no memory phase read as not measured, not as met', () => {
  const list = targets([round(1, 270, 130, null, 5000)], null);
  assert.deepEqual(
    list.map((t) => t.met),
    [true, null, null],
  );
  assert.match(formatTargets(list), /\[not measured\] CreateVm -> address/);
});
