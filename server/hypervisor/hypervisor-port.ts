// The port the inventory uses to run VMs on one host. Today `qemu/driver.ts` implements it in the
// daemon's own process; an agent on another host could implement it later behind the same shape.
// Everything here is about one QEMU process per VM: what to run (VmRuntimeSpec), what the driver
// observed (DriverEvent), and the commands it takes (HypervisorDriver). Desired state, capacity and
// persistence belong to the inventory, never to the driver.

/** What the VM boots from. Paths are absolute and already checked against the image folders. */
export type BootSource =
  /** Direct kernel boot (QEMU -kernel/-initrd/-append); the disk, if any, is plain storage. */
  | { kind: 'kernel'; kernel: string; initrd: string | null; cmdline: string }
  /** An installer or live ISO attached read-only as a CD-ROM, booted before the disk. */
  | { kind: 'iso'; iso: string }
  /** The VM's own disk (`VmRuntimeSpec.disk`, required for this kind). */
  | { kind: 'disk' };

/** kvm = hardware virtualization (-cpu host); tcg = QEMU's emulator (-cpu max), slow but always there. */
export type Accel = 'kvm' | 'tcg';

/** Everything needed to run one VM, resolved by the caller (files exist, the tap exists). */
export interface VmRuntimeSpec {
  /** The VM's UUID (lowercase, RFC 4122 text form); passed as -uuid, so /proc/PID/cmdline identifies the VM. */
  id: string;
  /** Human name (QEMU -name, shown in `ps`); not an identity. */
  name: string;
  vcpus: number;
  memoryMib: number;
  /** "52:54:00:aa:bb:cc", lowercase: the NIC's address, which the DHCP reservation is keyed on. */
  mac: string;
  /** Name of an existing tap device (created and bridged by the caller); QEMU only opens it. */
  tap: string;
  /** Absolute path of the VM's qcow2 (created by the caller, possibly an overlay of a base image), or null for none. */
  disk: string | null;
  boot: BootSource;
  accel: Accel;
  /** Unprivileged user QEMU switches to once its files and devices are open (QEMU -runas). */
  runAs: string;
  /**
   * Absolute path of a folder the driver owns for this VM (created if missing): qemu.pid, qmp.sock,
   * console.sock, console.log (+ console.log.1). The same path must be given to reattach().
   */
  runDir: string;
}

/** What the driver sees of a VM's QEMU, independent of what the user asked for. */
export type ActualState = 'stopped' | 'starting' | 'running' | 'paused' | 'stopping' | 'crashed';

/** Why a state event was emitted: a closed set the inventory can switch on. */
export type StateReason =
  /** start() launched QEMU (state starting). */
  | 'start-requested'
  /** QEMU runs, its monitor answered, the guest CPUs run (state running). */
  | 'started'
  /** QEMU refused to start or its monitor never answered; nothing is left running (state stopped). */
  | 'start-failed'
  /** A driver found this VM's QEMU from a previous daemon and took it over (state running or paused). */
  | 'reattached'
  /** pause() stopped the guest CPUs (state paused). */
  | 'paused'
  /** QEMU stopped the CPUs itself, e.g. a disk I/O error; detail has QEMU's run state (state paused). */
  | 'paused-by-qemu'
  /** The guest CPUs run again after a pause (state running). */
  | 'resumed'
  /** reboot() reset the machine (state running). */
  | 'reset'
  /** The guest rebooted itself (state running). */
  | 'guest-reset'
  /** shutdown() pressed the ACPI power button (state stopping). */
  | 'powerdown-requested'
  /** forceStop() is ending QEMU (state stopping). */
  | 'stop-requested'
  /** The guest powered itself off, on request or not (state stopped). */
  | 'guest-shutdown'
  /** shutdown() timed out; QEMU was told to quit and did (state stopped). */
  | 'powerdown-timeout-forced'
  /** shutdown() timed out and QEMU did not quit either; it was SIGKILLed (state stopped). */
  | 'powerdown-timeout-killed'
  /** forceStop(): QEMU quit on request (state stopped). */
  | 'forced'
  /** forceStop(): QEMU did not quit in time and was SIGKILLed (state stopped). */
  | 'forced-killed'
  /** Someone sent QEMU SIGTERM/SIGINT/SIGHUP; it shut down cleanly (state stopped). */
  | 'host-signal'
  /** QEMU shut down for another reason it named in its SHUTDOWN event; detail says which (state stopped). */
  | 'qemu-shutdown'
  /** QEMU vanished without announcing a shutdown: killed from outside (kill -9, OOM) or crashed (state crashed). */
  | 'exited-unexpectedly';

/** What a driver reports. Tagged so more kinds can join without `'x' in v` tests. */
export type DriverEvent = {
  type: 'state';
  /** VmRuntimeSpec.id. */
  id: string;
  state: ActualState;
  reason: StateReason;
  /** One sentence for people (logs, the dashboard), e.g. "QEMU exited without a shutdown event (killed from outside?)". */
  detail: string;
};

/** A VM's serial console: the driver holds the one connection QEMU allows and fans it out. */
export interface Console {
  /** The last output (at most the driver's ring size, 64 KiB for QEMU), oldest first. */
  recent(): Buffer;
  /**
   * Live output from now on, in order. `onEnd` runs once when the console goes away (the VM
   * stopped or the driver closed). Returns the unsubscribe function.
   */
  subscribe(onData: (chunk: Buffer) => void, onEnd?: (reason: string) => void): () => void;
  /** Sends input to the guest; calls made back to back arrive in call order. Rejects once the console is gone. */
  write(data: Buffer): Promise<void>;
}

/**
 * Runs VMs on one host. Commands for an id the driver does not hold reject with VmNotRunningError;
 * QEMU's own refusals and monitor failures reject with VmCommandError. State events arrive
 * through onEvent, also for changes nobody asked for (guest shutdown, kill -9 from outside).
 */
export interface HypervisorDriver {
  /**
   * Launches the VM and resolves once QEMU runs, its monitor answered and the guest CPUs run.
   * Rejects with VmSpecError (bad spec), VmAlreadyRunningError, or VmStartError (QEMU's own
   * message); on rejection nothing of this start is left running.
   */
  start(spec: VmRuntimeSpec): Promise<void>;
  /**
   * After a daemon restart or kill -9: finds the VM's QEMU by the pidfile in spec.runDir, checks
   * /proc/PID/cmdline carries spec.id before trusting it, reconnects monitor and console.
   * 'absent' when no such QEMU runs (a stale pidfile, or a PID now used by another process, is
   * never signalled). Resolving to 'running' or 'paused' also emits a 'reattached' state event
   * ('paused' includes a QEMU still waiting at -S because the earlier daemon died mid-start:
   * resume() runs it). Rejects with VmStartError when that QEMU runs but its monitor or console
   * cannot be taken over; it is left running.
   */
  reattach(spec: VmRuntimeSpec): Promise<'running' | 'paused' | 'absent'>;
  /**
   * Graceful stop: ACPI power button, wait up to timeoutMs for QEMU to exit, then ask QEMU to
   * quit, then SIGKILL. Resolves once the process is gone; the 'stopped' event's reason says which
   * step ended it.
   */
  shutdown(id: string, timeoutMs: number): Promise<void>;
  /** Immediate stop (pulling the plug): QEMU quit, SIGKILL if it does not exit promptly. Resolves once gone. */
  forceStop(id: string): Promise<void>;
  /** Hard reset of the machine (like the reset button); the VM keeps running. */
  reboot(id: string): Promise<void>;
  /** Stops the guest CPUs; memory stays. */
  pause(id: string): Promise<void>;
  /** Runs the guest CPUs again. */
  resume(id: string): Promise<void>;
  /** The VM's serial console. Throws VmNotRunningError when the driver holds no such VM. */
  console(id: string): Console;
  /** The VM's QEMU process id, or null when the driver holds no such VM. */
  pid(id: string): number | null;
  /** The driver's current view of the VM, or null when it holds no such VM (never started here, or gone). */
  state(id: string): ActualState | null;
  /** Listens for state events; returns the function that stops listening. */
  onEvent(listener: (event: DriverEvent) => void): () => void;
  /**
   * Detaches from every VM WITHOUT stopping it (VMs survive the daemon; the next driver
   * reattaches). Commands after close reject.
   */
  close(): Promise<void>;
}

/** The spec cannot be run as given; every problem is listed as "field: reason". */
export class VmSpecError extends Error {
  override name = 'VmSpecError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid VM spec: ${problems.join('; ')}`);
  }
}

/** A command named a VM the driver holds no running QEMU for. */
export class VmNotRunningError extends Error {
  override name = 'VmNotRunningError';
  constructor(readonly id: string) {
    super(`VM ${id} is not running on this host`);
  }
}

/** start() for a VM the driver already runs. */
export class VmAlreadyRunningError extends Error {
  override name = 'VmAlreadyRunningError';
  constructor(readonly id: string) {
    super(`VM ${id} is already running`);
  }
}

/** QEMU did not come up; the message carries QEMU's own words (its stderr) where it gave any. */
export class VmStartError extends Error {
  override name = 'VmStartError';
  constructor(
    readonly id: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The VM runs, but a command to it failed (QEMU refused it, its monitor timed out or went away). */
export class VmCommandError extends Error {
  override name = 'VmCommandError';
  constructor(
    readonly id: string,
    readonly command: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`VM ${id}: ${command} failed: ${message}`, options);
  }
}
