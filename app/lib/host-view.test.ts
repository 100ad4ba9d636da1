import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Accel, Host } from '../../proto/gen/homeplane/v1/host.ts';
import {
  allocatedBy,
  capacityWords,
  fillLevel,
  fillRatio,
  hostUptime,
  hostViewFromJson,
  hypervisorProblem,
  mergeHost,
  withAllocated,
  type CapacityView,
} from './host-view.ts';
import { vmViewFromJson, type VmView } from './vm-view.ts';

const cap = (over: Partial<CapacityView> = {}): CapacityView => ({
  total: 4,
  reserved: 0,
  ratio: 4,
  allocatable: 16,
  allocated: 3,
  free: 13,
  ...over,
});

const host = Host.fromPartial({
  id: 'h1',
  hostname: 'lab',
  cpuModel: 'Xeon',
  cpuCores: 4,
  memoryMib: 8192,
  diskTotalBytes: 100 * 2 ** 30,
  diskFreeBytes: 60 * 2 ** 30,
  accel: Accel.ACCEL_TCG,
  accelReason: 'no /dev/kvm',
  qemuVersion: '7.2.22',
  uptimeSeconds: 1000,
  vcpus: { total: 4, reserved: 0, allocationRatio: 4, allocatable: 16, allocated: 3, free: 13 },
  memoryMibCapacity: { total: 8192, reserved: 512, allocationRatio: 1, allocatable: 7680, allocated: 1024, free: 6656 },
  diskGibCapacity: { total: 100, reserved: 10, allocationRatio: 1, allocatable: 90, allocated: 16, free: 74 },
  vmCount: 2,
  runningVmCount: 1,
});

describe('hostViewFromJson', () => {
  test('reads Host.toJSON, uint64s included', () => {
    const view = hostViewFromJson(Host.toJSON(host), 5_000)!;
    assert.equal(view.hostname, 'lab');
    assert.equal(view.accel, 'tcg');
    assert.equal(view.diskTotalBytes, 100 * 2 ** 30);
    assert.equal(view.memoryMib, 8192);
    assert.deepEqual(view.capacity?.memory, {
      total: 8192,
      reserved: 512,
      ratio: 1,
      allocatable: 7680,
      allocated: 1024,
      free: 6656,
    });
    assert.equal(view.readAt, 5_000);
  });
  test('a host event (no capacity) keeps what the read computed', () => {
    const read = hostViewFromJson(Host.toJSON(host), 5_000)!;
    const event = hostViewFromJson(
      Host.toJSON(Host.fromPartial({ id: 'h1', hostname: 'lab', qemuVersion: '8.0.0', cpuCores: 4 })),
    )!;
    assert.equal(event.capacity, null);
    const merged = mergeHost(read, event);
    assert.equal(merged.qemuVersion, '8.0.0');
    assert.deepEqual(merged.capacity, read.capacity);
    assert.equal(merged.uptimeSeconds, 1000);
    assert.equal(merged.diskFreeBytes, 60 * 2 ** 30);
  });
  test('the QEMU problem in the daemon words', () => {
    const missing = hostViewFromJson(
      Host.toJSON(Host.fromPartial({ id: 'h', qemuProblem: 'install qemu-system-x86' })),
    )!;
    assert.equal(hypervisorProblem([missing]), 'install qemu-system-x86');
    assert.equal(hypervisorProblem([hostViewFromJson(Host.toJSON(host))!]), null);
    assert.match(hypervisorProblem([])!, /no hypervisor host/);
  });
  test('uptime runs on from the read', () => {
    const view = hostViewFromJson(Host.toJSON(host), 5_000)!;
    assert.equal(hostUptime(view, 65_000), 1060);
  });
});

describe('capacity maths', () => {
  const vm = (over: Partial<VmView>): VmView => ({ ...vmViewFromJson({ id: 'x', hostId: 'h1' })!, ...over });
  test('what the VMs of the host have allocated, running or not', () => {
    const vms = [
      vm({ id: 'a', vcpus: 2, memoryMib: 512, diskGib: 8, state: 'running' }),
      vm({ id: 'b', vcpus: 1, memoryMib: 256, diskGib: 4, state: 'stopped' }),
      vm({ id: 'c', vcpus: 8, memoryMib: 9999, diskGib: 99, hostId: 'other' }),
    ];
    assert.deepEqual(allocatedBy(vms, 'h1'), { vcpus: 3, memory: 768, disk: 12 });
  });
  test('free follows allocated and never goes below 0', () => {
    assert.deepEqual(withAllocated(cap(), 5), cap({ allocated: 5, free: 11 }));
    assert.equal(withAllocated(cap(), 20).free, 0);
  });
  test('the bar: a ratio of allocatable, capped at full', () => {
    assert.equal(fillRatio(cap({ allocated: 4 })), 0.25);
    assert.equal(fillRatio(cap({ allocated: 40 })), 1);
    assert.equal(fillRatio(cap({ allocatable: 0, allocated: 0 })), 0);
    assert.equal(fillRatio(cap({ allocatable: 0, allocated: 1 })), 1);
    assert.equal(fillLevel(cap({ allocated: 4 })), 'ok');
    assert.equal(fillLevel(cap({ allocated: 12 })), 'high');
    assert.equal(fillLevel(cap({ allocated: 15 })), 'full');
  });
  test('in words', () => {
    assert.equal(capacityWords('vcpus', cap()), '3 of 16 vCPUs allocated (19 %)');
    assert.equal(
      capacityWords('memory', cap({ allocated: 1024, allocatable: 7680 })),
      '1,024 of 7,680 MiB allocated (13 %)',
    );
  });
});
