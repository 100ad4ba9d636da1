import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Vm, VmDesiredState, VmState } from '../../proto/gen/homeplane/v1/vm.ts';
import {
  countByState,
  countVms,
  filterSearch,
  formatBytes,
  formatDuration,
  formatMib,
  matchesVm,
  parseStateFilter,
  uptimeSeconds,
  vmStateWord,
  vmViewFromJson,
  VM_TYPE,
  type VmView,
} from './vm-view.ts';

const proto = Vm.fromPartial({
  id: '7f0c',
  name: 'web-1',
  state: VmState.VM_STATE_RUNNING,
  stateReason: 'started',
  desiredState: VmDesiredState.VM_DESIRED_STATE_RUNNING,
  mac: '52:54:00:12:34:56',
  address: '10.123.0.20',
  vcpus: 2,
  memoryMib: 512,
  diskGib: 8,
  hostId: 'h1',
  bridge: 'hp-lab0',
  autostart: true,
  boot: {
    $case: 'kernel',
    kernel: { kernelPath: '/img/vmlinuz', initrdPath: '/img/initrd', cmdline: 'console=ttyS0' },
  },
  createTime: new Date('2026-12-01T10:00:00Z'),
});

describe('vmViewFromJson (proto JSON, as the event relay sends it)', () => {
  test('reads every field of Vm.toJSON', () => {
    assert.deepEqual(vmViewFromJson(Vm.toJSON(proto)), {
      id: '7f0c',
      name: 'web-1',
      state: 'running',
      stateReason: 'started',
      desiredState: 'running',
      mac: '52:54:00:12:34:56',
      address: '10.123.0.20',
      vcpus: 2,
      memoryMib: 512,
      diskGib: 8,
      hostId: 'h1',
      bridge: 'hp-lab0',
      autostart: true,
      boot: { kind: 'kernel', kernelPath: '/img/vmlinuz', initrdPath: '/img/initrd', cmdline: 'console=ttyS0' },
      createdAt: Date.parse('2026-12-01T10:00:00Z'),
      startedAt: null,
    });
  });

  test('fields toJSON leaves out when empty come back as empty, not undefined', () => {
    const bare = vmViewFromJson(Vm.toJSON(Vm.fromPartial({ id: 'x', state: VmState.VM_STATE_STOPPED })))!;
    assert.equal(bare.address, '');
    assert.equal(bare.autostart, false);
    assert.equal(bare.vcpus, 0);
    assert.deepEqual(bare.boot, { kind: 'none' });
    assert.equal(bare.state, 'stopped');
  });

  test('a start time is read when the daemon sends one', () => {
    const json = { ...(Vm.toJSON(proto) as object), startTime: '2026-12-01T10:05:00.000Z' };
    assert.equal(vmViewFromJson(json)?.startedAt, Date.parse('2026-12-01T10:05:00Z'));
  });

  test('no id, or not an object, is no VM; an unknown state is "unknown"', () => {
    assert.equal(vmViewFromJson({ name: 'x' }), undefined);
    assert.equal(vmViewFromJson(null), undefined);
    assert.equal(vmViewFromJson('vm'), undefined);
    assert.equal(vmViewFromJson({ id: 'a', state: 'VM_STATE_LATER' })?.state, 'unknown');
  });

  test('VM_TYPE picks the event vm and keys by id', () => {
    const event = { revision: 3, time: null, kind: 'vm.created', vm: Vm.toJSON(proto) };
    assert.equal(VM_TYPE.pick(event)?.name, 'web-1');
    assert.equal(VM_TYPE.key(VM_TYPE.pick(event)!), '7f0c');
    assert.equal(VM_TYPE.pick({ revision: 3, time: null, kind: 'vm.created' }), undefined);
  });
});

const vm = (over: Partial<VmView>): VmView => ({ ...vmViewFromJson(Vm.toJSON(proto))!, ...over });

describe('wording', () => {
  test('states as words', () => {
    assert.deepEqual((['running', 'stopped', 'starting', 'stopping', 'paused', 'crashed'] as const).map(vmStateWord), [
      'Running',
      'Stopped',
      'Starting',
      'Stopping',
      'Paused',
      'Crashed',
    ]);
  });
  test('counts with plurals', () => {
    assert.equal(countVms(0), '0 VMs');
    assert.equal(countVms(1), '1 VM');
    assert.equal(countVms(2), '2 VMs');
  });
  test('sizes', () => {
    assert.equal(formatMib(512), '512 MiB');
    assert.equal(formatMib(2048), '2 GiB');
    assert.equal(formatMib(1536), '1.5 GiB');
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(12.34 * 1024 * 1024), '12.3 MiB');
    assert.equal(formatBytes(4 * 2 ** 30), '4 GiB');
  });
  test('durations', () => {
    assert.equal(formatDuration(45.9), '45 s');
    assert.equal(formatDuration(12 * 60 + 5), '12 min');
    assert.equal(formatDuration(3 * 3600 + 5 * 60), '3 h 5 min');
    assert.equal(formatDuration(2 * 86400 + 4 * 3600 + 60), '2 d 4 h');
  });
  test('uptime only while QEMU runs and the start is known', () => {
    const started = Date.parse('2026-12-01T10:00:00Z');
    assert.equal(uptimeSeconds(vm({ startedAt: started }), started + 90_000), 90);
    assert.equal(uptimeSeconds(vm({ startedAt: started, state: 'stopped' }), started + 90_000), null);
    assert.equal(uptimeSeconds(vm({ startedAt: null }), started), null);
  });
});

describe('filter', () => {
  const vms = [
    vm({ id: 'a', name: 'web-1', state: 'running', address: '10.0.0.5' }),
    vm({ id: 'b', name: 'db', state: 'stopped', address: '' }),
  ];
  test('by text over name and address, and by state', () => {
    assert.deepEqual(
      vms.filter((v) => matchesVm(v, { query: 'WEB', state: '' })).map((v) => v.id),
      ['a'],
    );
    assert.deepEqual(
      vms.filter((v) => matchesVm(v, { query: '10.0.0', state: '' })).map((v) => v.id),
      ['a'],
    );
    assert.deepEqual(
      vms.filter((v) => matchesVm(v, { query: '', state: 'stopped' })).map((v) => v.id),
      ['b'],
    );
    assert.deepEqual(
      vms.filter((v) => matchesVm(v, { query: 'web', state: 'stopped' })).map((v) => v.id),
      [],
    );
  });
  test('in the URL and back', () => {
    assert.equal(filterSearch({ query: ' web ', state: 'running' }), '?q=web&state=running');
    assert.equal(filterSearch({ query: '', state: '' }), '');
    assert.equal(parseStateFilter('paused'), 'paused');
    assert.equal(parseStateFilter('bogus'), '');
    assert.equal(parseStateFilter(undefined), '');
  });
  test('counts by state', () => {
    const counts = countByState(vms);
    assert.equal(counts.running, 1);
    assert.equal(counts.stopped, 1);
    assert.equal(counts.crashed, 0);
  });
});
