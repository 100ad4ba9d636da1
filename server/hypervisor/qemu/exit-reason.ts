// Why a VM's QEMU went away, from what the driver knows at the exit: which stop step it had taken
// and the last SHUTDOWN event (QEMU sends one before every orderly exit: guest power-off, quit,
// SIGTERM/SIGINT/SIGHUP). No SHUTDOWN and no stop of ours means it was killed from outside or
// crashed; QEMU is not the daemon's child, so its exit status cannot tell which.
import type { ActualState, StateReason } from '../hypervisor-port.ts';

/** Which step of a stop the driver has taken. */
export type StopIntent =
  | { step: 'none' }
  | { step: 'powerdown' }
  | { step: 'quit'; via: 'timeout' | 'force' }
  | { step: 'kill'; via: 'timeout' | 'force' };

/** SHUTDOWN's data: `reason` is a QAPI ShutdownCause ("guest-shutdown", "host-qmp-quit", "host-signal", ...). */
export interface ShutdownSeen {
  guest: boolean;
  reason: string;
}

export interface ExitOutcome {
  state: ActualState;
  reason: StateReason;
  detail: string;
}

const outcome = (state: ActualState, reason: StateReason, detail: string): ExitOutcome => ({ state, reason, detail });

export function classifyExit(intent: StopIntent, shutdown: ShutdownSeen | null): ExitOutcome {
  if (intent.step === 'kill') {
    return intent.via === 'timeout'
      ? outcome(
          'stopped',
          'powerdown-timeout-killed',
          'the guest ignored the power button and QEMU did not quit: SIGKILL',
        )
      : outcome('stopped', 'forced-killed', 'QEMU did not quit in time: SIGKILL');
  }
  // The guest powering off wins over a quit we sent at the same moment.
  if (shutdown?.guest === true && shutdown.reason === 'guest-shutdown') {
    return intent.step === 'powerdown'
      ? outcome('stopped', 'guest-shutdown', 'the guest powered off (ACPI power button)')
      : outcome('stopped', 'guest-shutdown', 'the guest powered itself off');
  }
  // After our quit: with its SHUTDOWN host-qmp-quit, or without one if the monitor was gone.
  if (intent.step === 'quit') {
    return intent.via === 'timeout'
      ? outcome('stopped', 'powerdown-timeout-forced', 'the guest ignored the power button; QEMU quit on request')
      : outcome('stopped', 'forced', 'QEMU quit on request');
  }
  if (shutdown?.reason === 'host-signal') {
    return outcome('stopped', 'host-signal', 'QEMU got SIGTERM, SIGINT or SIGHUP from outside and shut down');
  }
  if (shutdown !== null) {
    const detail = `QEMU shut down (${shutdown.reason}${shutdown.guest ? ', from the guest' : ''})`;
    return outcome(shutdown.reason === 'guest-panic' ? 'crashed' : 'stopped', 'qemu-shutdown', detail);
  }
  return outcome(
    'crashed',
    'exited-unexpectedly',
    'QEMU exited without a shutdown event (killed from outside, e.g. kill -9 or the OOM killer, or it crashed)',
  );
}
