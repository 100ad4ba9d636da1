// A real DHCP client program run in a lab client namespace, with all its state (pid file, lease
// file, hook script, event log) in a temporary folder of its own. Subclasses say how to start,
// release and stop one program (udhcpc, dhclient, dhcpcd); this class runs it, waits on its hook
// events with a deadline, and makes sure no process of it is left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab, LabClient } from '../../../scripts/lab/lab.ts';
import { ip } from '../../../scripts/lab/command.ts';
import { readHookEvents, writeHookScript, type ClientEvent } from './clients-hook.ts';

export interface ClientStart {
  /** Ask for this address (udhcpc -r, dhclient's requested-address, dhcpcd -r). */
  requestAddress?: string;
  /** Ask for this lease time in seconds (option 51); the server's default when absent. */
  leaseSeconds?: number;
  /** udhcpc only: release on exit (-R). */
  releaseOnExit?: boolean;
  /** More of the client's own settings: udhcpc arguments (-O mtu, -V ...), dhclient.conf lines. */
  extra?: string[];
}

const EXIT_WAIT_MS = 5_000;
const POLL_MS = 100;

export abstract class RealClient {
  abstract readonly program: string;
  /** Private folder: hook script, event log, pid and lease files. Kept across restarts. */
  readonly dir: string;
  readonly scriptFile: string;
  readonly eventsFile: string;
  /** stdout and stderr of every run, for failure messages. */
  output = '';
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    protected readonly lab: Lab,
    readonly host: LabClient,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'homeplane-client-'));
    this.scriptFile = join(this.dir, 'hook.sh');
    this.eventsFile = join(this.dir, 'events');
    writeHookScript(this.scriptFile, this.eventsFile);
  }

  /** The command and arguments that run the client in the foreground. */
  protected abstract command(opts: ClientStart): [string, string[]];

  /** Ends the running client so that it sends a DHCPRELEASE (RFC 2131 4.4.6). */
  abstract release(): Promise<void>;

  /** Starts the client (in the foreground, so the lab owns its process). */
  start(opts: ClientStart = {}): void {
    if (this.running) throw new Error(`${this.program} is already running`);
    const [command, args] = this.command(opts);
    const child = this.lab.spawn(this.host.namespace, command, args);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the client without a release (SIGTERM), as at a shutdown; its lease stays on disk. */
  async stop(): Promise<void> {
    await this.signalAndWait('SIGTERM');
  }

  events(): ClientEvent[] {
    return readHookEvents(this.eventsFile);
  }

  /** The first event after index `from` whose reason is one of `reasons`; fails after `timeoutMs`. */
  async waitForEvent(reasons: readonly string[], timeoutMs: number, from = 0): Promise<ClientEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events()
        .slice(from)
        .find((e) => reasons.includes(e.reason));
      if (found) return found;
      if (Date.now() > deadline) {
        const seen =
          this.events()
            .map((e) => e.reason)
            .join(', ') || 'none';
        throw new Error(
          `${this.program}: no ${reasons.join('/')} event within ${timeoutMs} ms ` +
            `(events: ${seen})\n${this.output}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** Waits for the foreground process to end; fails if it is still there after `timeoutMs`. */
  protected async waitForExit(timeoutMs = EXIT_WAIT_MS): Promise<void> {
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.program} still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  protected async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    await this.waitForExit();
  }

  /** Runs a one-shot command of the client program in the client namespace (dhclient -r, dhcpcd -k). */
  protected async runOnce(command: string, args: string[]): Promise<void> {
    const result = await this.lab.exec(this.host.namespace, command, args, { timeoutMs: 10_000 });
    this.output += result.stdout + result.stderr;
    if (result.code !== 0) {
      throw new Error(`${command} ${args.join(' ')} exited with ${result.code}:\n${result.stdout}${result.stderr}`);
    }
  }

  /**
   * Stops the client if it still runs (SIGTERM, then SIGKILL), removes its folder, and checks that
   * its namespace holds no process any more (dhcpcd's privilege-separated helpers, a dhclient that
   * forked away); leftovers are killed and reported.
   */
  async dispose(): Promise<void> {
    if (this.running) {
      this.child!.kill('SIGTERM');
      await this.waitForExit().catch(async () => {
        this.child!.kill('SIGKILL');
        await this.exited;
      });
    }
    try {
      await this.waitForEmptyNamespace();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async waitForEmptyNamespace(): Promise<void> {
    const deadline = Date.now() + EXIT_WAIT_MS;
    for (;;) {
      const pids = (await ip(['netns', 'pids', this.host.namespace])).split('\n').filter(Boolean).map(Number);
      if (pids.length === 0) return;
      if (Date.now() > deadline) {
        for (const pid of pids) killQuietly(pid);
        throw new Error(`${this.program}: processes left in ${this.host.namespace} (killed): ${pids.join(' ')}`);
      }
      await sleep(POLL_MS);
    }
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone in the meantime
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
