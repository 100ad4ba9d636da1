// The Create VM form's values and the checks the browser can make before asking the daemon,
// worded like the daemon's own (server/hypervisor/vm.ts: checkName, checkVcpus, checkMemory,
// checkDisk). The daemon checks again and decides the rest (boot files, duplicates, capacity);
// vm-errors.ts maps its answers to these fields.

export type BootChoice = 'kernel' | 'iso' | 'disk';

/** The form's fields, by their `name` attribute. */
export const VM_FIELDS = [
  'name',
  'vcpus',
  'memoryMib',
  'diskGib',
  'boot',
  'kernelPath',
  'initrdPath',
  'cmdline',
  'isoPath',
  'imagePath',
] as const;
export type VmField = (typeof VM_FIELDS)[number];
/** Messages by field; `form` is about the whole request (capacity, QEMU missing). */
export type VmErrors = Partial<Record<VmField | 'form', string>>;

export interface VmFormValues {
  name: string;
  /** As typed: the checks say what is wrong with text that is no number. */
  vcpus: string;
  memoryMib: string;
  diskGib: string;
  boot: BootChoice;
  kernelPath: string;
  /** '' for none. */
  initrdPath: string;
  cmdline: string;
  isoPath: string;
  imagePath: string;
  start: boolean;
  autostart: boolean;
}

export const DEFAULT_CMDLINE = 'console=ttyS0';

export const EMPTY_VM_FORM: VmFormValues = {
  name: '',
  vcpus: '1',
  memoryMib: '512',
  diskGib: '8',
  boot: 'kernel',
  kernelPath: '',
  initrdPath: '',
  cmdline: DEFAULT_CMDLINE,
  isoPath: '',
  imagePath: '',
  start: true,
  autostart: false,
};

/** The limits of server/hypervisor/vm.ts. */
export const MIN_MEMORY_MIB = 16;
export const MAX_VCPUS = 256;
export const MAX_MEMORY_MIB = 4 * 1024 * 1024;
export const MAX_DISK_GIB = 64 * 1024;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function readVmForm(form: FormData): VmFormValues {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const boot = field('boot');
  return {
    name: field('name').trim(),
    vcpus: field('vcpus').trim(),
    memoryMib: field('memoryMib').trim(),
    diskGib: field('diskGib').trim(),
    boot: boot === 'iso' || boot === 'disk' ? boot : 'kernel',
    kernelPath: field('kernelPath'),
    initrdPath: field('initrdPath'),
    cmdline: field('cmdline').trim(),
    isoPath: field('isoPath'),
    imagePath: field('imagePath'),
    start: form.get('start') !== null,
    autostart: form.get('autostart') !== null,
  };
}

/** A whole number as typed ("2", not "2.5" or "2e3"); null otherwise. */
export function wholeNumber(text: string): number | null {
  return /^[0-9]{1,10}$/.test(text) ? Number(text) : null;
}

function nameFault(name: string): string | null {
  if (name === '') return 'Give the VM a name, e.g. web-1. It becomes its host name on the network.';
  if (name.length > 63) return `"${name}" is ${name.length} characters; a name has at most 63.`;
  if (/[A-Z]/.test(name)) return `"${name}" has capital letters; use lower case (a-z, 0-9 and '-').`;
  if (!DNS_LABEL.test(name))
    return `"${name}" is not a DNS label: use a-z, 0-9 and '-', not starting or ending with '-' (it becomes the VM's host name).`;
  return null;
}

function rangeFault(text: string, min: number, max: number, what: string, unit: string): string | null {
  const n = wholeNumber(text);
  if (text === '') return `Give the ${what}, ${min}-${max.toLocaleString('en-US')}${unit}.`;
  if (n === null)
    return `"${text}" is not a whole number; give the ${what}, ${min}-${max.toLocaleString('en-US')}${unit}.`;
  if (n < min || n > max) return `${n}${unit} is outside ${min}-${max.toLocaleString('en-US')}${unit}.`;
  return null;
}

/** What the browser can tell is wrong; an empty object when the daemon should decide. */
export function checkVmForm(values: VmFormValues): VmErrors {
  const errors: VmErrors = {};
  const name = nameFault(values.name);
  if (name !== null) errors.name = name;
  const vcpus = rangeFault(values.vcpus, 1, MAX_VCPUS, 'number of vCPUs', '');
  if (vcpus !== null) errors.vcpus = vcpus;
  const memory = rangeFault(values.memoryMib, MIN_MEMORY_MIB, MAX_MEMORY_MIB, 'memory', ' MiB');
  if (memory !== null) errors.memoryMib = memory;
  const disk = rangeFault(values.diskGib, 1, MAX_DISK_GIB, 'disk size', ' GiB');
  if (disk !== null) errors.diskGib = disk;
  switch (values.boot) {
    case 'kernel':
      if (values.kernelPath === '') errors.kernelPath = 'Pick the kernel to boot (files of the image folders).';
      if (values.cmdline.length > 4096)
        errors.cmdline = `The command line is ${values.cmdline.length} characters; the limit is 4096.`;
      else if (/[^\x20-\x7e]/.test(values.cmdline))
        errors.cmdline =
          'The command line holds a control or non-ASCII character; write plain text such as "console=ttyS0".';
      break;
    case 'iso':
      if (values.isoPath === '') errors.isoPath = 'Pick the ISO image to boot from.';
      break;
    case 'disk':
      if (values.imagePath === '') errors.imagePath = 'Pick the base image the disk starts from.';
      break;
  }
  return errors;
}

/** The checked values as CreateVmRequest's fields (call after checkVmForm found nothing). */
export function createRequestOf(values: VmFormValues) {
  const boot =
    values.boot === 'kernel'
      ? {
          $case: 'kernel' as const,
          kernel: { kernelPath: values.kernelPath, initrdPath: values.initrdPath, cmdline: values.cmdline },
        }
      : values.boot === 'iso'
        ? { $case: 'iso' as const, iso: { isoPath: values.isoPath } }
        : { $case: 'disk' as const, disk: { imagePath: values.imagePath } };
  return {
    name: values.name,
    vcpus: wholeNumber(values.vcpus) ?? 0,
    memoryMib: wholeNumber(values.memoryMib) ?? 0,
    diskGib: wholeNumber(values.diskGib) ?? 0,
    boot,
    start: values.start,
    autostart: values.autostart,
  };
}
