// The watcher processes of the watch benchmark, seen from the benchmark: forks them, shares the
// watchers out between them, and merges what they report. They are killed however this process
// ends (and end themselves when its IPC channel closes).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onProcessEnd } from '../lab/exit-cleanup.ts';
import { mergeSummaries } from './watch-latency.ts';
import {
  READY_MESSAGE,
  type ClientReport,
  type OpenRequest,
  type OpenResult,
  type PoolReply,
  type PoolRequest,
  type Progress,
} from './watch-protocol.ts';

const CLIENT = fileURLToPath(new URL('./watch-client.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 120_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** One watcher process and its outstanding requests. */
class WatcherProcess {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: PoolReply | string) => {
      if (typeof message === 'string') return;
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(`watcher process ${child.pid}: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const [id, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error(`watcher process ${child.pid} exited (${code ?? signal}) with request ${id} open`));
      }
      this.pending.clear();
    });
  }

  request<T>(request: PoolRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`watcher process ${this.child.pid} did not answer "${request.op}" within ${REQUEST_TIMEOUT_MS} ms`),
        );
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.child.send({ ...request, id });
    });
  }
}

/** The watchers' reports merged: counts summed, latency histograms merged. */
export type PoolReport = ClientReport;

export class WatcherPool {
  private constructor(
    private readonly processes: WatcherProcess[],
    private readonly forgetExitHook: () => void,
  ) {}

  /** Forks `count` watcher processes and waits until each is ready. */
  static async start(count: number): Promise<WatcherPool> {
    const children: ChildProcess[] = [];
    const killAll = (): void => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const forget = onProcessEnd(killAll);
    try {
      for (let i = 0; i < count; i++) {
        children.push(
          fork(CLIENT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
        );
      }
      await Promise.all(children.map(ready));
      return new WatcherPool(
        children.map((c) => new WatcherProcess(c)),
        () => {
          forget();
          killAll();
        },
      );
    } catch (err) {
      forget();
      killAll();
      throw err;
    }
  }

  /** The watcher processes' pids, for their CPU time. */
  get pids(): number[] {
    return this.processes.map((p) => p.child.pid!);
  }

  /** Opens `count` watchers, shared out between the processes as evenly as whole numbers allow. */
  async open(request: Omit<OpenRequest, 'op'>): Promise<OpenResult> {
    const n = this.processes.length;
    const results = await Promise.all(
      this.processes.map((p, i) => {
        const count = Math.floor(request.count / n) + (i < request.count % n ? 1 : 0);
        return count === 0
          ? { opened: 0, failed: 0, firstError: null }
          : p.request<OpenResult>({ ...request, op: 'open', count });
      }),
    );
    return {
      opened: sum(results.map((r) => r.opened)),
      failed: sum(results.map((r) => r.failed)),
      firstError: results.find((r) => r.firstError !== null)?.firstError ?? null,
    };
  }

  async mark(): Promise<void> {
    await this.all({ op: 'mark' });
  }

  async progress(revision: number): Promise<Progress> {
    const list = await this.all<Progress>({ op: 'progress', revision });
    return { open: sum(list.map((p) => p.open)), behind: sum(list.map((p) => p.behind)) };
  }

  async report(): Promise<PoolReport> {
    const list = await this.all<ClientReport>({ op: 'report' });
    const dropped: Record<string, number> = {};
    for (const r of list) for (const [why, n] of Object.entries(r.dropped)) dropped[why] = (dropped[why] ?? 0) + n;
    const total = (key: 'watchers' | 'open' | 'events' | 'frames' | 'bookmarks' | 'missing' | 'duplicates'): number =>
      sum(list.map((r) => r[key]));
    return {
      watchers: total('watchers'),
      open: total('open'),
      events: total('events'),
      frames: total('frames'),
      bookmarks: total('bookmarks'),
      missing: total('missing'),
      duplicates: total('duplicates'),
      latency: mergeSummaries(list.map((r) => r.latency)),
      dropped,
    };
  }

  /** Cancels every watcher and closes every channel (the processes stay, for the next step). */
  async close(): Promise<void> {
    await this.all({ op: 'close' });
  }

  /** Ends the processes (closing their IPC channel ends them; SIGKILL after a grace period). */
  async dispose(): Promise<void> {
    await Promise.all(this.processes.map((p) => stop(p.child)));
    this.forgetExitHook();
  }

  private all<T>(request: PoolRequest): Promise<T[]> {
    return Promise.all(this.processes.map((p) => p.request<T>(request)));
  }
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`a watcher process did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.on('message', (message) => {
      if (message !== READY_MESSAGE) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`a watcher process exited (${code ?? signal}) before it was ready`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.disconnect();
  });
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
