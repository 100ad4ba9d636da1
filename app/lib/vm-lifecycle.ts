// What a person can do to a VM: which buttons a state offers, what each confirmation says, and
// when the event stream has confirmed it (vm.proto's VmService: StartVm, StopVm with or without
// force, RebootVm, PauseVm, ResumeVm, DeleteVm). Client-safe and pure.
import type { VmStateName, VmView } from './vm-view.ts';

export const VM_ACTIONS = ['start', 'shutdown', 'force-stop', 'reboot', 'pause', 'resume', 'delete'] as const;
export type VmAction = (typeof VM_ACTIONS)[number];

/** The button's name, which the confirming button repeats. */
export const ACTION_LABELS: Record<VmAction, string> = {
  start: 'Start',
  shutdown: 'Shut down',
  'force-stop': 'Force stop',
  reboot: 'Reboot',
  pause: 'Pause',
  resume: 'Resume',
  delete: 'Delete',
};

/** What the button shows while the action is under way. */
export const PENDING_LABELS: Record<VmAction, string> = {
  start: 'Starting…',
  shutdown: 'Shutting down…',
  'force-stop': 'Stopping…',
  reboot: 'Rebooting…',
  pause: 'Pausing…',
  resume: 'Resuming…',
  delete: 'Deleting…',
};

export function isVmAction(value: unknown): value is VmAction {
  return typeof value === 'string' && (VM_ACTIONS as readonly string[]).includes(value);
}

/**
 * The actions a state allows, in button order; the daemon refuses the others (FAILED_PRECONDITION).
 * A starting VM takes no command (the driver is bringing QEMU up), delete included.
 */
export function actionsFor(state: VmStateName): VmAction[] {
  switch (state) {
    case 'stopped':
    case 'crashed':
      return ['start', 'delete'];
    case 'running':
      return ['shutdown', 'force-stop', 'reboot', 'pause', 'delete'];
    case 'paused':
      return ['resume', 'force-stop', 'delete'];
    case 'stopping':
      return ['force-stop', 'delete'];
    case 'starting':
      return [];
    case 'unknown':
      return ['delete'];
  }
}

/** The confirmation's title, naming the VM. */
export function confirmTitle(action: VmAction, name: string): string {
  switch (action) {
    case 'start':
      return `Start ${name}?`;
    case 'shutdown':
      return `Shut down ${name}?`;
    case 'force-stop':
      return `Force stop ${name}?`;
    case 'reboot':
      return `Reboot ${name}?`;
    case 'pause':
      return `Pause ${name}?`;
    case 'resume':
      return `Resume ${name}?`;
    case 'delete':
      return `Delete ${name}?`;
  }
}

/** What the action does, in a sentence or two. */
export function confirmText(action: VmAction, vm: Pick<VmView, 'name' | 'address' | 'mac' | 'diskGib'>): string {
  switch (action) {
    case 'start':
      return `QEMU starts ${vm.name} with its disk and boot source; it asks Homeplane's DHCP server for its address.`;
    case 'shutdown':
      return `The guest is asked to power off (ACPI). If it has not within 30 seconds, QEMU is made to quit.`;
    case 'force-stop':
      return `QEMU stops at once: the guest's power is pulled, and whatever it had not written to disk is lost.`;
    case 'reboot':
      return `The VM is reset at once, like pressing its reset button; the guest does not shut down first.`;
    case 'pause':
      return `The guest's vCPUs are frozen. It keeps its memory and address, and continues where it was on Resume.`;
    case 'resume':
      return `The guest's vCPUs run again from where they were paused.`;
    case 'delete': {
      const reservation =
        vm.address === '' ? `its DHCP reservation (${vm.mac})` : `its DHCP reservation of ${vm.address} (${vm.mac})`;
      return `This stops it if it runs and removes it for good: its ${vm.diskGib} GiB disk with everything on it, and ${reservation}. The boot files in the image folders stay.`;
    }
  }
}

/**
 * Whether the stream has shown what the action asked for: the state it leads to (or the VM gone,
 * for delete). `vm` is the cache's VM, undefined once deleted. Reboot changes no state: the
 * daemon's reply is its confirmation.
 */
export function actionSettled(action: VmAction, vm: VmView | undefined): boolean {
  switch (action) {
    case 'delete':
      return vm === undefined;
    case 'reboot':
      return true;
    case 'start':
    case 'resume':
      return vm?.state === 'running';
    case 'shutdown':
    case 'force-stop':
      return vm?.state === 'stopped';
    case 'pause':
      return vm?.state === 'paused';
  }
}

/**
 * When the stream shows the action cannot settle (the VM was deleted meanwhile): the failure in
 * words; null while it may still settle. A refusal or a failed start is the daemon's reply.
 */
export function actionFailed(action: VmAction, vm: VmView | undefined): string | null {
  return action !== 'delete' && vm === undefined ? 'The VM was deleted meanwhile.' : null;
}
