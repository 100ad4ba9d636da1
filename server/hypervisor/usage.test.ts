// Usage of real processes: this test process (checked against process.cpuUsage and
// memoryUsage) and a child that is busy and holds 64 MiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { TapError } from './tap.ts';
import {
  cpuPercent,
  parseProcStat,
  parseVmRssBytes,
  readClockTicks,
  UsageError,
  UsageSampler,
  type UsageSample,
} from './usage.ts';

const MIB = 1024 * 1024;

test('parseProcStat counts fields after the last ")" of the command name', () => {
  const tail = 'S 1 1234 1234 0 -1 4194560 5000 0 12 0 731 204 0 0 20 0 4 0 1000 3000000000 12000 18446744073709551615';
  const cases: { stat: string; utime: number; stime: number }[] = [
    { stat: `1234 (qemu-system-x86) ${tail}\n`, utime: 731, stime: 204 },
    { stat: `1234 (a b) c) (d) ${tail}\n`, utime: 731, stime: 204 },
    { stat: `1234 () ${tail}`, utime: 731, stime: 204 },
  ];
  for (const c of cases) assert.deepEqual(parseProcStat(c.stat), { utimeTicks: c.utime, stimeTicks: c.stime }, c.stat);
  assert.throws(() => parseProcStat('1234 qemu S 1'), UsageError);
  assert.throws(() => parseProcStat(''), UsageError);
});

test('parseVmRssBytes', () => {
  assert.equal(parseVmRssBytes('Name:\tqemu\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n'), 123456 * 1024);
  assert.equal(parseVmRssBytes('Name:\tkthreadd\nState:\tS (sleeping)\n'), 0);
});

test('cpuPercent: share of one core between two samples', () => {
  const at = (cpuSeconds: number): UsageSample => ({ cpuSeconds, rssBytes: 0, rxBytes: 0, txBytes: 0 });
  const cases: { prev: number; next: number; ms: number; percent: number }[] = [
    { prev: 10, next: 10.5, ms: 1000, percent: 50 },
    { prev: 10, next: 14, ms: 1000, percent: 400 }, // four busy vCPUs
    { prev: 10, next: 10, ms: 1000, percent: 0 },
    { prev: 10, next: 11, ms: 0, percent: 0 },
    { prev: 10, next: 2, ms: 1000, percent: 0 }, // counter went back: another process
  ];
  for (const c of cases) assert.equal(cpuPercent(at(c.prev), at(c.next), c.ms), c.percent, JSON.stringify(c));
});

test('readClockTicks agrees with getconf', async () => {
  assert.equal(await readClockTicks(), Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })));
});

test('the test process itself: CPU time and RSS as Node measures them', async () => {
  const sampler = await UsageSampler.create();
  const end = performance.now() + 200;
  while (performance.now() < end) {
    // busy: give the process some CPU time to measure
  }
  const before = process.cpuUsage();
  const rss = process.memoryUsage().rss;
  const sample = await sampler.sampleUsage(process.pid, null);
  const after = process.cpuUsage();
  assert.ok(sample !== null);
  const seconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;
  // /proc's times are whole ticks (10 ms at CLK_TCK 100).
  const tick = 1 / sampler.clockTicks;
  assert.ok(sample.cpuSeconds >= seconds(before) - 2 * tick, `${sample.cpuSeconds} >= ${seconds(before)}`);
  assert.ok(sample.cpuSeconds <= seconds(after) + tick, `${sample.cpuSeconds} <= ${seconds(after)}`);
  assert.ok(Math.abs(sample.rssBytes - rss) < 16 * MIB, `${sample.rssBytes} vs ${rss}`);
  assert.deepEqual({ rx: sample.rxBytes, tx: sample.txBytes }, { rx: 0, tx: 0 });
});

test('a busy child holding 64 MiB; once it is gone the sample is null', async (t) => {
  const sampler = await UsageSampler.create();
  const script = "const b = Buffer.alloc(64 << 20, 1); console.log('ready'); for (;;) b[0]++;";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  await once(child.stdout, 'data');
  const pid = child.pid!;

  const first = await sampler.sampleUsage(pid, null);
  const started = performance.now();
  await sleep(500);
  const second = await sampler.sampleUsage(pid, null);
  const elapsed = performance.now() - started;
  assert.ok(first !== null && second !== null);
  assert.ok(second.rssBytes >= 64 * MIB, `rss ${second.rssBytes}`);
  assert.ok(second.cpuSeconds > first.cpuSeconds);
  const percent = cpuPercent(first, second, elapsed);
  t.diagnostic(`child: ${percent.toFixed(0)}% CPU, ${(second.rssBytes / MIB).toFixed(0)} MiB`);
  assert.ok(percent > 5 && percent <= 100 * 1.2, `${percent}%`);

  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(await sampler.sampleUsage(pid, null), null);
});

test('tap counters join the sample; a missing tap is an error', async () => {
  const sampler = await UsageSampler.create();
  // Loopback, read only: its counters stand in for a tap's.
  const sample = await sampler.sampleUsage(process.pid, 'lo');
  assert.ok(sample !== null && Number.isSafeInteger(sample.rxBytes) && Number.isSafeInteger(sample.txBytes));
  await assert.rejects(sampler.sampleUsage(process.pid, 'hpnothere'), TapError);
  await assert.rejects(sampler.sampleUsage(0, null), RangeError);
});
