// One VM as the browser sees it, with the pure helpers the VM pages need. The event relay sends a
// VM as proto JSON (watch-frames.ts: Vm.toJSON, which leaves out empty fields and spells enums
// by name); vmViewFromJson reads that, and the server makes its first lists the same way
// (vm-convert.ts), so both paths give the same view. Client-safe: no generated gRPC code here.
import { OBJECT_TYPES, type ObjectType } from './live/object-cache.ts';

export const VM_STATES = ['running', 'starting', 'paused', 'stopping', 'stopped', 'crashed'] as const;
export type VmStateName = (typeof VM_STATES)[number] | 'unknown';

export type VmBoot =
  | { kind: 'kernel'; kernelPath: string; initrdPath: string; cmdline: string }
  | { kind: 'iso'; isoPath: string }
  | { kind: 'disk'; imagePath: string }
  | { kind: 'none' };

export interface VmView {
  id: string;
  name: string;
  state: VmStateName;
  /** Why it is in that state, in the daemon's words ("guest powered off"). */
  stateReason: string;
  desiredState: 'running' | 'stopped' | 'unknown';
  mac: string;
  /** Its lease's address; '' before it has one. */
  address: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  hostId: string;
  bridge: string;
  autostart: boolean;
  boot: VmBoot;
  /** Epoch milliseconds; null when the daemon sent none. */
  createdAt: number | null;
  /** When its guest started running (Vm.start_time), epoch ms; null while it does not run. */
  startedAt: number | null;
}

const STATE_NAMES: Readonly<Record<string, VmStateName>> = {
  VM_STATE_STOPPED: 'stopped',
  VM_STATE_STARTING: 'starting',
  VM_STATE_RUNNING: 'running',
  VM_STATE_PAUSED: 'paused',
  VM_STATE_STOPPING: 'stopping',
  VM_STATE_CRASHED: 'crashed',
};

const DESIRED_NAMES: Readonly<Record<string, VmView['desiredState']>> = {
  VM_DESIRED_STATE_STOPPED: 'stopped',
  VM_DESIRED_STATE_RUNNING: 'running',
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const text = (o: Json, key: string) => (typeof o[key] === 'string' ? (o[key] as string) : '');
const count = (o: Json, key: string) =>
  typeof o[key] === 'number' && Number.isFinite(o[key]) ? (o[key] as number) : 0;
const time = (o: Json, key: string) => {
  const at = typeof o[key] === 'string' ? Date.parse(o[key] as string) : NaN;
  return Number.isNaN(at) ? null : at;
};

function bootOf(o: Json): VmBoot {
  if (isObject(o.kernel))
    return {
      kind: 'kernel',
      kernelPath: text(o.kernel, 'kernelPath'),
      initrdPath: text(o.kernel, 'initrdPath'),
      cmdline: text(o.kernel, 'cmdline'),
    };
  if (isObject(o.iso)) return { kind: 'iso', isoPath: text(o.iso, 'isoPath') };
  if (isObject(o.disk)) return { kind: 'disk', imagePath: text(o.disk, 'imagePath') };
  return { kind: 'none' };
}

/** A VM from its proto JSON (Vm.toJSON); undefined when it is not one (no id). */
export function vmViewFromJson(value: unknown): VmView | undefined {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '') return undefined;
  return {
    id: value.id,
    name: text(value, 'name'),
    state: STATE_NAMES[text(value, 'state')] ?? 'unknown',
    stateReason: text(value, 'stateReason'),
    desiredState: DESIRED_NAMES[text(value, 'desiredState')] ?? 'unknown',
    mac: text(value, 'mac'),
    address: text(value, 'address'),
    vcpus: count(value, 'vcpus'),
    memoryMib: count(value, 'memoryMib'),
    diskGib: count(value, 'diskGib'),
    hostId: text(value, 'hostId'),
    bridge: text(value, 'bridge'),
    autostart: value.autostart === true,
    boot: bootOf(value),
    createdAt: time(value, 'createTime'),
    startedAt: time(value, 'startTime'),
  };
}

/** How many of a VM's events its page's timeline shows (the newest). */
export const VM_TIMELINE_EVENTS = 50;

/** OBJECT_TYPES.vm (keyed by id), reading the relay's proto JSON. */
export const VM_TYPE: ObjectType<VmView> = {
  object: OBJECT_TYPES.vm.object,
  pick: (event) => vmViewFromJson(event.vm),
  key: (row) => row.id,
};

const STATE_WORDS: Record<VmStateName, string> = {
  running: 'Running',
  starting: 'Starting',
  paused: 'Paused',
  stopping: 'Stopping',
  stopped: 'Stopped',
  crashed: 'Crashed',
  unknown: 'Unknown',
};

/** The state as the chip shows it: "Running". */
export function vmStateWord(state: VmStateName): string {
  return STATE_WORDS[state];
}

/** Whether the VM's QEMU runs (it has a console and usage samples). */
export function hasQemu(state: VmStateName): boolean {
  switch (state) {
    case 'starting':
    case 'running':
    case 'paused':
    case 'stopping':
      return true;
    case 'stopped':
    case 'crashed':
    case 'unknown':
      return false;
  }
}

/** By name, as ListVms orders them (names are unique). */
export function compareVms(a: VmView, b: VmView): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The VMs page's filter (?q= and ?state=). */
export interface VmFilter {
  query: string;
  /** '' for every state. */
  state: VmStateName | '';
}

/** ?state= read back; anything else is no filter. */
export function parseStateFilter(value: string | undefined): VmStateName | '' {
  return (VM_STATES as readonly string[]).includes(value ?? '') ? (value as VmStateName) : '';
}

/** Free text over name, address, MAC and the boot files; then the state. */
export function matchesVm(vm: VmView, filter: VmFilter): boolean {
  if (filter.state !== '' && vm.state !== filter.state) return false;
  const needle = filter.query.trim().toLowerCase();
  if (needle === '') return true;
  return [vm.name, vm.address, vm.mac, vm.id, bootFiles(vm.boot)].some((field) => field.toLowerCase().includes(needle));
}

function bootFiles(boot: VmBoot): string {
  switch (boot.kind) {
    case 'kernel':
      return `${boot.kernelPath} ${boot.initrdPath} ${boot.cmdline}`;
    case 'iso':
      return boot.isoPath;
    case 'disk':
      return boot.imagePath;
    case 'none':
      return '';
  }
}

/** The search string for a filter ("?q=web&state=running"), '' for none. */
export function filterSearch(filter: VmFilter): string {
  const params = new URLSearchParams();
  if (filter.query.trim() !== '') params.set('q', filter.query.trim());
  if (filter.state !== '') params.set('state', filter.state);
  const search = params.toString();
  return search === '' ? '' : `?${search}`;
}

/** VMs per state, every state present (0 when none). */
export function countByState(vms: readonly VmView[]): Record<VmStateName, number> {
  const counts: Record<VmStateName, number> = {
    running: 0,
    starting: 0,
    paused: 0,
    stopping: 0,
    stopped: 0,
    crashed: 0,
    unknown: 0,
  };
  for (const vm of vms) counts[vm.state]++;
  return counts;
}

/** "1 VM", "2 VMs". */
export function countVms(n: number): string {
  return `${n} ${n === 1 ? 'VM' : 'VMs'}`;
}

/** "512 MiB", "2 GiB", "1.5 GiB" from MiB. */
export function formatMib(mib: number): string {
  if (mib < 1024) return `${trim(mib)} MiB`;
  if (mib < 1024 * 1024) return `${trim(mib / 1024)} GiB`;
  return `${trim(mib / 1024 / 1024)} TiB`;
}

/** "0 B", "12.3 MiB", "4 GiB" from bytes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : trim(value)} ${units[unit]}`;
}

/** One decimal at most, none when whole: 1.5, 2, 12.3. */
function trim(n: number): string {
  const rounded = n >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
  return String(rounded);
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** How long it has run, or null when it does not run or the daemon did not say since when. */
export function uptimeSeconds(vm: VmView, now: number): number | null {
  if (vm.startedAt === null || !hasQemu(vm.state)) return null;
  return Math.max(0, (now - vm.startedAt) / 1000);
}
