// The host as the inventory records it: its stable facts, what host.updated events carry. What
// changes all the time (uptime, disk size and free space) is read when asked, never recorded.
import type { Accel } from './hypervisor-port.ts';

export interface HostRecord {
  /** Stable id: the machine id. */
  id: string;
  hostname: string;
  cpuModel: string;
  cpuCores: number;
  memoryMib: number;
  accel: Accel;
  accelReason: string;
  /** QEMU's version, or null when it is not installed. */
  qemuVersion: string | null;
  /** What to install when QEMU is missing; null otherwise. */
  qemuProblem: string | null;
}

/** Host events: only stable facts changing (uptime and free disk are read, never logged). */
export type HostEventKind = 'host.updated';

/** Every recorded fact; the type check fails when HostRecord gains one that is not listed. */
const HOST_FACTS = [
  'id',
  'hostname',
  'cpuModel',
  'cpuCores',
  'memoryMib',
  'accel',
  'accelReason',
  'qemuVersion',
  'qemuProblem',
] as const satisfies readonly (keyof HostRecord)[];
type Unlisted = Exclude<keyof HostRecord, (typeof HOST_FACTS)[number]>;
const everyFactListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFactListed;

/** The facts that differ between the stored record and the one read now: what a host.updated is for. */
export function changedHostFacts(previous: HostRecord, next: HostRecord): (keyof HostRecord)[] {
  return HOST_FACTS.filter((key) => previous[key] !== next[key]);
}
