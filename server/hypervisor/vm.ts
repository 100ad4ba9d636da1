// A VM as the inventory keeps it: what was asked for (its definition and desired state) beside
// what its QEMU is doing (actual state, from the driver). Addresses come from its DHCP lease.
import type { ActualState } from './hypervisor-port.ts';
import { InvalidInputError } from '../errors.ts';

export type { ActualState } from './hypervisor-port.ts';

/** How a VM boots, with absolute paths inside the image folders (checked when it was created). */
export type BootSource =
  | { kind: 'kernel'; kernelPath: string; initrdPath: string | null; cmdline: string }
  | { kind: 'iso'; isoPath: string }
  /** A base image the VM's own qcow2 overlays copy-on-write. */
  | { kind: 'disk'; imagePath: string };

export type DesiredState = 'stopped' | 'running';

export interface Vm {
  /** UUID (RFC 4122 text, lower case). */
  id: string;
  /** A DNS label, unique: the host name on its lease. */
  name: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  /** "52:54:00:xx:xx:xx". */
  mac: string;
  bridge: string;
  boot: BootSource;
  autostart: boolean;
  hostId: string;
  state: ActualState;
  /** Why it is in that state, in words for people. */
  stateReason: string;
  desiredState: DesiredState;
  /** Its current lease's address (uint32), or null before it has one. */
  address: number | null;
  /** Epoch milliseconds. */
  createdAt: number;
  /** When the guest last began to run, epoch ms; null while it is not running, paused or stopping (startedAtAfter). */
  startedAt: number | null;
}

/** What a caller may set when creating a VM (the inventory fills in the rest). */
export interface VmRequest {
  name: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  boot: BootSource | null;
  /** Empty: generate one. */
  mac: string;
  start: boolean;
  autostart: boolean;
}

/** What UpdateVm may change. */
export interface VmPatch {
  vcpus?: number;
  memoryMib?: number;
  autostart?: boolean;
}

export const MIN_MEMORY_MIB = 16;
/** QEMU's -smp limit for q35 is far higher; this keeps a typo from asking for millions. */
export const MAX_VCPUS = 256;
export const MAX_MEMORY_MIB = 4 * 1024 * 1024;
export const MAX_DISK_GIB = 64 * 1024;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** Field names as the proto has them, for INVALID_ARGUMENT. */
export function checkName(name: string): string {
  if (!DNS_LABEL.test(name)) {
    throw new InvalidInputError(
      'name',
      `"${name}" is not a DNS label: 1-63 of a-z, 0-9 and '-', not starting or ending with '-' (it becomes the VM's host name)`,
    );
  }
  return name;
}

export function checkVcpus(vcpus: number): number {
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > MAX_VCPUS)
    throw new InvalidInputError('vcpus', `${vcpus} is not a number of vCPUs 1-${MAX_VCPUS}`);
  return vcpus;
}

export function checkMemory(memoryMib: number): number {
  if (!Number.isInteger(memoryMib) || memoryMib < MIN_MEMORY_MIB || memoryMib > MAX_MEMORY_MIB) {
    throw new InvalidInputError('memory_mib', `${memoryMib} MiB is outside ${MIN_MEMORY_MIB}-${MAX_MEMORY_MIB} MiB`);
  }
  return memoryMib;
}

export function checkDisk(diskGib: number): number {
  if (!Number.isInteger(diskGib) || diskGib < 1 || diskGib > MAX_DISK_GIB)
    throw new InvalidInputError('disk_gib', `${diskGib} GiB is outside 1-${MAX_DISK_GIB} GiB`);
  return diskGib;
}

/**
 * A MAC given by the caller: normalised to lower case with colons. It must be unicast (the low
 * bit of the first octet clear), or no DHCP reply would reach the guest.
 */
export function normaliseMac(text: string): string {
  const mac = text.trim().toLowerCase().replaceAll('-', ':');
  if (!MAC.test(mac)) throw new InvalidInputError('mac', `"${text}" is not a MAC address such as 52:54:00:12:34:56`);
  if ((parseInt(mac.slice(0, 2), 16) & 1) === 1)
    throw new InvalidInputError('mac', `${mac} is a multicast address; a NIC needs a unicast one (first octet even)`);
  if (mac === '00:00:00:00:00:00') throw new InvalidInputError('mac', 'the all-zero MAC is not a NIC address');
  return mac;
}

/** Whether the VM's QEMU holds resources (a process, a tap in use). */
export function isActive(state: ActualState): boolean {
  switch (state) {
    case 'starting':
    case 'running':
    case 'paused':
    case 'stopping':
      return true;
    case 'stopped':
    case 'crashed':
      return false;
    default: {
      const never: never = state;
      throw new Error(`unknown VM state ${String(never)}`);
    }
  }
}

/**
 * The start time a state change leaves the VM with (vm.proto Vm.start_time): set when it begins
 * to run (from starting, stopped or crashed), kept while it stays running, paused or stopping
 * (a pause or a reboot is no new start; a VM taken over after a daemon restart keeps the stored
 * one, or gets `now` when none was stored), cleared once QEMU is gone or coming up.
 */
export function startedAtAfter(vm: Pick<Vm, 'state' | 'startedAt'>, next: ActualState, now: number): number | null {
  switch (next) {
    case 'running':
      return vm.state === 'running' || vm.state === 'paused' || vm.state === 'stopping' ? (vm.startedAt ?? now) : now;
    case 'paused':
    case 'stopping':
      return vm.startedAt ?? (vm.state === 'starting' ? now : null);
    case 'starting':
    case 'stopped':
    case 'crashed':
      return null;
    default: {
      const never: never = next;
      throw new Error(`unknown VM state ${String(never)}`);
    }
  }
}

/**
 * VM events (event.proto Event.kind): its definition created, changed or deleted; its actual or
 * desired state moved (state_reason says why); its lease gave it an address.
 */
export type VmEventKind = 'vm.created' | 'vm.updated' | 'vm.state_changed' | 'vm.address_assigned' | 'vm.deleted';
