// What VmService, HostService and ImageService need from the hypervisor side, as ports: the gRPC
// layer never sees VmInventory, the QEMU driver, /proc or the image folders themselves. main.ts
// builds the adapters (VmInventory satisfies VmInventoryPort as it is).
import type { Console } from '../hypervisor/hypervisor-port.ts';
import type { HostCapacity } from '../hypervisor/capacity.ts';
import type { HostRecord } from '../hypervisor/host.ts';
import type { Vm, VmPatch, VmRequest } from '../hypervisor/vm.ts';

/** The inventory's calls the services make; every error is one of the named domain errors. */
export interface VmInventoryPort {
  /** Every VM, ordered by name. Synchronous, so a list and the log's revision read in one tick agree. */
  list(): Vm[];
  /** Throws NotFoundError. */
  get(id: string): Vm;
  capacity(): Promise<HostCapacity>;
  create(request: VmRequest): Promise<Vm>;
  update(id: string, patch: VmPatch): Promise<Vm>;
  start(id: string): Promise<Vm>;
  /** `timeoutMs` null: the inventory's default graceful-stop timeout. */
  stop(id: string, force: boolean, timeoutMs: number | null): Promise<Vm>;
  reboot(id: string): Promise<Vm>;
  pause(id: string): Promise<Vm>;
  resumeVm(id: string): Promise<Vm>;
  delete(id: string): Promise<Vm>;
  /** Throws NotFoundError, or VmStateError when the VM has no QEMU. */
  console(id: string): Console;
  /** Running VMs with their QEMU's pid and their tap, for usage sampling. */
  running(): RunningVm[];
}

export interface RunningVm {
  vm: Vm;
  pid: number;
  tap: string;
}

/** The host's stable facts and the live ones, read when asked (capacity and VM counts come from the inventory). */
export interface HostReading {
  record: HostRecord;
  uptimeSeconds: number;
  /** Size of the data folder's file system, bytes. */
  diskTotalBytes: number;
  /** Free space there, bytes. */
  diskFreeBytes: number;
}

export type ImageFileKind = 'iso' | 'disk-qcow2' | 'disk-raw' | 'kernel' | 'initrd' | 'unknown';

/** One file of an image folder (server/hypervisor/images.ts Image). */
export interface ImageFile {
  /** Absolute. */
  path: string;
  name: string;
  sizeBytes: number;
  kind: ImageFileKind;
}

export interface ImageListing {
  images: ImageFile[];
  /** The folders searched, absolute. */
  imageDirs: string[];
}

/** One reading of a VM's QEMU process (/proc/PID) and tap (sysfs statistics). */
export interface UsageSample {
  /** CPU time the process has used since it started (user + system), seconds. */
  cpuSeconds: number;
  /** Resident memory, bytes. */
  rssBytes: number;
  /** Bytes the host received on the tap (sent by the guest). */
  rxBytes: number;
  /** Bytes the host sent into the tap (received by the guest). */
  txBytes: number;
}

/** GrpcServerOptions.hypervisor: with it, the server serves VmService, HostService and ImageService. */
export interface HypervisorPorts {
  inventory: VmInventoryPort;
  host: () => Promise<HostReading>;
  images: () => Promise<ImageListing>;
  /** Null when the process is gone; rejects when the tap is (either way the VM stopped between listing and sampling). */
  usage: (pid: number, tap: string) => Promise<UsageSample | null>;
  /** WatchVmStats period. Default 2 s (vm.proto). */
  statsIntervalMs?: number;
  /** Bytes a StreamConsole client may have waiting before it is dropped. Default 1 MiB. */
  consoleQueueBytes?: number;
}
