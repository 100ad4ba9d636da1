// A raw DHCP peer for conformance tests: a process inside a lab namespace that sends the bytes
// a test gives it and reports every datagram it receives (probe-child.ts). `next(ms)` returning
// null is how a test asserts that the server stayed silent.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LabError } from './command.ts';
import type { Lab } from './lab.ts';

export interface ProbeOptions {
  namespace: string;
  /** Device to bind (SO_BINDTODEVICE); absent: a plain socket, for unicast-only roles. */
  iface?: string;
  /** Local port: 68 for a client, 67 for a relay agent at giaddr. */
  port: number;
  /** Local address to bind; default 0.0.0.0. A relay probe binds its giaddr. */
  address?: string;
  /** How long to wait for the socket to open; default 10 s (tsx start-up takes a while). */
  startTimeoutMs?: number;
}

export interface ProbeDatagram {
  data: Buffer;
  from: string;
  port: number;
}

interface ChildMessage {
  ready?: { address: string; port: number };
  recv?: string;
  from?: string;
  port?: number;
  sent?: boolean;
  sendError?: string;
  error?: string;
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

export class Probe {
  private readonly received: ProbeDatagram[] = [];
  private readonly readers: Waiter<ProbeDatagram | null>[] = [];
  private readonly sends: Waiter<void>[] = [];
  private ready: Waiter<void> | null = null;
  private exited: Error | null = null;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly label: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.once('exit', (code, signal) => this.onExit(code, signal));
  }

  /** Starts a probe in one of the lab's namespaces; resolves once its socket is bound. */
  static async open(lab: Pick<Lab, 'spawn'>, opts: ProbeOptions): Promise<Probe> {
    const args = ['--import', 'tsx', probeChildPath(), '--port', String(opts.port)];
    if (opts.iface !== undefined) args.push('--iface', opts.iface);
    if (opts.address !== undefined) args.push('--address', opts.address);
    const child = lab.spawn(opts.namespace, process.execPath, args, { cwd: repoRoot() });
    const label = `probe ${opts.namespace}/${opts.iface ?? '*'}:${opts.port}`;
    const probe = new Probe(child, label);
    await probe.waitReady(opts.startTimeoutMs ?? 10_000);
    return probe;
  }

  /** Sends a datagram; resolves once the kernel took it, rejects with the send error. */
  send(bytes: Uint8Array, to = '255.255.255.255', port = 67): Promise<void> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
    return new Promise((resolve, reject) => {
      this.sends.push({ resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ send: hex, to, port })}\n`);
    });
  }

  /** The next datagram received (oldest first), or null if none arrives within `timeoutMs`. */
  next(timeoutMs: number): Promise<ProbeDatagram | null> {
    const queued = this.received.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited !== null) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<ProbeDatagram | null> = {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.readers.splice(this.readers.indexOf(waiter), 1);
        resolve(null);
      }, timeoutMs);
      this.readers.push(waiter);
    });
  }

  /** Closes the socket and waits for the process to end. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const ended = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await ended;
    clearTimeout(timer);
  }

  private waitReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new LabError(`${this.label} did not start within ${timeoutMs} ms: ${this.stderr}`));
      }, timeoutMs);
      this.ready = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  private onLine(line: string): void {
    let message: ChildMessage;
    try {
      message = JSON.parse(line) as ChildMessage;
    } catch {
      return; // not ours (a warning printed by node, say)
    }
    if (message.ready !== undefined) {
      this.ready?.resolve();
      this.ready = null;
    } else if (message.error !== undefined) {
      this.ready?.reject(new LabError(`${this.label}: ${message.error}`));
      this.ready = null;
    } else if (message.recv !== undefined) {
      this.deliver({ data: Buffer.from(message.recv, 'hex'), from: message.from ?? '', port: message.port ?? 0 });
    } else if (message.sent === true) {
      this.sends.shift()?.resolve();
    } else if (message.sendError !== undefined) {
      this.sends.shift()?.reject(new LabError(`${this.label}: send failed: ${message.sendError}`));
    }
  }

  private deliver(datagram: ProbeDatagram): void {
    const reader = this.readers.shift();
    if (reader !== undefined) reader.resolve(datagram);
    else this.received.push(datagram);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ?? `code ${code}`;
    this.exited = new LabError(`${this.label} exited (${how}) ${this.stderr.trim()}`.trim());
    this.ready?.reject(this.exited);
    this.ready = null;
    for (const waiter of this.readers.splice(0)) waiter.reject(this.exited);
    for (const waiter of this.sends.splice(0)) waiter.reject(this.exited);
  }
}

function probeChildPath(): string {
  return fileURLToPath(new URL('./probe-child.ts', import.meta.url));
}

/** Where `--import tsx` resolves from. */
function repoRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}
