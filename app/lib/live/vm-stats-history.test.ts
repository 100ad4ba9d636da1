import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldSample, formatCpu, KEPT_SAMPLES, type StatsHistory } from './vm-stats-history.ts';

const sample = (id: string, cpuPercent: number) => ({
  id,
  cpuPercent,
  memoryBytes: cpuPercent * 10,
  rxBytes: 0,
  txBytes: 0,
});

test('keeps the last samples per VM, oldest first, and drops VMs no longer sampled', () => {
  let history: StatsHistory = new Map();
  for (let i = 0; i < KEPT_SAMPLES + 5; i++)
    history = foldSample(history, i, [sample('a', i), ...(i < 3 ? [sample('b', 1)] : [])]);
  const a = history.get('a')!;
  assert.equal(a.cpu.length, KEPT_SAMPLES);
  assert.equal(a.cpu[0], 5);
  assert.equal(a.cpu.at(-1), KEPT_SAMPLES + 4);
  assert.equal(a.latest.cpuPercent, KEPT_SAMPLES + 4);
  assert.equal(a.memory.at(-1), (KEPT_SAMPLES + 4) * 10);
  assert.equal(history.has('b'), false);
});

test('CPU in words', () => {
  assert.equal(formatCpu(0.44), '0.4 %');
  assert.equal(formatCpu(12.6), '13 %');
  assert.equal(formatCpu(180), '180 %');
});
