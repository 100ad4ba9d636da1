// Runs the real daemon (`bin/homeplane.mjs serve`) inside a lab's server namespace, with a
// config written for that lab, and reads its JSON log lines. For integration tests and benchmarks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { stringify } from 'yaml';
import Database from 'better-sqlite3';
import type { Lab } from './lab.ts';

const BIN = fileURLToPath(new URL('../../bin/homeplane.mjs', import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A config for the lab's first subnet (10.123.0.0/24 by default), served on its bridge. */
export function labConfig(
  lab: Lab,
  dataDir: string,
  dhcp: Record<string, unknown> = {},
  subnet: Record<string, unknown> = {},
): Record<string, unknown> {
  const s = lab.subnets[0]!;
  const server = s.serverAddress!;
  const base = server.split('.').slice(0, 3).join('.');
  return {
    dataDir,
    log: { level: 'debug' },
    // No KVM probe at each start (a few seconds where /dev/kvm exists but hangs): tests run TCG.
    hypervisor: { accel: 'tcg' },
    dhcp: {
      interfaces: [s.serverInterface],
      leaseTime: 3600,
      subnets: [
        {
          subnet: `${base}.0/24`,
          pools: [`${base}.100-${base}.199`],
          routers: [server],
          dnsServers: [server],
          domainName: 'lab.home',
          ...subnet,
        },
      ],
      ...dhcp,
    },
  };
}

export class LabDaemon {
  readonly logs: LogLine[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  stderr = '';

  private constructor(
    private readonly lab: Lab,
    readonly configFile: string,
    readonly dataDir: string,
    private readonly ownsDir: string | null,
  ) {}

  /** Writes the config (a function of the data dir) and starts the daemon; resolves once DHCP serves. */
  static async start(
    lab: Lab,
    config: (dataDir: string) => Record<string, unknown>,
    opts: { dir?: string } = {},
  ): Promise<LabDaemon> {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'homeplane-lab-'));
    const file = join(dir, 'homeplane.yaml');
    writeFileSync(file, stringify(config(join(dir, 'data'))));
    const daemon = new LabDaemon(lab, file, join(dir, 'data'), opts.dir ? null : dir);
    await daemon.launch();
    return daemon;
  }

  /** Starts (again) with the same config and data; resolves with this lifetime's "dhcp serving" line. */
  async launch(): Promise<LogLine> {
    const child = this.lab.spawn(this.lab.serverNamespace, process.execPath, [
      BIN,
      'serve',
      '--config',
      this.configFile,
    ]);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        this.take(line);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // A line of an earlier lifetime does not count.
    const started = this.waitFor((l) => l.msg === 'dhcp serving', 20_000, this.logs.length);
    const failed = this.exited.then((code) => {
      throw new Error(
        `daemon exited with ${code} before serving:\n${this.stderr}\n${this.logs.map((l) => JSON.stringify(l)).join('\n')}`,
      );
    });
    return Promise.race([started, failed]);
  }

  private take(line: string): void {
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      return;
    }
    this.logs.push(parsed);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(parsed)) return true;
      w.resolve(parsed);
      return false;
    });
  }

  /** Resolves with the first log line at index `from` or later (already seen or future) that matches. */
  waitFor(match: (l: LogLine) => boolean, timeoutMs = 10_000, from = 0): Promise<LogLine> {
    for (let i = from; i < this.logs.length; i++) if (match(this.logs[i]!)) return Promise.resolve(this.logs[i]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching daemon log line within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }

  /** SIGTERM and wait; returns the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGKILL (kill -9) and wait. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * Lease events in the daemon's event log, read from its database (read-only, beside the daemon:
   * WAL) once every lease change it has acknowledged is there: it ACKs once a change is in its
   * lease journal, and SQLite takes it within milliseconds, so this waits until its counters say
   * the journal holds nothing SQLite lacks.
   */
  async leaseEventCount(): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const store = (await this.stats()).store as { journaled?: number } | undefined;
      if (store?.journaled === 0) break;
      if (Date.now() > deadline) throw new Error(`the lease journal still held batches: ${JSON.stringify(store)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const db = new Database(join(this.dataDir, 'homeplane.db'), { readonly: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM events WHERE object_type = 'lease'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  /** Asks for a counters line (SIGUSR1) and returns it. */
  async stats(): Promise<LogLine> {
    const before = this.logs.length;
    this.child?.kill('SIGUSR1');
    return this.waitFor((l) => l.msg === 'dhcp stats', 10_000, before);
  }

  async dispose(): Promise<void> {
    await this.kill();
    if (this.ownsDir) rmSync(this.ownsDir, { recursive: true, force: true });
  }
}
