// What driver tests with a real QEMU need: a temporary folder, real taps (one per VM: a tap is
// busy while a QEMU holds it; QEMU only opens it),
// a blank qcow2, VM specs with fresh UUIDs, and cleanup of every QEMU they started on every exit
// path (the test's end, an exception, Ctrl-C), found by pidfile and checked by UUID.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverEvent, VmRuntimeSpec } from '../../hypervisor-port.ts';
import { isQemuOf } from '../process.ts';
import { runFiles } from '../run-dir.ts';
import { newLabId } from '../../../../scripts/lab/names.ts';
import { onProcessEnd } from '../../../../scripts/lab/exit-cleanup.ts';

export class QemuLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'homeplane-qemu-'));
  private readonly labId = newLabId();
  private readonly taps: string[] = [];
  readonly blankDisk = join(this.dir, 'blank.qcow2');
  private readonly specs: VmRuntimeSpec[] = [];
  private readonly unregister: () => void;

  constructor() {
    this.unregister = onProcessEnd(() => this.cleanup());
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', this.blankDisk, '64M']);
  }

  /** A VM spec with a new UUID, its own tap and run folder; the blank disk and SeaBIOS unless overridden. */
  spec(name: string, overrides: Partial<VmRuntimeSpec> = {}): VmRuntimeSpec {
    const id = randomUUID();
    const tap = `${this.labId}t${this.taps.length}`;
    execFileSync('ip', ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    this.taps.push(tap);
    const spec: VmRuntimeSpec = {
      id,
      name,
      vcpus: 1,
      memoryMib: 128,
      mac: `52:54:00:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`,
      tap,
      disk: this.blankDisk,
      boot: { kind: 'disk' },
      accel: 'tcg',
      runAs: 'nobody',
      runDir: join(this.dir, name),
      ...overrides,
    };
    this.specs.push(spec);
    return spec;
  }

  /** SIGKILLs every QEMU of this lab's specs still running, deletes the tap and the folder. Synchronous. */
  cleanup(): void {
    for (const spec of this.specs) {
      const pid = pidOf(spec);
      if (pid !== null && isQemuOf(pid, spec.id)) process.kill(pid, 'SIGKILL');
    }
    for (const tap of this.taps) {
      try {
        execFileSync('ip', ['tuntap', 'del', 'dev', tap, 'mode', 'tap'], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.unregister();
  }
}

export function pidOf(spec: VmRuntimeSpec): number | null {
  try {
    return Number(readFileSync(runFiles(spec.runDir).pidfile, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** Collects a driver's events and waits for one that matches. */
export class EventLog {
  readonly events: DriverEvent[] = [];
  private waiters: { match: (e: DriverEvent) => boolean; resolve: (e: DriverEvent) => void }[] = [];

  readonly listener = (event: DriverEvent): void => {
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(event)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(event);
      }
    }
  };

  /** Where the log is now: pass it to next() to also match events that arrive while a command is awaited. */
  mark(): number {
    return this.events.length;
  }

  /** The first matching event logged at or after `from` (default: from now on). */
  next(match: (e: DriverEvent) => boolean, timeoutMs: number, from = this.events.length): Promise<DriverEvent> {
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching driver event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      const done = (e: DriverEvent): void => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** [state, reason] of the events about `id`, in order. */
  of(id: string): [string, string][] {
    return this.events.filter((e) => e.id === id).map((e) => [e.state, e.reason]);
  }
}
