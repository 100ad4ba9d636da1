// VMs and hosts on a real SQLite file: round trip, each change with its event in the log,
// uniqueness of names and MACs enforced by the database too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite } from './sqlite.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import { SqliteVmStore } from './sqlite-vm-store.ts';
import { makeScratchDir } from './testing/fixtures.ts';
import type { Vm } from '../hypervisor/vm.ts';
import type { HostRecord } from '../hypervisor/host.ts';

const vm = (over: Partial<Vm> = {}): Vm => ({
  id: '6f1c2d3e-0000-4000-8000-000000000001',
  name: 'web',
  vcpus: 1,
  memoryMib: 128,
  diskGib: 1,
  mac: '52:54:00:00:00:01',
  bridge: 'br0',
  boot: { kind: 'kernel', kernelPath: '/img/vmlinuz', initrdPath: '/img/initrd.img', cmdline: 'console=ttyS0' },
  autostart: false,
  hostId: 'h1',
  state: 'stopped',
  stateReason: 'created',
  desiredState: 'stopped',
  address: null,
  createdAt: 1_800_000_000_000,
  startedAt: null,
  ...over,
});
const host: HostRecord = {
  id: 'h1',
  hostname: 'lab',
  cpuModel: 'x',
  cpuCores: 2,
  memoryMib: 4096,
  accel: 'tcg',
  accelReason: 'forced',
  qemuVersion: '7.2.22',
  qemuProblem: null,
};

test('VMs round-trip with their events; names and MACs are unique in the database', (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  let handle = openSqlite({ file: dir.databaseFile, durability: 'process' });
  let log = new SqliteEventLog(handle.raw);
  let store = new SqliteVmStore(handle.raw, log);
  store.create(vm());
  const startedAt = 1_800_000_005_000;
  store.save(
    { ...vm(), state: 'running', stateReason: 'started', desiredState: 'running', startedAt },
    'vm.state_changed',
  );
  store.save(
    { ...vm(), state: 'running', stateReason: 'started', desiredState: 'running', address: 0x0a7b0039, startedAt },
    'vm.address_assigned',
  );
  assert.throws(
    () => store.create(vm({ id: 'other', mac: '52:54:00:00:00:02' })),
    /UNIQUE constraint failed: vms.name/,
  );
  assert.throws(() => store.create(vm({ id: 'other', name: 'db' })), /UNIQUE constraint failed: vms.mac/);
  store.saveHost(host, true);
  store.saveHost(host, false);
  assert.deepEqual(
    log.readSince(0, 10).map((e) => e.kind),
    ['vm.created', 'vm.state_changed', 'vm.address_assigned', 'host.updated'],
  );
  handle.close();
  handle = openSqlite({ file: dir.databaseFile, durability: 'process' });
  log = new SqliteEventLog(handle.raw);
  store = new SqliteVmStore(handle.raw, log);
  const [loaded] = store.loadVms();
  assert.deepEqual(loaded, {
    ...vm(),
    state: 'running',
    stateReason: 'started',
    desiredState: 'running',
    address: 0x0a7b0039,
    startedAt,
  });
  assert.deepEqual(store.loadHost('h1'), host);
  const replayed = log.readSince(0, 10);
  assert.equal(replayed[2]!.object, 'vm');
  assert.equal(replayed[3]!.object, 'host');
  store.delete(loaded!);
  assert.deepEqual(store.loadVms(), []);
  assert.equal(log.readSince(4, 10)[0]!.kind, 'vm.deleted');
  handle.close();
});
