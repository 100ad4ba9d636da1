// Homeplane as the VM benchmark runs it: the real daemon (scripts/lab/daemon.ts) in its lab's
// server namespace, serving DHCP on the lab's bridge and running VMs there under TCG, its gRPC
// API on a unix socket in its data folder (reachable from the root namespace); the tiny guest's
// kernel and initrd copied into its image folder, vm-gc.mjs preloaded (a full GC on SIGUSR2).
// What the benchmark reads of it: VmService calls timed, vm events from one Watch with the moment
// each arrived, a VM's console through StreamConsole, and the daemon's memory and CPU time from /proc.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { EventServiceClient, type WatchResponse } from '../../proto/gen/homeplane/v1/event.ts';
import {
  VmServiceClient,
  VmState,
  type CreateVmRequest,
  type StreamConsoleResponse,
  type Vm,
} from '../../proto/gen/homeplane/v1/vm.ts';
import { LabDaemon, labConfig } from '../lab/daemon.ts';
import type { Lab } from '../lab/lab.ts';
import type { TinyGuest } from '../guest/tiny.ts';
import { processCpuSeconds } from './dhcp-servers.ts';
import { sampleProcess } from './watch-daemon.ts';
import type { ProcessFigures } from './vm-report.ts';

/** One vm event as it arrived. */
export interface VmEventSeen {
  kind: string;
  vm: Vm;
  /** performance.now() when its frame arrived. */
  at: number;
}

/**
 * Every vm event of one Watch (from revision 0: the whole retained log, then live), with the
 * moment each arrived; waits for one that matches.
 */
export class VmEventLog {
  readonly seen: VmEventSeen[] = [];
  private failure: Error | null = null;
  private wakers: (() => void)[] = [];
  private readonly stream: grpc.ClientReadableStream<WatchResponse>;

  constructor(client: EventServiceClient, metadata: grpc.Metadata) {
    this.stream = client.watch({ sinceRevision: 0, kinds: ['vm'] }, metadata);
    this.stream.on('data', (frame: WatchResponse) => {
      const at = performance.now();
      if (frame.payload?.$case !== 'events') return;
      for (const e of frame.payload.events.events)
        if (e.object?.$case === 'vm') this.seen.push({ kind: e.kind, vm: e.object.vm, at });
      this.wake();
    });
    this.stream.on('error', (err: grpc.ServiceError) => {
      if (err.code !== grpc.status.CANCELLED)
        this.failure = new Error(`Watch ended: ${grpc.status[err.code]}: ${err.details}`);
      this.wake();
    });
    this.stream.on('end', () => {
      this.failure ??= new Error('Watch ended');
      this.wake();
    });
  }

  find(match: (e: VmEventSeen) => boolean): VmEventSeen | null {
    return this.seen.find(match) ?? null;
  }

  async waitFor(match: (e: VmEventSeen) => boolean, what: string, timeoutMs: number): Promise<VmEventSeen> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.find(match);
      if (found !== null) return found;
      if (this.failure !== null) throw this.failure;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no ${what} in Watch within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  close(): void {
    this.stream.cancel();
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }
}

/** A VM's console through StreamConsole, with the moment a pattern first showed. */
export class ConsoleWatch {
  private text = '';
  private matchedAt: number | null = null;
  private readonly stream: grpc.ClientReadableStream<StreamConsoleResponse>;

  constructor(
    client: VmServiceClient,
    id: string,
    metadata: grpc.Metadata,
    private readonly pattern: RegExp,
  ) {
    this.stream = client.streamConsole({ id }, metadata);
    this.stream.on('data', (m: StreamConsoleResponse) => {
      this.text += Buffer.from(m.data).toString('latin1').replace(/\r/g, '');
      if (this.matchedAt === null && this.pattern.test(this.text)) this.matchedAt = performance.now();
    });
    this.stream.on('error', () => undefined); // cancelled, or the VM went: the wait says so
  }

  async waitFor(timeoutMs: number): Promise<number | null> {
    const deadline = performance.now() + timeoutMs;
    while (this.matchedAt === null && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.matchedAt;
  }

  get transcript(): string {
    return this.text;
  }

  close(): void {
    this.stream.cancel();
  }
}

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

function call<T>(what: string, start: (cb: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    start((err, res) =>
      err ? reject(new Error(`${what} failed: ${grpc.status[err.code]}: ${err.details}`)) : resolve(res),
    ),
  );
}

export interface BenchHomeplane {
  readonly daemon: LabDaemon;
  readonly pid: number;
  readonly events: VmEventLog;
  readonly kernelPath: string;
  readonly initrdPath: string;
  request(name: string, start: boolean): CreateVmRequest;
  createVm(request: CreateVmRequest): Promise<Vm>;
  startVm(id: string): Promise<Vm>;
  deleteVm(id: string): Promise<void>;
  listVms(): Promise<Vm[]>;
  console(id: string, pattern: RegExp): ConsoleWatch;
  /** The QEMU pid of a running VM (its pidfile in the data folder), or null. */
  qemuPid(id: string): number | null;
  sample(): ProcessFigures;
  /** A full GC in the daemon (vm-gc.mjs), then VmRSS / VmHWM and V8's heap used. */
  sampleAfterGc(): Promise<ProcessFigures & { heapUsedBytes: number }>;
  cpuSeconds(): number;
  /** Deletes every VM left (best effort), closes the clients, stops the daemon. */
  close(): Promise<void>;
}

/**
 * Starts the daemon in `dir` (a folder of the benchmark's scratch, removed with it). `vcpuRatio`:
 * the host's vCPU allocation ratio; every defined VM counts, so 20 defined 1-vCPU VMs on a
 * 2-core machine need more than the default 4.
 */
export async function startBenchHomeplane(
  lab: Lab,
  guest: TinyGuest,
  dir: string,
  vcpuRatio: number,
): Promise<BenchHomeplane> {
  const images = join(dir, 'images');
  mkdirSync(images, { recursive: true });
  const kernelPath = join(images, 'vmlinuz-tiny');
  const initrdPath = join(images, 'initrd-tiny.img');
  copyFileSync(guest.kernel, kernelPath);
  copyFileSync(guest.initrd, initrdPath);
  const daemon = await withGcPreload(() =>
    LabDaemon.start(
      lab,
      (dataDir) => ({
        ...labConfig(lab, dataDir),
        // info, not the lab's usual debug: the bench measures the daemon, not its logging.
        log: { level: 'info' },
        grpc: { listen: grpcTarget(dataDir) },
        hypervisor: {
          bridge: lab.subnets[0]!.serverInterface,
          accel: 'tcg',
          imageDirs: [images],
          allocationRatio: { vcpu: vcpuRatio },
        },
      }),
      { dir },
    ),
  );
  const pid = Number(daemon.logs.find((l) => typeof l.pid === 'number')?.pid);
  if (!Number.isInteger(pid)) {
    await daemon.dispose();
    throw new Error('the daemon logged no pid');
  }
  const token = readFileSync(join(daemon.dataDir, 'grpc.token'), 'utf8').trim();
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const target = grpcTarget(daemon.dataDir);
  const vms = new VmServiceClient(target, grpc.credentials.createInsecure());
  const eventClient = new EventServiceClient(target, grpc.credentials.createInsecure());
  const events = new VmEventLog(eventClient, metadata);
  const consoles = new Set<ConsoleWatch>();

  const listVms = async (): Promise<Vm[]> =>
    (await call<{ vms: Vm[] }>('ListVms', (cb) => vms.listVms({}, metadata, cb))).vms;
  const deleteVm = async (id: string): Promise<void> =>
    void (await call('DeleteVm', (cb) => vms.deleteVm({ id }, metadata, cb)));
  return {
    daemon,
    pid,
    events,
    kernelPath,
    initrdPath,
    request: (name, start) => ({
      name,
      vcpus: 1,
      memoryMib: 128,
      diskGib: 1,
      mac: '',
      start,
      autostart: false,
      boot: { $case: 'kernel', kernel: { kernelPath, initrdPath, cmdline: `${guest.cmdline} hostname=${name}` } },
    }),
    createVm: async (request) => (await call<{ vm?: Vm }>('CreateVm', (cb) => vms.createVm(request, metadata, cb))).vm!,
    startVm: async (id) => (await call<{ vm?: Vm }>('StartVm', (cb) => vms.startVm({ id }, metadata, cb))).vm!,
    deleteVm,
    listVms,
    console(id, pattern) {
      const watch = new ConsoleWatch(vms, id, metadata, pattern);
      consoles.add(watch);
      return watch;
    },
    qemuPid(id) {
      try {
        const n = Number(readFileSync(join(daemon.dataDir, 'vms', id, 'run', 'qemu.pid'), 'utf8').trim());
        return Number.isInteger(n) && n > 1 ? n : null;
      } catch {
        return null;
      }
    },
    sample: () => sampleProcess(pid),
    async sampleAfterGc() {
      const from = daemon.logs.length;
      process.kill(pid, 'SIGUSR2');
      const line = await daemon.waitFor((l) => l.msg === 'bench gc', 10_000, from);
      if (typeof line.heapUsed !== 'number') throw new Error(`the daemon's GC failed: ${String(line.error)}`);
      return { ...sampleProcess(pid), heapUsedBytes: line.heapUsed };
    },
    cpuSeconds() {
      const seconds = processCpuSeconds(pid);
      if (seconds === null) throw new Error(`the daemon (pid ${pid}) has ended`);
      return seconds;
    },
    async close() {
      for (const c of consoles) c.close();
      try {
        for (const vm of await listVms()) await deleteVm(vm.id).catch(() => undefined);
      } catch {
        // the daemon is gone: the lab's teardown kills whatever QEMU is left in its namespace
      }
      events.close();
      vms.close();
      eventClient.close();
      await daemon.stop();
      await daemon.dispose();
    },
  };
}

const GC_PRELOAD = new URL('./vm-gc.mjs', import.meta.url).href;

/**
 * LabDaemon starts the daemon with this process's environment, so vm-gc.mjs goes into
 * NODE_OPTIONS for the moment of the spawn (as dhcp-servers.ts does for the profiler):
 * LabDaemon.start spawns before its first await, and the environment is restored as soon as it
 * has returned its promise.
 */
function withGcPreload<T>(start: () => Promise<T>): Promise<T> {
  const saved = { options: process.env.NODE_OPTIONS, flag: process.env.HOMEPLANE_BENCH_GC };
  process.env.NODE_OPTIONS = [saved.options, `--import=${GC_PRELOAD}`].filter(Boolean).join(' ');
  process.env.HOMEPLANE_BENCH_GC = '1';
  try {
    return start();
  } finally {
    restoreEnv('NODE_OPTIONS', saved.options);
    restoreEnv('HOMEPLANE_BENCH_GC', saved.flag);
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Where the daemon listens: a unix socket in its data folder (as grpcListenIn in server/grpc/integration/daemon-api.ts). */
function grpcTarget(dataDir: string): string {
  return `unix:${join(dataDir, 'grpc.sock')}`;
}

export function isRunning(e: VmEventSeen, id: string): boolean {
  return e.vm.id === id && e.vm.state === VmState.VM_STATE_RUNNING;
}

export function isAddressed(e: VmEventSeen, id: string): boolean {
  return e.vm.id === id && e.kind === 'vm.address_assigned';
}
