// The daemon's refusal of a VM call -> a message at the Create VM form's field it is about, or
// above the form, in the daemon's words (server/hypervisor/vm.ts, inventory.ts, images.ts,
// server/grpc/status.ts):
// - INVALID_ARGUMENT: details "<field>: <reason>", the proto field also in the trailer
//   homeplane-invalid-field ("name", "vcpus", "memory_mib", "disk_gib", "boot",
//   "kernel.kernel_path", "kernel.initrd_path", "kernel.cmdline", "iso.iso_path", "disk.image_path");
// - ALREADY_EXISTS: `a VM named "<n>" exists already; pick another name` (the Name field), or a
//   MAC another VM or reservation has;
// - FAILED_PRECONDITION: capacity (trailer homeplane-resource: "vcpus", "memory_mib", "disk_gib";
//   the message names the request and what is free), QEMU missing (what to install), no address
//   left for its reservation, or a state that does not allow the call.
// Client-safe: status codes kept numeric.
import type { VmErrors, VmField } from './vm-form.ts';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;
const UNAVAILABLE = 14;

export interface VmRefusal {
  code: number;
  details: string;
  /** The homeplane-invalid-field trailer, when the daemon sent one. */
  field: string | null;
  /** The homeplane-resource trailer of a capacity refusal. */
  resource: string | null;
}

const PROTO_FIELDS: Readonly<Record<string, VmField>> = {
  name: 'name',
  vcpus: 'vcpus',
  memory_mib: 'memoryMib',
  disk_gib: 'diskGib',
  boot: 'boot',
  'kernel.kernel_path': 'kernelPath',
  'kernel.initrd_path': 'initrdPath',
  'kernel.cmdline': 'cmdline',
  'iso.iso_path': 'isoPath',
  'disk.image_path': 'imagePath',
};

const RESOURCE_WORDS: Readonly<Record<string, string>> = {
  vcpus: 'Not enough vCPUs',
  memory_mib: 'Not enough memory',
  disk_gib: 'Not enough disk',
};

/** The messages to show for a CreateVm refusal. */
export function createVmErrors(refusal: VmRefusal): VmErrors {
  switch (refusal.code) {
    case INVALID_ARGUMENT: {
      const { field, reason } = splitField(refusal);
      const target = field === null ? undefined : PROTO_FIELDS[field];
      if (target === undefined) return { form: sentence(refusal.details) };
      return { [target]: sentence(reason) };
    }
    case ALREADY_EXISTS:
      if (/^a VM named /.test(refusal.details)) return { name: sentence(refusal.details) };
      return { form: sentence(refusal.details) };
    case FAILED_PRECONDITION:
      if (refusal.resource !== null && RESOURCE_WORDS[refusal.resource] !== undefined)
        return { form: `${RESOURCE_WORDS[refusal.resource]} on the host: ${sentence(refusal.details)}` };
      return { form: sentence(refusal.details) };
    default:
      return { form: sentence(refusal.details) };
  }
}

/** The failure of a lifecycle call (StartVm, StopVm, ...) as one sentence. */
export function vmActionError(refusal: VmRefusal): string {
  switch (refusal.code) {
    case NOT_FOUND:
      return 'This VM no longer exists: it was deleted meanwhile.';
    case UNAVAILABLE:
      return `QEMU did not answer: ${sentence(refusal.details)} Force stop still works.`;
    case FAILED_PRECONDITION:
      if (refusal.resource !== null && RESOURCE_WORDS[refusal.resource] !== undefined)
        return `${RESOURCE_WORDS[refusal.resource]} on the host: ${sentence(refusal.details)}`;
      return sentence(refusal.details);
    default:
      return sentence(refusal.details);
  }
}

/** "kernel.kernel_path: image ... is ..." -> the field and the reason after it. */
function splitField({ details, field }: VmRefusal): { field: string | null; reason: string } {
  const colon = details.indexOf(': ');
  const named = field ?? (colon > 0 ? details.slice(0, colon) : null);
  const reason = named !== null && colon > 0 && details.slice(0, colon) === named ? details.slice(colon + 2) : details;
  return { field: named, reason };
}

/** The daemon's words as a sentence: capital first letter, final full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'The daemon refused without saying why.';
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
