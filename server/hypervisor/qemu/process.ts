// The QEMU process seen from outside. Under -daemonize QEMU is not our child (its front process
// exits once the VM is set up, and the daemon is reparented to init), so there is no wait(): its
// liveness comes from /proc/PID, and its exit status is not ours to read. Node 20 has no pidfd,
// so every signal is preceded by a check that /proc/PID/cmdline still carries the VM's UUID
// after -uuid (a PID can be reused by another process once QEMU is gone); what remains is the
// short race between that check and kill(2).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** The front process failed: exit status and QEMU's own words. */
export class QemuLaunchError extends Error {
  override name = 'QemuLaunchError';
}

/**
 * Runs `binary argv` and resolves when it exits 0, which under -daemonize means QEMU is set up
 * (files, devices and sockets open, privileges dropped) and runs on in the background. Rejects
 * with QEMU's stderr, trimmed, or the exit status when it printed nothing.
 */
export function launchDaemonized(binary: string, argv: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, argv, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, _stdout, stderr) => {
      if (err === null) return resolve();
      const spawnCode = (err as NodeJS.ErrnoException).code;
      if (typeof spawnCode === 'string') return reject(new QemuLaunchError(`cannot run ${binary}: ${err.message}`));
      const words = String(stderr).trim();
      const status = err.killed
        ? `killed after ${timeoutMs} ms`
        : err.signal
          ? `signal ${err.signal}`
          : `exit code ${err.code}`;
      reject(new QemuLaunchError(words === '' ? `${binary} failed (${status})` : `${words} (${status})`));
    });
  });
}

/** The PID in a QEMU pidfile, or null when there is no readable one. */
export async function readPidfile(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

/** The process's argv, or null when there is no such process (or it is a zombie: empty cmdline). */
export function cmdlineOf(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return null;
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return null;
  }
}

/** True when PID is alive and was started with `-uuid <uuid>`: the VM's QEMU and nothing else. */
export function isQemuOf(pid: number, uuid: string): boolean {
  const argv = cmdlineOf(pid);
  if (argv === null) return false;
  const at = argv.indexOf('-uuid');
  return at !== -1 && argv[at + 1] === uuid && processState(pid) === 'alive';
}

/** 'gone' covers zombies (Z) and dying tasks (X): they run nothing any more. */
export function processState(pid: number): 'alive' | 'gone' {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "PID (comm) S ...": comm may hold spaces and parentheses, so read after the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X' ? 'gone' : 'alive';
  } catch {
    return 'gone';
  }
}

/**
 * Sends `signal` only if PID is still the VM's QEMU. Returns false (nothing sent) when it is
 * not, or when it vanished in between.
 */
export function signalVm(pid: number, uuid: string, signal: NodeJS.Signals): boolean {
  if (!isQemuOf(pid, uuid)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches a VM's QEMU for its end: polls /proc every `intervalMs`, and faster for a while after
 * poke() (the QMP socket closed: QEMU is probably exiting). `gone` resolves once, when the PID is
 * gone or belongs to another process.
 */
export class ExitWatch {
  readonly gone: Promise<void>;
  private markGone!: () => void;
  private timer: NodeJS.Timeout | null = null;
  private fastUntil = 0;
  private ended = false;

  constructor(
    private readonly pid: number,
    private readonly uuid: string,
    private readonly intervalMs: number,
  ) {
    this.gone = new Promise((resolve) => (this.markGone = resolve));
    this.schedule(intervalMs);
  }

  /** Checks at once, then every 20 ms for `forMs`. */
  poke(forMs = 3000): void {
    if (this.ended) return;
    this.fastUntil = Date.now() + forMs;
    this.schedule(0);
  }

  /** Stops watching without resolving `gone` (the driver detaches, QEMU runs on). */
  stop(): void {
    this.ended = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), ms);
  }

  private check(): void {
    if (this.ended) return;
    if (!isQemuOf(this.pid, this.uuid)) {
      this.ended = true;
      this.markGone();
      return;
    }
    this.schedule(Date.now() < this.fastUntil ? 20 : this.intervalMs);
  }
}
