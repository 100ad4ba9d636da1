// HypervisorDriver on this host with QEMU, as Incus does it: qemu-system daemonized with a
// pidfile, QMP and serial console on unix sockets, -runas + -sandbox on, reboot/shutdown
// behaviour set with set-action, VMs outliving the daemon and reattached by pidfile + UUID.
//
// Start: spec checks -> tap exists -> run folder (stale pidfile/sockets removed, log rotated) ->
// qemu -S -daemonize (its stderr is the error) -> pidfile, UUID check -> QMP -> set-action ->
// console -> cont. -S keeps the guest from running one instruction before the actions are set
// and the console is attached, so no early reboot or output slips by. A failure at any step
// undoes the steps before it (Incus's revert) and leaves nothing running.
import { existsSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import {
  VmAlreadyRunningError,
  VmNotRunningError,
  VmSpecError,
  VmStartError,
  type ActualState,
  type Console,
  type DriverEvent,
  type HypervisorDriver,
  type VmRuntimeSpec,
} from '../hypervisor-port.ts';
import { qemuArgs, specProblems } from './args.ts';
import { SerialConsole, rotateConsoleLog, type ConsoleOptions } from './console.ts';
import { isQemuOf, launchDaemonized, readPidfile, signalVm } from './process.ts';
import { runFiles, type RunFiles } from './run-dir.ts';
import { cont, queryStatus, setAction } from './qmp/commands.ts';
import { QmpMonitor } from './qmp/monitor.ts';
import { VmSession } from './vm-session.ts';

export interface QemuDriverOptions {
  /** Default "qemu-system-x86_64" (found on PATH). */
  binary?: string;
  /** /proc poll period per VM. Default 500 ms (a QMP hang-up is noticed within ~20 ms anyway). */
  pollIntervalMs?: number;
  /** How long `qemu -daemonize` may take to come up. Default 30 s. */
  launchTimeoutMs?: number;
  /** QMP command timeout. Default 10 s. */
  commandTimeoutMs?: number;
  /** After `quit`, before SIGKILL. Default 3 s. */
  quitGraceMs?: number;
  /** After SIGKILL, before the stop is reported failed. Default 5 s. */
  killGraceMs?: number;
  /** Recent console output kept per VM. Default 64 KiB. */
  consoleRingBytes?: number;
  /** console.log is rotated past this size. Default 1 MiB. */
  consoleLogMaxBytes?: number;
  /** Problems that do not fail a command (pino-compatible). Default: silent. */
  logger?: { warn(obj: object, msg: string): void };
}

/** One VM in the registry: being started (no process to talk to yet), or live. */
type Entry = { kind: 'starting' } | { kind: 'live'; session: VmSession };

/** What reboot and shutdown do: a reboot resets (no -no-reboot), a guest power-off ends QEMU. */
const ACTIONS = { reboot: 'reset', shutdown: 'poweroff' } as const;

export class QemuDriver implements HypervisorDriver {
  private readonly vms = new Map<string, Entry>();
  private readonly listeners = new Set<(event: DriverEvent) => void>();
  private closed = false;
  private readonly binary: string;
  private readonly pollIntervalMs: number;
  private readonly launchTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly quitGraceMs: number;
  private readonly killGraceMs: number;
  private readonly consoleOptions: ConsoleOptions;

  constructor(private readonly options: QemuDriverOptions = {}) {
    this.binary = options.binary ?? 'qemu-system-x86_64';
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
    this.quitGraceMs = options.quitGraceMs ?? 3000;
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.consoleOptions = {
      ringBytes: options.consoleRingBytes ?? 64 * 1024,
      maxLogBytes: options.consoleLogMaxBytes ?? 1024 * 1024,
      connectTimeoutMs: 5000,
      warn: (message, err) => this.warn(message, err),
    };
  }

  async start(spec: VmRuntimeSpec): Promise<void> {
    this.assertOpen();
    const problems = specProblems(spec);
    if (problems.length > 0) throw new VmSpecError(problems);
    if (this.vms.has(spec.id)) throw new VmAlreadyRunningError(spec.id);
    // A QEMU of this VM left by an earlier daemon: reattach it, never run a second one.
    const earlier = await readPidfile(runFiles(spec.runDir).pidfile);
    if (earlier !== null && isQemuOf(earlier, spec.id)) throw new VmAlreadyRunningError(spec.id);
    if (this.vms.has(spec.id)) throw new VmAlreadyRunningError(spec.id); // a start that raced the read
    this.vms.set(spec.id, { kind: 'starting' });
    this.emit({ type: 'state', id: spec.id, state: 'starting', reason: 'start-requested', detail: 'launching QEMU' });
    const undo: (() => unknown)[] = [];
    try {
      const session = await this.launch(spec, undo);
      this.vms.set(spec.id, { kind: 'live', session });
      session.report('running', 'started', `QEMU pid ${session.pid} running`);
    } catch (err) {
      for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => undefined);
      this.vms.delete(spec.id);
      const failure = err instanceof VmStartError ? err : startError(spec.id, err);
      this.emit({ type: 'state', id: spec.id, state: 'stopped', reason: 'start-failed', detail: failure.message });
      throw failure;
    }
  }

  async reattach(spec: VmRuntimeSpec): Promise<'running' | 'paused' | 'absent'> {
    this.assertOpen();
    const problems = specProblems(spec);
    if (problems.length > 0) throw new VmSpecError(problems);
    const entry = this.vms.get(spec.id);
    if (entry?.kind === 'starting') throw new VmAlreadyRunningError(spec.id);
    if (entry?.kind === 'live') return entry.session.state === 'paused' ? 'paused' : 'running';
    const files = runFiles(spec.runDir);
    const pid = await readPidfile(files.pidfile);
    // A stale pidfile, or one whose PID now belongs to another process: never trusted, never signalled.
    if (pid === null || !isQemuOf(pid, spec.id)) return 'absent';
    this.vms.set(spec.id, { kind: 'starting' });
    const undo: (() => unknown)[] = [];
    try {
      const monitor = await this.connectMonitor(files);
      undo.push(() => monitor.close());
      // Set again: harmless if the earlier daemon did, and it may have died between -S and set-action.
      await setAction(monitor, ACTIONS);
      // "prelaunch": the earlier daemon died between launch and cont; paused until resume() runs it.
      const status = await queryStatus(monitor);
      const console = await SerialConsole.open(spec.id, files, this.consoleOptions, true);
      const state: ActualState = status.running ? 'running' : 'paused';
      const session = this.session(spec, pid, monitor, console, state);
      this.vms.set(spec.id, { kind: 'live', session });
      session.report(state, 'reattached', `QEMU pid ${pid} found ${status.status}`);
      return state === 'paused' ? 'paused' : 'running';
    } catch (err) {
      for (const step of undo.reverse()) step();
      this.vms.delete(spec.id);
      throw new VmStartError(spec.id, `reattaching to QEMU pid ${pid}: ${(err as Error).message}`, { cause: err });
    }
  }

  async shutdown(id: string, timeoutMs: number): Promise<void> {
    return this.live(id).shutdown(timeoutMs);
  }

  async forceStop(id: string): Promise<void> {
    return this.live(id).forceStop();
  }

  async reboot(id: string): Promise<void> {
    return this.live(id).reboot();
  }

  async pause(id: string): Promise<void> {
    return this.live(id).pause();
  }

  async resume(id: string): Promise<void> {
    return this.live(id).resume();
  }

  console(id: string): Console {
    const session = this.live(id);
    return session.console;
  }

  pid(id: string): number | null {
    const entry = this.vms.get(id);
    return entry?.kind === 'live' ? entry.session.pid : null;
  }

  state(id: string): ActualState | null {
    const entry = this.vms.get(id);
    if (entry === undefined) return null;
    return entry.kind === 'live' ? entry.session.state : 'starting';
  }

  onEvent(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Detaches from every VM; QEMU processes run on for the next driver to reattach. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.vms.values()) {
      if (entry.kind === 'live') entry.session.detach('the driver closed');
    }
    this.vms.clear();
    this.listeners.clear();
  }

  private async launch(spec: VmRuntimeSpec, undo: (() => unknown)[]): Promise<VmSession> {
    const files = runFiles(spec.runDir);
    await this.prepareRunDir(spec, files);
    // QEMU given `ifname=` of a missing tap creates a fresh one, on no bridge: refuse instead.
    if (!existsSync(`/sys/class/net/${spec.tap}`)) {
      throw new VmStartError(
        spec.id,
        `tap device ${spec.tap} does not exist: create it (and bridge it) before starting`,
      );
    }
    try {
      await launchDaemonized(this.binary, qemuArgs(spec, { startPaused: true }), this.launchTimeoutMs);
    } catch (err) {
      throw new VmStartError(spec.id, `QEMU did not start: ${(err as Error).message}`, { cause: err });
    }
    const pid = await readPidfile(files.pidfile);
    if (pid === null || !isQemuOf(pid, spec.id)) {
      throw new VmStartError(spec.id, `QEMU reported success but ${files.pidfile} names no QEMU of this VM`);
    }
    undo.push(() => this.removeLeftovers(files));
    undo.push(() => signalVm(pid, spec.id, 'SIGKILL'));
    const monitor = await this.connectMonitor(files);
    undo.push(() => monitor.close());
    await setAction(monitor, ACTIONS);
    const console = await SerialConsole.open(spec.id, files, this.consoleOptions, false);
    undo.push(() => console.close('the start failed'));
    const session = this.session(spec, pid, monitor, console, 'starting');
    undo.push(() => session.detach('the start failed'));
    await cont(monitor);
    return session;
  }

  /**
   * The folder exists (0700 is enough: QEMU opens everything in it while still root); stale
   * pidfile and sockets go; the last log rotates.
   */
  private async prepareRunDir(spec: VmRuntimeSpec, files: RunFiles): Promise<void> {
    await mkdir(spec.runDir, { recursive: true, mode: 0o700 });
    await this.removeLeftovers(files);
    await rotateConsoleLog(files);
  }

  private async removeLeftovers(files: RunFiles): Promise<void> {
    for (const path of [files.pidfile, files.qmpSocket, files.consoleSocket]) {
      await unlink(path).catch(() => undefined);
    }
  }

  private connectMonitor(files: RunFiles): Promise<QmpMonitor> {
    return QmpMonitor.connect(files.qmpSocket, { connectTimeoutMs: 5000, commandTimeoutMs: this.commandTimeoutMs });
  }

  private session(
    spec: VmRuntimeSpec,
    pid: number,
    monitor: QmpMonitor,
    console: SerialConsole,
    state: ActualState,
  ): VmSession {
    const files = runFiles(spec.runDir);
    return new VmSession(spec, pid, monitor, console, state, {
      pollIntervalMs: this.pollIntervalMs,
      quitGraceMs: this.quitGraceMs,
      killGraceMs: this.killGraceMs,
      reconnectMonitor: () => this.connectMonitor(files),
      emit: (event) => this.emit(event),
      onEnded: () => {
        const entry = this.vms.get(spec.id);
        if (entry?.kind === 'live' && entry.session.pid === pid) this.vms.delete(spec.id);
      },
      warn: (message, err) => this.warn(message, err),
    });
  }

  private live(id: string): VmSession {
    this.assertOpen();
    const entry = this.vms.get(id);
    if (entry?.kind !== 'live') throw new VmNotRunningError(id);
    return entry.session;
  }

  private emit(event: DriverEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.warn('a driver event listener threw', err);
      }
    }
  }

  private warn(message: string, err: unknown): void {
    this.options.logger?.warn({ err }, message);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the QEMU driver is closed');
  }
}

function startError(id: string, err: unknown): VmStartError {
  return new VmStartError(id, `QEMU did not come up: ${(err as Error).message}`, { cause: err });
}
