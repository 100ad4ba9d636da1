// The QMP events the driver acts on (QEMU qapi/run-state.json), as a tagged union.
//   SHUTDOWN {"guest": bool, "reason": ShutdownCause}  QEMU is about to stop the machine (and exit, under shutdown=poweroff)
//   RESET    {"guest": bool, "reason": ShutdownCause}  the machine was reset
//   STOP / RESUME                                       the CPUs stopped / run again
//   POWERDOWN                                           the ACPI power button was pressed (system_powerdown)
import type { QmpEvent } from './monitor.ts';

/**
 * QAPI ShutdownCause, e.g. "guest-shutdown", "guest-reset", "guest-panic", "host-qmp-quit",
 * "host-qmp-system-reset", "host-signal" (SIGTERM/SIGINT/SIGHUP), "host-error", "host-ui".
 */
export type ShutdownCause = string;

export type VmEvent =
  | { kind: 'shutdown'; guest: boolean; reason: ShutdownCause }
  | { kind: 'reset'; guest: boolean; reason: ShutdownCause }
  | { kind: 'stop' }
  | { kind: 'resume' }
  | { kind: 'powerdown' }
  | { kind: 'other'; name: string; data: Record<string, unknown> };

export function vmEvent(event: QmpEvent): VmEvent {
  const guest = event.data.guest === true;
  const reason = String(event.data.reason ?? 'none');
  switch (event.event) {
    case 'SHUTDOWN':
      return { kind: 'shutdown', guest, reason };
    case 'RESET':
      return { kind: 'reset', guest, reason };
    case 'STOP':
      return { kind: 'stop' };
    case 'RESUME':
      return { kind: 'resume' };
    case 'POWERDOWN':
      return { kind: 'powerdown' };
    default:
      return { kind: 'other', name: event.event, data: event.data };
  }
}
