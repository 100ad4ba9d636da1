// Capacity as OpenStack's placement computes it: what VMs may have of a resource is
// (total - reserved) x allocation ratio; every defined VM counts against it, running or not, so a
// start can never fail for room a stopped VM was promised. vCPUs are usually overcommitted (ratio
// 4.0 by default), memory and disk not (1.0).
import { CapacityError } from './errors.ts';

export type Resource = 'vcpus' | 'memory_mib' | 'disk_gib';

export interface CapacitySettings {
  vcpuRatio: number;
  memoryRatio: number;
  diskRatio: number;
  /** Memory kept for the host itself, MiB. */
  reservedMemoryMib: number;
  /** vCPUs kept for the host itself. */
  reservedVcpus: number;
  /** Disk kept free for the host, GiB. */
  reservedDiskGib: number;
}

export interface HostTotals {
  vcpus: number;
  memoryMib: number;
  /** The data folder's file system. */
  diskGib: number;
}

export interface Usage {
  vcpus: number;
  memoryMib: number;
  diskGib: number;
}

export interface ResourceCapacity {
  total: number;
  reserved: number;
  ratio: number;
  allocatable: number;
  allocated: number;
  free: number;
}

export type HostCapacity = Record<Resource, ResourceCapacity>;

const UNITS: Record<Resource, string> = { vcpus: 'vCPUs', memory_mib: 'MiB of memory', disk_gib: 'GiB of disk' };

export function capacityOf(totals: HostTotals, settings: CapacitySettings, allocated: Usage): HostCapacity {
  const one = (total: number, reserved: number, ratio: number, used: number): ResourceCapacity => {
    const allocatable = Math.max(0, (total - reserved) * ratio);
    return { total, reserved, ratio, allocatable, allocated: used, free: Math.max(0, allocatable - used) };
  };
  return {
    vcpus: one(totals.vcpus, settings.reservedVcpus, settings.vcpuRatio, allocated.vcpus),
    memory_mib: one(totals.memoryMib, settings.reservedMemoryMib, settings.memoryRatio, allocated.memoryMib),
    disk_gib: one(totals.diskGib, settings.reservedDiskGib, settings.diskRatio, allocated.diskGib),
  };
}

/** Throws CapacityError naming the first resource the request does not fit in. */
export function checkFits(capacity: HostCapacity, request: Usage, what: string): void {
  const asked: Record<Resource, number> = {
    vcpus: request.vcpus,
    memory_mib: request.memoryMib,
    disk_gib: request.diskGib,
  };
  for (const resource of ['vcpus', 'memory_mib', 'disk_gib'] as const) {
    const c = capacity[resource];
    if (asked[resource] > c.free) {
      throw new CapacityError(
        resource,
        `${what} needs ${asked[resource]} ${UNITS[resource]} but the host has ${round(c.free)} free ` +
          `(${round(c.allocatable)} allocatable = (${round(c.total)} - ${round(c.reserved)} reserved) x ${c.ratio}, ${round(c.allocated)} allocated)`,
      );
    }
  }
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
