// VmService request fields read into the inventory's terms. Values (names, sizes, MACs, boot
// paths) are checked by the inventory, which names the proto field; this file checks only what
// is the API's own: ids, the update mask, the stop timeout and console input.
import { InvalidInputError } from '../errors.ts';
import type { VmPatch, VmRequest } from '../hypervisor/vm.ts';
import type { CreateVmRequest, StopVmRequest, UpdateVmRequest } from '../../proto/gen/homeplane/v1/vm.ts';
import { bootFromProto } from './translate-hypervisor.ts';

/** The largest SendConsoleInput (vm.proto): a paste, not a file transfer. */
export const MAX_CONSOLE_INPUT_BYTES = 4096;

/**
 * The longest graceful stop StopVm waits for. Node's timers hold at most 2^31-1 ms (about 24.8
 * days) and fire at once beyond it, so an unchecked uint32 of seconds could pull the plug at
 * once; an hour is far more than any guest needs to power off.
 */
export const MAX_STOP_TIMEOUT_SECONDS = 3600;

export function requireVmId(id: string, field = 'id'): string {
  if (id === '') throw new InvalidInputError(field, 'is required; give the id of a VM (ListVms shows them)');
  return id;
}

export function createRequest(request: CreateVmRequest): VmRequest {
  return {
    name: request.name,
    vcpus: request.vcpus,
    memoryMib: request.memoryMib,
    diskGib: request.diskGib,
    boot: bootFromProto(request.boot),
    mac: request.mac,
    start: request.start,
    autostart: request.autostart,
  };
}

/** The fields UpdateVm may change (vm.proto UpdateVmRequest.update_mask). */
const UPDATABLE = ['vcpus', 'memory_mib', 'autostart'] as const;
type Updatable = (typeof UPDATABLE)[number];

const NOT_UPDATABLE_REASON: Readonly<Record<string, string>> = {
  id: 'is set by the server and cannot change',
  name: "cannot change: it is the host name on the VM's DHCP reservation; create a new VM instead",
  mac: "cannot change: the VM's DHCP reservation is keyed on it",
  disk_gib: 'cannot change: the disk keeps its size',
  state: 'is what the VM does; use StartVm, StopVm, PauseVm or ResumeVm',
  desired_state: 'follows StartVm and StopVm',
  kernel: 'cannot change: the boot source is fixed at creation',
  iso: 'cannot change: the boot source is fixed at creation',
  disk: 'cannot change: the boot source is fixed at creation',
};

export function updatePatch(request: UpdateVmRequest): { id: string; patch: VmPatch } {
  const id = requireVmId(request.id);
  const mask = request.updateMask ?? [];
  if (mask.length === 0)
    throw new InvalidInputError('update_mask', `is empty; name the fields to change: ${UPDATABLE.join(', ')}`);
  const fields = new Set<Updatable>();
  for (const path of mask) {
    if (!(UPDATABLE as readonly string[]).includes(path)) {
      const reason = NOT_UPDATABLE_REASON[path] ?? `is not a field that can be updated; use ${UPDATABLE.join(', ')}`;
      throw new InvalidInputError('update_mask', `"${path}" ${reason}`);
    }
    fields.add(path as Updatable);
  }
  const vm = request.vm;
  if (vm === undefined)
    throw new InvalidInputError('vm', 'is required: it carries the new values of the fields in update_mask');
  if (vm.id !== '' && vm.id !== id)
    throw new InvalidInputError('vm.id', `"${vm.id}" differs from id "${id}"; leave it empty or give the same id`);
  const patch: VmPatch = {};
  if (fields.has('vcpus')) patch.vcpus = vm.vcpus;
  if (fields.has('memory_mib')) patch.memoryMib = vm.memoryMib;
  if (fields.has('autostart')) patch.autostart = vm.autostart;
  return { id, patch };
}

/** The inventory names a value's field as CreateVm has it ("vcpus"); in UpdateVm it sits under "vm.". */
export function inUpdatedVm(err: unknown): unknown {
  if (err instanceof InvalidInputError && (err.field === 'vcpus' || err.field === 'memory_mib')) {
    const reason = err.message.slice(err.field.length + 2);
    return new InvalidInputError(`vm.${err.field}`, reason);
  }
  return err;
}

/** timeout_seconds 0 -> null (the inventory's default, 30 s), else milliseconds. */
export function stopTimeoutMs(request: StopVmRequest): number | null {
  const seconds = request.timeoutSeconds;
  if (seconds === 0) return null;
  if (seconds > MAX_STOP_TIMEOUT_SECONDS) {
    throw new InvalidInputError(
      'timeout_seconds',
      `${seconds} s is more than ${MAX_STOP_TIMEOUT_SECONDS} s; give 0 for the default (30 s) or up to ${MAX_STOP_TIMEOUT_SECONDS}`,
    );
  }
  return seconds * 1000;
}

export function consoleInput(data: Buffer): Buffer {
  if (data.length === 0) throw new InvalidInputError('data', 'is empty; send 1-4096 bytes to type on the console');
  if (data.length > MAX_CONSOLE_INPUT_BYTES) {
    throw new InvalidInputError(
      'data',
      `is ${data.length} bytes; send at most ${MAX_CONSOLE_INPUT_BYTES} per call (split longer input: calls arrive in order)`,
    );
  }
  return data;
}
