// One hypervisor host as the browser sees it, and the capacity maths its bars need. A host comes
// as proto JSON (Host.toJSON) from the first list and from "host.updated" events; an event
// carries only the stable facts (the daemon computes disk, uptime and capacity when read), so
// an update keeps the read's computed fields, and what VMs have allocated is summed from the VMs
// themselves (every defined VM counts, running or not: host.proto Capacity.allocated), which
// keeps the bars live as VMs come and go. Client-safe and pure.
import { OBJECT_TYPES, type ObjectType } from './live/object-cache.ts';
import type { VmView } from './vm-view.ts';

export type Resource = 'vcpus' | 'memory' | 'disk';
export const RESOURCES: readonly Resource[] = ['vcpus', 'memory', 'disk'];

/** host.proto Capacity, in the resource's unit (vCPUs, MiB, GiB). */
export interface CapacityView {
  total: number;
  reserved: number;
  ratio: number;
  allocatable: number;
  allocated: number;
  free: number;
}

export interface HostView {
  id: string;
  hostname: string;
  cpuModel: string;
  cpuCores: number;
  memoryMib: number;
  diskTotalBytes: number;
  diskFreeBytes: number;
  accel: 'kvm' | 'tcg' | 'unknown';
  accelReason: string;
  /** '' when QEMU is not installed. */
  qemuVersion: string;
  /** What to install when QEMU is missing, in the daemon's words; '' when it runs VMs. */
  qemuProblem: string;
  /** Seconds since boot when read (readAt). */
  uptimeSeconds: number;
  /** When the computed fields were read, epoch ms (0 for an event's host that had none). */
  readAt: number;
  /** Null in a host event (no capacity); the merge keeps the read's. */
  capacity: Record<Resource, CapacityView> | null;
  vmCount: number;
  runningVmCount: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const text = (o: Json, key: string) => (typeof o[key] === 'string' ? (o[key] as string) : '');
/** Numbers, including uint64s that proto JSON writes as strings. */
const num = (o: Json, key: string): number => {
  const value = o[key];
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(n) ? n : 0;
};

function capacityOf(value: unknown): CapacityView | null {
  if (!isObject(value)) return null;
  return {
    total: num(value, 'total'),
    reserved: num(value, 'reserved'),
    ratio: num(value, 'allocationRatio'),
    allocatable: num(value, 'allocatable'),
    allocated: num(value, 'allocated'),
    free: num(value, 'free'),
  };
}

/** A host from its proto JSON; undefined when it is not one (no id). `readAt` dates its computed fields. */
export function hostViewFromJson(value: unknown, readAt = 0): HostView | undefined {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '') return undefined;
  const vcpus = capacityOf(value.vcpus);
  const memory = capacityOf(value.memoryMibCapacity);
  const disk = capacityOf(value.diskGibCapacity);
  const accel = text(value, 'accel');
  return {
    id: value.id,
    hostname: text(value, 'hostname'),
    cpuModel: text(value, 'cpuModel'),
    cpuCores: num(value, 'cpuCores'),
    memoryMib: num(value, 'memoryMib'),
    diskTotalBytes: num(value, 'diskTotalBytes'),
    diskFreeBytes: num(value, 'diskFreeBytes'),
    accel: accel === 'ACCEL_KVM' ? 'kvm' : accel === 'ACCEL_TCG' ? 'tcg' : 'unknown',
    accelReason: text(value, 'accelReason'),
    qemuVersion: text(value, 'qemuVersion'),
    qemuProblem: text(value, 'qemuProblem'),
    uptimeSeconds: num(value, 'uptimeSeconds'),
    readAt,
    capacity: vcpus && memory && disk ? { vcpus, memory, disk } : null,
    vmCount: num(value, 'vmCount'),
    runningVmCount: num(value, 'runningVmCount'),
  };
}

/** OBJECT_TYPES.host (keyed by id), reading the relay's proto JSON. */
export const HOST_TYPE: ObjectType<HostView> = {
  object: OBJECT_TYPES.host.object,
  pick: (event) => hostViewFromJson(event.host),
  key: (row) => row.id,
};

/**
 * A host event's stable facts over what the last read knew: the computed fields (disk use,
 * uptime, capacity, counts) stay the read's, as the event has none.
 */
export function mergeHost(read: HostView | undefined, event: HostView): HostView {
  if (read === undefined || event.capacity !== null) return event;
  return {
    ...event,
    diskTotalBytes: read.diskTotalBytes,
    diskFreeBytes: read.diskFreeBytes,
    uptimeSeconds: read.uptimeSeconds,
    readAt: read.readAt,
    capacity: read.capacity,
    vmCount: read.vmCount,
    runningVmCount: read.runningVmCount,
  };
}

/** What the VMs on `hostId` have of each resource: vCPUs, MiB, GiB. */
export function allocatedBy(vms: Iterable<VmView>, hostId: string): Record<Resource, number> {
  const sum = { vcpus: 0, memory: 0, disk: 0 };
  for (const vm of vms) {
    if (vm.hostId !== hostId) continue;
    sum.vcpus += vm.vcpus;
    sum.memory += vm.memoryMib;
    sum.disk += vm.diskGib;
  }
  return sum;
}

/** The capacity with `allocated` replaced (and free recomputed, never below 0: host.proto). */
export function withAllocated(capacity: CapacityView, allocated: number): CapacityView {
  return { ...capacity, allocated, free: Math.max(0, capacity.allocatable - allocated) };
}

/** How full the bar is, 0-1 (more than allocatable shows full; nothing allocatable shows empty). */
export function fillRatio(capacity: CapacityView): number {
  if (capacity.allocatable <= 0) return capacity.allocated > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, capacity.allocated / capacity.allocatable));
}

/** ok below 75 %, high to 90 %, full above (the bar's colour). */
export function fillLevel(capacity: CapacityView): 'ok' | 'high' | 'full' {
  const ratio = fillRatio(capacity);
  return ratio >= 0.9 ? 'full' : ratio >= 0.75 ? 'high' : 'ok';
}

export const RESOURCE_LABELS: Record<Resource, string> = { vcpus: 'vCPUs', memory: 'Memory', disk: 'Disk' };

const UNITS: Record<Resource, string> = { vcpus: 'vCPUs', memory: 'MiB', disk: 'GiB' };

/** "3 of 16 vCPUs allocated (19 %)". */
export function capacityWords(resource: Resource, capacity: CapacityView): string {
  const percent = Math.round(fillRatio(capacity) * 100);
  return `${round(capacity.allocated)} of ${round(capacity.allocatable)} ${UNITS[resource]} allocated (${percent} %)`;
}

/**
 * How the allocatable amount comes about: "(4 total - 0 reserved) × 4 overcommit", "free 12".
 * The ratio is the allocation ratio host.proto names.
 */
export function capacityFormula(resource: Resource, capacity: CapacityView): string {
  return `${round(capacity.free)} ${UNITS[resource]} free · (${round(capacity.total)} − ${round(capacity.reserved)} reserved) × ${capacity.ratio} ratio`;
}

function round(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1);
}

/** Seconds since boot now, from the read's value and when it was read. */
export function hostUptime(host: HostView, now: number): number {
  if (host.readAt === 0) return host.uptimeSeconds;
  return host.uptimeSeconds + Math.max(0, (now - host.readAt) / 1000);
}

/** The daemon's reason it cannot run VMs (QEMU missing, in its words), or null when it can. */
export function hypervisorProblem(hosts: readonly HostView[]): string | null {
  const problem = hosts.find((host) => host.qemuProblem !== '')?.qemuProblem;
  if (problem !== undefined) return problem;
  return hosts.length === 0 ? 'The daemon reports no hypervisor host, so it cannot run VMs.' : null;
}
