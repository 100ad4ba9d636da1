// The last minute or so of each running VM's usage samples (the "vm-stats" feed, one sample of
// every running VM each 2 s), for the sparklines. Pure: each fold returns a new history, so
// React sees what changed; VMs absent from a sample (stopped) lose their history.
import type { VmSample } from './feeds.ts';

/** Samples kept per VM: 30 at 2 s, a minute. */
export const KEPT_SAMPLES = 30;

export interface VmUsage {
  /** The newest sample. */
  latest: VmSample;
  /** CPU % and resident memory (bytes), oldest first, at most KEPT_SAMPLES. */
  cpu: number[];
  memory: number[];
  /** When the newest sample was taken, epoch ms. */
  time: number;
}

export type StatsHistory = ReadonlyMap<string, VmUsage>;

export function foldSample(history: StatsHistory, time: number, samples: readonly VmSample[]): StatsHistory {
  const next = new Map<string, VmUsage>();
  for (const sample of samples) {
    const before = history.get(sample.id);
    const keep = (values: number[] | undefined, value: number) => [...(values ?? []), value].slice(-KEPT_SAMPLES);
    next.set(sample.id, {
      latest: sample,
      cpu: keep(before?.cpu, sample.cpuPercent),
      memory: keep(before?.memory, sample.memoryBytes),
      time,
    });
  }
  return next;
}

/** "12 %", "0.4 %", "180 %" (a share of one host CPU; may exceed 100). */
export function formatCpu(percent: number): string {
  if (percent < 10) return `${(Math.round(percent * 10) / 10).toString()} %`;
  return `${Math.round(percent)} %`;
}
