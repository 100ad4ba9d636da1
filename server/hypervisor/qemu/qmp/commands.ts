// Typed wrappers of the QMP commands the driver uses (QEMU qapi/run-state.json, qapi/control.json).
import { QmpDisconnectedError } from './errors.ts';
import type { QmpClient } from './monitor.ts';

/** QAPI RunState (QEMU 7.2). */
export type RunState =
  | 'debug'
  | 'inmigrate'
  | 'internal-error'
  | 'io-error'
  | 'paused'
  | 'postmigrate'
  | 'prelaunch'
  | 'finish-migrate'
  | 'restore-vm'
  | 'running'
  | 'save-vm'
  | 'shutdown'
  | 'suspended'
  | 'watchdog'
  | 'guest-panicked'
  | 'colo';

export interface VmStatus {
  /** QEMU's run state; "prelaunch" under -S before the first `cont`. */
  status: RunState;
  /** True when the guest CPUs run. */
  running: boolean;
}

/** query-status -> {"status": "running", "singlestep": false, "running": true}. */
export async function queryStatus(qmp: QmpClient): Promise<VmStatus> {
  const value = (await qmp.execute('query-status')) as { status?: unknown; running?: unknown } | null;
  return { status: String(value?.status ?? 'unknown') as RunState, running: value?.running === true };
}

/** ACPI power button press; the guest decides (SeaBIOS alone ignores it). Emits POWERDOWN. */
export async function systemPowerdown(qmp: QmpClient): Promise<void> {
  await qmp.execute('system_powerdown');
}

/** Hard reset; emits RESET {guest: false, reason: "host-qmp-system-reset"}. */
export async function systemReset(qmp: QmpClient): Promise<void> {
  await qmp.execute('system_reset');
}

/**
 * Ends QEMU at once (SHUTDOWN {guest: false, reason: "host-qmp-quit"}, then the reply, then the
 * socket closes). A connection that closes instead of replying is QEMU exiting as asked.
 */
export async function quit(qmp: QmpClient, timeoutMs?: number): Promise<void> {
  try {
    await qmp.execute('quit', undefined, { timeoutMs });
  } catch (err) {
    if (!(err instanceof QmpDisconnectedError)) throw err;
  }
}

/** Stops the guest CPUs; emits STOP. */
export async function stop(qmp: QmpClient): Promise<void> {
  await qmp.execute('stop');
}

/** Runs the guest CPUs (also the first start after -S); emits RESUME, before the reply. */
export async function cont(qmp: QmpClient): Promise<void> {
  await qmp.execute('cont');
}

/** set-action (QEMU 6.0+): what QEMU does on guest reboot, shutdown, panic and watchdog expiry. */
export interface Actions {
  /** reset: the guest reboots (QEMU's default); shutdown: a reboot ends QEMU like -no-reboot. */
  reboot?: 'reset' | 'shutdown';
  /** poweroff: a guest shutdown ends QEMU (the default); pause: QEMU stays with the CPUs stopped. */
  shutdown?: 'poweroff' | 'pause';
  panic?: 'pause' | 'shutdown' | 'exit-failure' | 'none';
  watchdog?: 'reset' | 'shutdown' | 'poweroff' | 'pause' | 'debug' | 'none' | 'inject-nmi';
}

export async function setAction(qmp: QmpClient, actions: Actions): Promise<void> {
  await qmp.execute('set-action', { ...actions });
}
