// Capacity: (total - reserved) x ratio, every defined VM counted; a refusal names the resource,
// the request and what is free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityOf, checkFits, type CapacitySettings } from './capacity.ts';
import { CapacityError } from './errors.ts';

const settings: CapacitySettings = {
  vcpuRatio: 4,
  memoryRatio: 1,
  diskRatio: 1,
  reservedMemoryMib: 1024,
  reservedVcpus: 0,
  reservedDiskGib: 10,
};
const totals = { vcpus: 2, memoryMib: 8192, diskGib: 100 };

test('allocatable is (total - reserved) x ratio, free what the defined VMs leave', () => {
  const c = capacityOf(totals, settings, { vcpus: 3, memoryMib: 2048, diskGib: 20 });
  assert.deepEqual(c.vcpus, { total: 2, reserved: 0, ratio: 4, allocatable: 8, allocated: 3, free: 5 });
  assert.deepEqual(c.memory_mib, {
    total: 8192,
    reserved: 1024,
    ratio: 1,
    allocatable: 7168,
    allocated: 2048,
    free: 5120,
  });
  assert.deepEqual(c.disk_gib, { total: 100, reserved: 10, ratio: 1, allocatable: 90, allocated: 20, free: 70 });
});

const cases: {
  name: string;
  request: { vcpus: number; memoryMib: number; diskGib: number };
  refused: null | [string, RegExp];
}[] = [
  { name: 'fits exactly', request: { vcpus: 5, memoryMib: 5120, diskGib: 70 }, refused: null },
  {
    name: 'one vCPU too many',
    request: { vcpus: 6, memoryMib: 512, diskGib: 1 },
    refused: ['vcpus', /needs 6 vCPUs but the host has 5 free \(8 allocatable = \(2 - 0 reserved\) x 4, 3 allocated\)/],
  },
  {
    name: 'memory beyond what is free',
    request: { vcpus: 1, memoryMib: 6000, diskGib: 1 },
    refused: ['memory_mib', /needs 6000 MiB of memory but the host has 5120 free/],
  },
  {
    name: 'a request no host could hold is still a capacity refusal',
    request: { vcpus: 1, memoryMib: 512, diskGib: 1_000_000 },
    refused: ['disk_gib', /needs 1000000 GiB of disk but the host has 70 free/],
  },
];

for (const c of cases) {
  test(`checkFits: ${c.name}`, () => {
    const capacity = capacityOf(totals, settings, { vcpus: 3, memoryMib: 2048, diskGib: 20 });
    if (c.refused === null) return checkFits(capacity, c.request, 'VM "web"');
    assert.throws(
      () => checkFits(capacity, c.request, 'VM "web"'),
      (e: Error) =>
        e instanceof CapacityError &&
        e.resource === c.refused![0] &&
        c.refused![1].test(e.message) &&
        e.message.startsWith('VM "web" needs'),
    );
  });
}

test('reserved beyond the total leaves nothing allocatable, never a negative', () => {
  const c = capacityOf({ vcpus: 2, memoryMib: 512, diskGib: 5 }, settings, { vcpus: 0, memoryMib: 0, diskGib: 0 });
  assert.equal(c.memory_mib.allocatable, 0);
  assert.equal(c.disk_gib.free, 0);
});
