// Port: where the inventory keeps VMs and hosts. Every change commits with its event before the
// call returns (the event log's transact() seam in the SQLite implementation).
import type { Vm, VmEventKind } from './vm.ts';
import type { HostRecord } from './host.ts';

export interface VmRepository {
  loadVms(): Vm[];
  /** Inserts the VM and appends "vm.created". */
  create(vm: Vm): void;
  /** Replaces the stored VM (by id) and appends an event of `kind` carrying it. */
  save(vm: Vm, kind: Exclude<VmEventKind, 'vm.created' | 'vm.deleted'>): void;
  /** Deletes the VM and appends "vm.deleted" carrying it as it was. */
  delete(vm: Vm): void;
  loadHost(id: string): HostRecord | null;
  /** Stores the host's stable facts; appends "host.updated" when `changed` (a stable fact moved). */
  saveHost(host: HostRecord, changed: boolean): void;
}
