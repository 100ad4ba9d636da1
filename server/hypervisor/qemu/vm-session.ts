// One running VM as the driver holds it: its QEMU process, monitor and console. The session turns
// QMP events and the process's end into state events, runs the stop escalation, and at the end
// says why QEMU went away (exit-reason.ts).
import { unlink } from 'node:fs/promises';
import {
  VmCommandError,
  type ActualState,
  type DriverEvent,
  type StateReason,
  type VmRuntimeSpec,
} from '../hypervisor-port.ts';
import type { SerialConsole } from './console.ts';
import { classifyExit, type ShutdownSeen, type StopIntent } from './exit-reason.ts';
import { ExitWatch, readPidfile, signalVm } from './process.ts';
import { runFiles } from './run-dir.ts';
import { cont, queryStatus, quit, stop, systemPowerdown, systemReset } from './qmp/commands.ts';
import type { QmpMonitor } from './qmp/monitor.ts';
import { vmEvent, type VmEvent } from './qmp/events.ts';

export interface SessionOptions {
  /** /proc poll period while nothing happens. */
  pollIntervalMs: number;
  /** After `quit`, how long QEMU gets to exit before SIGKILL. */
  quitGraceMs: number;
  /** After SIGKILL, how long until the stop is reported as failed. */
  killGraceMs: number;
  /** A new monitor connection, for when the socket closed but QEMU lives on. */
  reconnectMonitor: () => Promise<QmpMonitor>;
  /** State events go here (the driver fans them out). */
  emit: (event: DriverEvent) => void;
  /** Runs once after the final state event (the driver forgets the VM). */
  onEnded: () => void;
  warn: (message: string, err: unknown) => void;
}

/** SeaBIOS resets the machine again right after a reset; one state event per burst is enough. */
const RESET_BURST_MICROS = 2_000_000;
const MONITOR_RETRY_MS = 5000;

export class VmSession {
  private current: ActualState;
  private monitor: QmpMonitor | null = null;
  private readonly watch: ExitWatch;
  private intent: StopIntent = { step: 'none' };
  private lastShutdown: ShutdownSeen | null = null;
  private pauseRequested = false;
  private lastResetMicros = -Infinity;
  /** Bumped on every state change, so a late async decision cannot overwrite a newer state. */
  private transitions = 0;
  private forcing: Promise<void> | null = null;
  private detached = false;
  private endedFlag = false;
  private markEnded!: () => void;
  /** Resolves after the final state event. */
  readonly ended: Promise<void>;

  constructor(
    readonly spec: VmRuntimeSpec,
    readonly pid: number,
    monitor: QmpMonitor,
    readonly console: SerialConsole,
    initial: ActualState,
    private readonly options: SessionOptions,
  ) {
    this.current = initial;
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.watch = new ExitWatch(pid, spec.id, options.pollIntervalMs);
    void this.watch.gone
      .then(() => this.onExit())
      .catch((err) => options.warn(`VM ${spec.id}: handling the exit failed`, err));
    this.attachMonitor(monitor);
  }

  get state(): ActualState {
    return this.current;
  }

  /** Sets the state and reports it (the driver calls this for 'started' and 'reattached'). */
  report(state: ActualState, reason: StateReason, detail: string): void {
    if (this.detached || this.endedFlag) return;
    this.current = state;
    this.transitions++;
    this.options.emit({ type: 'state', id: this.spec.id, state, reason, detail });
  }

  async pause(): Promise<void> {
    this.pauseRequested = true;
    try {
      await this.command('stop', stop);
    } catch (err) {
      this.pauseRequested = false;
      throw err;
    }
  }

  resume(): Promise<void> {
    return this.command('cont', cont);
  }

  reboot(): Promise<void> {
    return this.command('system_reset', systemReset);
  }

  /** ACPI power button, then (after timeoutMs) quit, then SIGKILL. Resolves once QEMU is gone. */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.intent.step === 'none') {
      this.intent = { step: 'powerdown' };
      this.report('stopping', 'powerdown-requested', `ACPI power button pressed; forced after ${timeoutMs} ms`);
      try {
        await this.command('system_powerdown', systemPowerdown);
      } catch (err) {
        this.options.warn(`VM ${this.spec.id}: system_powerdown failed, forcing the stop`, err);
        return this.force('timeout');
      }
    }
    if (await this.endsWithin(timeoutMs)) return;
    return this.force('timeout');
  }

  /** quit, then SIGKILL if QEMU does not exit within quitGraceMs. */
  forceStop(): Promise<void> {
    if (this.current !== 'stopping') this.report('stopping', 'stop-requested', 'stopping QEMU at once');
    return this.force('force');
  }

  /** Lets go of the VM without stopping it: no more events; QEMU runs on. */
  detach(reason: string): void {
    this.detached = true;
    this.watch.stop();
    this.monitor?.close();
    this.console.close(reason);
  }

  private force(via: 'timeout' | 'force'): Promise<void> {
    this.forcing ??= this.escalate(via);
    return this.forcing;
  }

  private async escalate(via: 'timeout' | 'force'): Promise<void> {
    this.intent = { step: 'quit', via };
    if (this.monitor !== null) await quit(this.monitor, this.options.quitGraceMs).catch(() => undefined);
    if (await this.endsWithin(this.options.quitGraceMs)) return;
    this.intent = { step: 'kill', via };
    signalVm(this.pid, this.spec.id, 'SIGKILL');
    this.watch.poke();
    if (await this.endsWithin(this.options.killGraceMs)) return;
    throw new VmCommandError(
      this.spec.id,
      'SIGKILL',
      `QEMU (pid ${this.pid}) still runs ${this.options.killGraceMs} ms after SIGKILL`,
    );
  }

  private async endsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const ended = this.ended.then(() => true);
    try {
      return await Promise.race([ended, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async command(name: string, run: (monitor: QmpMonitor) => Promise<unknown>): Promise<void> {
    const monitor = this.monitor;
    if (monitor === null)
      throw new VmCommandError(this.spec.id, name, 'the QEMU monitor is not connected (QEMU exiting?)');
    try {
      await run(monitor);
    } catch (err) {
      throw new VmCommandError(this.spec.id, name, (err as Error).message, { cause: err });
    }
  }

  private attachMonitor(monitor: QmpMonitor): void {
    this.monitor = monitor;
    monitor.onEvent((e) => this.onQmpEvent(vmEvent(e), e.timestampMicros));
    void monitor.closed.then(() => this.onMonitorClosed(monitor));
  }

  private onQmpEvent(event: VmEvent, micros: number): void {
    switch (event.kind) {
      case 'shutdown':
        this.lastShutdown = { guest: event.guest, reason: event.reason };
        return;
      case 'reset':
        if (micros - this.lastResetMicros < RESET_BURST_MICROS) return;
        this.lastResetMicros = micros;
        if (this.current === 'running' || this.current === 'paused') {
          const guest = event.guest;
          this.report(this.current, guest ? 'guest-reset' : 'reset', guest ? 'the guest rebooted' : 'machine reset');
        }
        return;
      case 'stop':
        return this.onStop();
      case 'resume':
        // Under -S the first RESUME belongs to the start; the driver reports 'started' itself.
        if (this.current === 'paused') {
          this.pauseRequested = false;
          this.report('running', 'resumed', 'guest CPUs running again');
        }
        return;
      case 'powerdown':
      case 'other':
        return;
    }
  }

  private onStop(): void {
    if (this.current !== 'running' || this.intent.step !== 'none' || this.lastShutdown !== null) return;
    if (this.pauseRequested) return this.report('paused', 'paused', 'guest CPUs stopped on request');
    // Not asked for: QEMU stopped the CPUs itself (a disk I/O error under werror=stop, ...).
    this.current = 'paused';
    const at = ++this.transitions;
    const monitor = this.monitor;
    const status = monitor === null ? Promise.resolve('unknown') : queryStatus(monitor).then((s) => s.status as string);
    void status
      .catch(() => 'unknown')
      .then((runState) => {
        if (this.transitions === at)
          this.report('paused', 'paused-by-qemu', `QEMU stopped the guest CPUs (run state ${runState})`);
      });
  }

  private onMonitorClosed(monitor: QmpMonitor): void {
    if (this.monitor === monitor) this.monitor = null;
    if (this.detached || this.endedFlag) return;
    this.watch.poke(); // most often QEMU is exiting: notice it within ~20 ms, not one poll period
    setTimeout(() => this.reconnect(), 3000).unref(); // after the fast poll window: still alive?
  }

  /** The socket closed but QEMU did not exit: take the monitor again (QEMU accepts a new client). */
  private reconnect(): void {
    if (this.detached || this.endedFlag || this.monitor !== null) return;
    this.options
      .reconnectMonitor()
      .then((monitor) => {
        if (this.detached || this.endedFlag) return monitor.close();
        this.attachMonitor(monitor);
      })
      .catch((err) => {
        this.options.warn(`VM ${this.spec.id}: QMP monitor lost and not regained; retrying`, err);
        setTimeout(() => this.reconnect(), MONITOR_RETRY_MS).unref();
      });
  }

  private async onExit(): Promise<void> {
    if (this.detached) return;
    const { state, reason, detail } = classifyExit(this.intent, this.lastShutdown);
    await this.removeLeftovers();
    this.monitor?.close();
    this.console.close('the VM stopped');
    this.report(state, reason, detail);
    this.endedFlag = true;
    this.markEnded();
    this.options.onEnded();
  }

  /** With -runas, QEMU cannot unlink its pidfile and sockets at exit; the driver does. */
  private async removeLeftovers(): Promise<void> {
    const files = runFiles(this.spec.runDir);
    if ((await readPidfile(files.pidfile)) === this.pid) await unlink(files.pidfile).catch(() => undefined);
    await unlink(files.qmpSocket).catch(() => undefined);
    await unlink(files.consoleSocket).catch(() => undefined);
  }
}
