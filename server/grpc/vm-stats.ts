// homeplane.v1.VmService.WatchVmStats: every interval (2 s), one sample of every running VM.
//
// The first sample goes out at once; a VM's first sample (and its first after a restart: another
// QEMU pid) reports cpu_percent 0, as there is nothing to compare with. Samples are "the latest
// value": a client that is not reading (write() returned false) misses samples instead of
// queueing them, and the next one it gets compares with the last one taken, over the real elapsed
// time. A VM whose QEMU is gone by the time it is read is left out of that sample. The stream
// ends only when the client cancels (the timer stops), the daemon shuts down (UNAVAILABLE), or
// sampling fails unexpectedly (INTERNAL).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../ports.ts';
import { cpuPercent } from '../hypervisor/usage.ts';
import type { VmStats, WatchVmStatsRequest, WatchVmStatsResponse } from '../../proto/gen/homeplane/v1/vm.ts';
import type { RunningVm, UsageSample, VmInventoryPort } from './hypervisor-ports.ts';
import type { OpenStreams } from './open-streams.ts';
import { statusOf } from './status.ts';

export interface StatsStreamDeps {
  inventory: VmInventoryPort;
  usage: (pid: number, tap: string) => Promise<UsageSample | null>;
  streams: OpenStreams;
  intervalMs: number;
  logger: Logger;
}

type StatsCall = grpc.ServerWritableStream<WatchVmStatsRequest, WatchVmStatsResponse>;

/** A VM's previous reading, what the next one's CPU use is measured against. */
interface Baseline {
  pid: number;
  usage: UsageSample;
  /** performance.now() of the reading. */
  at: number;
}

export function watchVmStatsHandler(deps: StatsStreamDeps): (call: StatsCall) => void {
  return (call) => {
    try {
      if (deps.streams.shuttingDown) {
        call.emit('error', {
          code: grpc.status.UNAVAILABLE,
          details: 'the daemon is shutting down; call WatchVmStats again once it is back',
        });
        return;
      }
      new StatsStream(call, deps).start();
    } catch (err) {
      call.emit('error', statusOf(err, 'WatchVmStats', deps.logger));
    }
  };
}

class StatsStream {
  private ended = false;
  private timer: NodeJS.Timeout | null = null;
  private waitingForDrain = false;
  private baselines = new Map<string, Baseline>();
  private unregister: (() => void) | null = null;

  constructor(
    private readonly call: StatsCall,
    private readonly deps: StatsStreamDeps,
  ) {}

  start(): void {
    const stop = () => this.stop();
    this.call.on('cancelled', stop);
    this.call.on('close', stop);
    this.call.on('error', stop);
    this.unregister = this.deps.streams.add(() => {
      if (this.ended) return;
      this.stop();
      this.call.emit('error', {
        code: grpc.status.UNAVAILABLE,
        details: 'the daemon is shutting down; call WatchVmStats again once it is back',
      });
    });
    this.tick();
  }

  /** Samples (unless the client is not reading), sends, and arms the next tick once this one is done, so ticks never overlap. */
  private tick(): void {
    this.timer = null;
    const work = this.waitingForDrain ? Promise.resolve() : this.sample().then((response) => this.send(response));
    work.then(
      () => this.schedule(),
      (err: unknown) => this.fail(err),
    );
  }

  private schedule(): void {
    if (this.ended) return;
    this.timer = setTimeout(() => this.tick(), this.deps.intervalMs);
  }

  private async sample(): Promise<WatchVmStatsResponse> {
    const time = new Date();
    const at = performance.now();
    const readings = await Promise.all(this.deps.inventory.running().map((running) => this.read(running)));
    const baselines = new Map<string, Baseline>();
    const vms: VmStats[] = [];
    for (const reading of readings) {
      if (reading === null) continue;
      const { running, usage } = reading;
      const before = this.baselines.get(running.vm.id);
      const cpu =
        before !== undefined && before.pid === running.pid ? cpuPercent(before.usage, usage, at - before.at) : 0;
      baselines.set(running.vm.id, { pid: running.pid, usage, at });
      vms.push({
        id: running.vm.id,
        cpuPercent: cpu,
        memoryBytes: usage.rssBytes,
        rxBytes: usage.rxBytes,
        txBytes: usage.txBytes,
      });
    }
    // VMs that stopped drop out; one that comes back starts from 0 again.
    this.baselines = baselines;
    return { time, vms };
  }

  /** One VM's usage, or null when its QEMU or tap went away between the listing and the reading. */
  private read(running: RunningVm): Promise<{ running: RunningVm; usage: UsageSample } | null> {
    return this.deps.usage(running.pid, running.tap).then(
      (usage) => (usage === null ? null : { running, usage }),
      (err: unknown) => {
        this.deps.logger.debug(
          { vm: running.vm.id, pid: running.pid, err: String(err) },
          'VM left out of a stats sample: its QEMU or tap could not be read',
        );
        return null;
      },
    );
  }

  private send(response: WatchVmStatsResponse): void {
    if (this.ended) return;
    if (!this.call.write(response)) {
      this.waitingForDrain = true;
      this.call.once('drain', () => {
        this.waitingForDrain = false;
      });
    }
  }

  private fail(err: unknown): void {
    if (this.ended) return;
    const status = statusOf(err, 'WatchVmStats', this.deps.logger);
    this.stop();
    this.call.emit('error', status);
  }

  private stop(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.unregister?.();
    this.unregister = null;
  }
}
