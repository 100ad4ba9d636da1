// VMs and hosts on SQLite, each change committed with its event through the event log's
// transact() (appended in the same transaction, published after commit).
import type Database from 'better-sqlite3';
import type { Vm, VmEventKind } from '../hypervisor/vm.ts';
import type { HostRecord } from '../hypervisor/host.ts';
import type { VmRepository } from '../hypervisor/vm-repository.ts';
import type { SqliteEventLog } from './sqlite-event-log.ts';

interface VmRowRaw {
  id: string;
  name: string;
  vcpus: number;
  memory_mib: number;
  disk_gib: number;
  mac: string;
  bridge: string;
  boot: string;
  autostart: number;
  host_id: string;
  state: Vm['state'];
  state_reason: string;
  desired_state: Vm['desiredState'];
  address: number | null;
  created_at: number;
  started_at: number | null;
}

export class SqliteVmStore implements VmRepository {
  private readonly insertVm: Database.Statement;
  private readonly updateVm: Database.Statement;
  private readonly deleteVm: Database.Statement;
  private readonly upsertHost: Database.Statement;

  constructor(
    private readonly raw: Database.Database,
    private readonly eventLog: SqliteEventLog,
  ) {
    const columns =
      'id, name, vcpus, memory_mib, disk_gib, mac, bridge, boot, autostart, host_id, state, state_reason, desired_state, address, created_at, started_at';
    this.insertVm = raw.prepare(
      `INSERT INTO vms (${columns}) VALUES (@id, @name, @vcpus, @memory_mib, @disk_gib, @mac, @bridge, @boot, @autostart, @host_id, @state, @state_reason, @desired_state, @address, @created_at, @started_at)`,
    );
    this.updateVm = raw.prepare(
      `UPDATE vms SET name = @name, vcpus = @vcpus, memory_mib = @memory_mib, disk_gib = @disk_gib, mac = @mac, bridge = @bridge,
         boot = @boot, autostart = @autostart, host_id = @host_id, state = @state, state_reason = @state_reason,
         desired_state = @desired_state, address = @address, started_at = @started_at WHERE id = @id`,
    );
    this.deleteVm = raw.prepare('DELETE FROM vms WHERE id = ?');
    this.upsertHost = raw.prepare(
      'INSERT INTO hosts (id, facts) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET facts = excluded.facts',
    );
  }

  loadVms(): Vm[] {
    return (this.raw.prepare('SELECT * FROM vms ORDER BY name').all() as VmRowRaw[]).map(vmFromRow);
  }

  create(vm: Vm): void {
    this.eventLog.transact((record) => {
      this.insertVm.run(vmParams(vm));
      record([{ object: 'vm', kind: 'vm.created', vm: { ...vm } }]);
    });
  }

  save(vm: Vm, kind: Exclude<VmEventKind, 'vm.created' | 'vm.deleted'>): void {
    this.eventLog.transact((record) => {
      const { changes } = this.updateVm.run(vmParams(vm));
      if (changes !== 1) throw new Error(`VM ${vm.id} is not stored; it cannot be updated`);
      record([{ object: 'vm', kind, vm: { ...vm } }]);
    });
  }

  delete(vm: Vm): void {
    this.eventLog.transact((record) => {
      this.deleteVm.run(vm.id);
      record([{ object: 'vm', kind: 'vm.deleted', vm: { ...vm } }]);
    });
  }

  loadHost(id: string): HostRecord | null {
    const row = this.raw.prepare('SELECT facts FROM hosts WHERE id = ?').get(id) as { facts: string } | undefined;
    return row ? (JSON.parse(row.facts) as HostRecord) : null;
  }

  saveHost(host: HostRecord, changed: boolean): void {
    this.eventLog.transact((record) => {
      this.upsertHost.run(host.id, JSON.stringify(host));
      if (changed) record([{ object: 'host', kind: 'host.updated', host: { ...host } }]);
    });
  }
}

function vmParams(vm: Vm): Record<string, unknown> {
  return {
    id: vm.id,
    name: vm.name,
    vcpus: vm.vcpus,
    memory_mib: vm.memoryMib,
    disk_gib: vm.diskGib,
    mac: vm.mac,
    bridge: vm.bridge,
    boot: JSON.stringify(vm.boot),
    autostart: vm.autostart ? 1 : 0,
    host_id: vm.hostId,
    state: vm.state,
    state_reason: vm.stateReason,
    desired_state: vm.desiredState,
    address: vm.address,
    created_at: vm.createdAt,
    started_at: vm.startedAt,
  };
}

function vmFromRow(r: VmRowRaw): Vm {
  return {
    id: r.id,
    name: r.name,
    vcpus: r.vcpus,
    memoryMib: r.memory_mib,
    diskGib: r.disk_gib,
    mac: r.mac,
    bridge: r.bridge,
    boot: JSON.parse(r.boot) as Vm['boot'],
    autostart: r.autostart === 1,
    hostId: r.host_id,
    state: r.state,
    stateReason: r.state_reason,
    desiredState: r.desired_state,
    address: r.address,
    createdAt: r.created_at,
    startedAt: r.started_at,
  };
}
