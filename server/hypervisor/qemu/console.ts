// A VM's serial console: the one client connection QEMU's console socket takes, fanned out to
// any number of subscribers, with the recent output in a bounded ring.
//
// The log: QEMU writes every byte the guest sends to console.log itself (logfile=, also while no
// client is connected), opened O_APPEND (logappend=on). QEMU never bounds it, so the driver does:
// at each start the previous log becomes console.log.1, and while the VM runs, once the log
// passes maxLogBytes it is copied to console.log.1 and truncated to zero (logrotate's
// copytruncate: O_APPEND makes QEMU's next write land at the new end; output written between the
// copy and the truncate is lost from the files, never from the ring or the subscribers).
import type { Socket } from 'node:net';
import { copyFile, open, rename, stat, truncate } from 'node:fs/promises';
import { VmNotRunningError, type Console } from '../hypervisor-port.ts';
import { ByteRing } from './byte-ring.ts';
import type { RunFiles } from './run-dir.ts';
import { connectUnix } from './unix-connect.ts';

export interface ConsoleOptions {
  /** Bytes of recent output kept for recent(). */
  ringBytes: number;
  /** console.log is rotated once it passes this size. */
  maxLogBytes: number;
  connectTimeoutMs: number;
  /** Problems that do not stop the console (a failed rotation, a subscriber that threw). */
  warn: (message: string, err: unknown) => void;
}

/** How much output may pass between two size checks of console.log. */
const LOG_CHECK_EVERY_BYTES = 64 * 1024;

interface Subscriber {
  onData: (chunk: Buffer) => void;
  onEnd?: (reason: string) => void;
}

export class SerialConsole implements Console {
  private readonly ring: ByteRing;
  private readonly subscribers = new Set<Subscriber>();
  private endReason: string | null = null;
  private bytesSinceLogCheck = 0;
  private rotating = false;

  private constructor(
    private readonly id: string,
    private readonly socket: Socket,
    private readonly files: RunFiles,
    private readonly options: ConsoleOptions,
    seed: Buffer,
  ) {
    this.ring = new ByteRing(options.ringBytes);
    this.ring.push(seed);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined); // 'close' follows and ends the console
    socket.on('close', () => this.end('the VM stopped'));
  }

  /**
   * Connects to the VM's console socket. With `seedFromLog` (reattaching to a running VM) the ring
   * starts with the tail of console.log, read just before connecting.
   */
  static async open(
    id: string,
    files: RunFiles,
    options: ConsoleOptions,
    seedFromLog: boolean,
  ): Promise<SerialConsole> {
    const seed = seedFromLog ? await tail(files.consoleLog, options.ringBytes) : Buffer.alloc(0);
    const socket = await connectUnix(files.consoleSocket, options.connectTimeoutMs, 50);
    return new SerialConsole(id, socket, files, options, seed);
  }

  recent(): Buffer {
    return this.ring.contents();
  }

  subscribe(onData: (chunk: Buffer) => void, onEnd?: (reason: string) => void): () => void {
    const subscriber: Subscriber = { onData, onEnd };
    if (this.endReason !== null) {
      const reason = this.endReason;
      queueMicrotask(() => onEnd?.(reason));
      return () => undefined;
    }
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  write(data: Buffer): Promise<void> {
    if (this.endReason !== null) return Promise.reject(new VmNotRunningError(this.id));
    // One socket, written in call order: Node queues writes, so order holds however fast we are called.
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(new VmNotRunningError(this.id)) : resolve()));
    });
  }

  /** Disconnects (QEMU keeps logging); subscribers get onEnd(reason). */
  close(reason: string): void {
    this.end(reason);
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.ring.push(chunk);
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber.onData(chunk);
      } catch (err) {
        this.options.warn('a console subscriber threw; it stays subscribed', err);
      }
    }
    this.bytesSinceLogCheck += chunk.length;
    if (this.bytesSinceLogCheck >= LOG_CHECK_EVERY_BYTES && !this.rotating) {
      this.bytesSinceLogCheck = 0;
      this.rotating = true;
      boundLog(this.files, this.options.maxLogBytes)
        .catch((err) => this.options.warn(`could not rotate ${this.files.consoleLog}`, err))
        .finally(() => (this.rotating = false));
    }
  }

  private end(reason: string): void {
    if (this.endReason !== null) return;
    this.endReason = reason;
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) subscriber.onEnd?.(reason);
  }
}

/** Before a start: the previous run's log becomes console.log.1 (replacing the older one). */
export async function rotateConsoleLog(files: RunFiles): Promise<void> {
  try {
    await rename(files.consoleLog, files.consoleLogPrevious);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** While QEMU writes: copytruncate once the log passes maxBytes. */
export async function boundLog(files: RunFiles, maxBytes: number): Promise<boolean> {
  const size = (await stat(files.consoleLog)).size;
  if (size <= maxBytes) return false;
  await copyFile(files.consoleLog, files.consoleLogPrevious);
  await truncate(files.consoleLog, 0);
  return true;
}

async function tail(path: string, bytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = (await handle.stat()).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
