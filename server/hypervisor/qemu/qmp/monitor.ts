// One QMP connection (Incus's qmp/monitor.go): connect (retrying while QEMU creates the socket),
// read the greeting, negotiate capabilities, then match replies to commands by id and hand events
// to listeners. Events may arrive at any moment, also between a command and its reply (QEMU sends
// RESUME before `cont`'s return). QEMU accepts one client per monitor socket at a time.
import type { Socket } from 'node:net';
import { connectUnix } from '../unix-connect.ts';
import { QmpCommandError, QmpConnectError, QmpDisconnectedError, QmpProtocolError, QmpTimeoutError } from './errors.ts';
import { LineSplitter, encodeCommand, parseMessage, type QmpMessage } from './wire.ts';

/** What commands need of a monitor (commands.ts takes this, so it can be faked only at this seam). */
export interface QmpClient {
  /** The command's "return" value; rejects with QmpCommandError, QmpTimeoutError or QmpDisconnectedError. */
  execute(command: string, args?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<unknown>;
}

export interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
  /** QEMU's timestamp of the event, microseconds since the epoch (host clock). */
  timestampMicros: number;
}

export type QmpGreeting = Extract<QmpMessage, { kind: 'greeting' }>;

export interface QmpConnectOptions {
  /** How long to keep retrying while the socket is missing or refuses (QEMU still starting). Default 5000. */
  connectTimeoutMs?: number;
  /** Pause between connection attempts. Default 50. */
  retryIntervalMs?: number;
  /** How long to wait for the greeting once connected (none comes while another client holds the monitor). Default 5000. */
  greetingTimeoutMs?: number;
  /** Timeout of a command that names none. Default 10000. */
  commandTimeoutMs?: number;
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Events held while nobody listens yet (between connect() resolving and the first onEvent). */
const MAX_HELD_EVENTS = 1000;

export class QmpMonitor implements QmpClient {
  /** Resolves (never rejects) when the connection is gone, with why. */
  readonly closed: Promise<QmpDisconnectedError>;
  private markClosed!: (reason: QmpDisconnectedError) => void;
  private greetingArrived!: (greeting: QmpGreeting) => void;
  private greetingFailed!: (err: Error) => void;
  private readonly greetingPromise: Promise<QmpGreeting>;
  private readonly splitter = new LineSplitter();
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: QmpEvent) => void>();
  private held: QmpEvent[] = [];
  private nextId = 1;
  private closeReason: string | null = null;
  /** QEMU's greeting (version, capabilities); set before connect() resolves. */
  greeting: QmpGreeting | null = null;
  /** Replies whose command had already timed out (or that named no command of ours). */
  unmatchedReplies = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly commandTimeoutMs: number,
  ) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    this.greetingPromise = new Promise((resolve, reject) => {
      this.greetingArrived = resolve;
      this.greetingFailed = reject;
    });
    this.greetingPromise.catch(() => undefined);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => {
      // QEMU exiting with our last bytes unread resets the socket instead of closing it: that is
      // the same hang-up, and 'close' (which follows) reports it as such.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || code === 'EPIPE') return;
      this.closeReason ??= err.message;
    });
    socket.on('close', () => this.onSocketClosed());
  }

  /** Connects, reads the greeting and leaves capabilities negotiation mode (qmp_capabilities). */
  static async connect(path: string, options: QmpConnectOptions = {}): Promise<QmpMonitor> {
    let socket: Socket;
    try {
      socket = await connectUnix(path, options.connectTimeoutMs ?? 5000, options.retryIntervalMs ?? 50);
    } catch (err) {
      throw new QmpConnectError(path, (err as Error).message, { cause: err });
    }
    const monitor = new QmpMonitor(socket, options.commandTimeoutMs ?? 10_000);
    try {
      await withTimeout(monitor.greetingPromise, options.greetingTimeoutMs ?? 5000, 'greeting');
      await monitor.execute('qmp_capabilities');
      return monitor;
    } catch (err) {
      monitor.close();
      throw err;
    }
  }

  execute(command: string, args?: Record<string, unknown>, options: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.closeReason !== null) return Promise.reject(new QmpDisconnectedError(command, this.closeReason));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new QmpTimeoutError(command, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { command, resolve, reject, timer });
      this.socket.write(encodeCommand(id, command, args));
    });
  }

  /** Every event from now on; the first listener also gets the events held since connecting. */
  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    const held = this.held;
    this.held = [];
    for (const event of held) listener(event);
    return () => this.listeners.delete(listener);
  }

  /** Ends the connection (QEMU keeps running); pending commands reject with QmpDisconnectedError. */
  close(): void {
    this.closeReason ??= 'closed by the driver';
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let lines: string[];
    try {
      lines = this.splitter.push(chunk);
    } catch (err) {
      return this.fail(err as QmpProtocolError);
    }
    for (const line of lines) {
      const message = parseMessage(line);
      if (message instanceof QmpProtocolError) return this.fail(message);
      this.dispatch(message);
      if (this.closeReason !== null) return;
    }
  }

  private dispatch(message: QmpMessage): void {
    switch (message.kind) {
      case 'greeting':
        if (this.greeting !== null) return this.fail(new QmpProtocolError('QMP greeting sent twice'));
        this.greeting = message;
        return this.greetingArrived(message);
      case 'return':
      case 'error':
        if (this.greeting === null) return this.fail(new QmpProtocolError('QMP reply before the greeting'));
        return this.settle(message);
      case 'event':
        return this.deliver({ event: message.event, data: message.data, timestampMicros: message.timestampMicros });
    }
  }

  private settle(message: Extract<QmpMessage, { kind: 'return' | 'error' }>): void {
    const entry = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (entry === undefined) {
      this.unmatchedReplies++;
      return;
    }
    this.pending.delete(message.id as number);
    clearTimeout(entry.timer);
    if (message.kind === 'return') entry.resolve(message.value);
    else entry.reject(new QmpCommandError(entry.command, message.errorClass, message.desc));
  }

  private deliver(event: QmpEvent): void {
    if (this.listeners.size === 0) {
      if (this.held.length < MAX_HELD_EVENTS) this.held.push(event);
      return;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  private fail(err: QmpProtocolError): void {
    this.closeReason ??= err.message;
    this.greetingFailed(err);
    this.socket.destroy();
  }

  private onSocketClosed(): void {
    const reason = (this.closeReason ??= 'QEMU closed the monitor');
    this.greetingFailed(new QmpDisconnectedError('greeting', reason));
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new QmpDisconnectedError(entry.command, reason));
      this.pending.delete(id);
    }
    this.markClosed(new QmpDisconnectedError(null, reason));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QmpTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
