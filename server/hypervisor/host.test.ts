// host.updated is for a stored fact that moved: changedHostFacts names exactly those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedHostFacts, type HostRecord } from './host.ts';

test('changedHostFacts names exactly the facts that differ', () => {
  const base: HostRecord = {
    id: '7c442d0c-4619-4d79-9b69-4e8b39073b63',
    hostname: 'lab',
    cpuModel: 'AMD EPYC',
    cpuCores: 2,
    memoryMib: 24104,
    accel: 'tcg',
    accelReason: 'hypervisor.accel is tcg; KVM not probed',
    qemuVersion: '7.2.22',
    qemuProblem: null,
  };
  const cases: { change: Partial<HostRecord>; changed: (keyof HostRecord)[] }[] = [
    { change: {}, changed: [] },
    { change: { id: 'other' }, changed: ['id'] },
    { change: { hostname: 'lab2' }, changed: ['hostname'] },
    { change: { cpuModel: 'Intel' }, changed: ['cpuModel'] },
    { change: { cpuCores: 4 }, changed: ['cpuCores'] },
    { change: { memoryMib: 32000 }, changed: ['memoryMib'] },
    { change: { accel: 'kvm', accelReason: 'KVM works' }, changed: ['accel', 'accelReason'] },
    { change: { qemuVersion: '8.2.2' }, changed: ['qemuVersion'] },
    {
      change: { qemuVersion: null, qemuProblem: 'qemu-system-x86_64 not found' },
      changed: ['qemuVersion', 'qemuProblem'],
    },
  ];
  for (const c of cases)
    assert.deepEqual(changedHostFacts(base, { ...base, ...c.change }), c.changed, JSON.stringify(c.change));
});
