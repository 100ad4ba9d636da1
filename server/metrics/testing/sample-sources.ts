// Metrics sources as a running daemon's would be mid-run, for the metrics tests.
import type { MetricsSources } from '../metrics.ts';
import { capacityOf } from '../../hypervisor/capacity.ts';

/** Sources as the daemon's would be mid-run: a subnet in use, a VM running, counts moving. */
export function sampleSources(): MetricsSources & { counts: { discover: number; ack: number } } {
  const counts = { discover: 3, ack: 2 };
  return {
    counts,
    about: { version: '1.2.3-test', dhcpServing: true },
    dhcpCounters: () => ({
      received: { discover: counts.discover, request: 2, unknown: 1 },
      sent: { offer: 3, ack: counts.ack },
      dropped: { malformed: 1 },
      recorded: { declined: 0, released: 0 },
      leasesCommitted: 2,
    }),
    pools: () => [{ subnet: '10.123.0.0/24', size: 100, leased: 2, reserved: 1, declined: 0, free: 98 }],
    store: () => ({ dirty: 4, behind: true, failedWrites: 7, batchesFailed: 2 }),
    eventLog: () => ({ newestRevision: 42, rows: 40 }),
    watchStreams: () => 3,
    hypervisor: {
      vms: () => [
        { id: 'vm-1', name: 'web', state: 'running' },
        { id: 'vm-2', name: 'db', state: 'stopped' },
      ],
      usage: () =>
        Promise.resolve([
          { id: 'vm-1', name: 'web', cpuSeconds: 12.5, rssBytes: 300 * 2 ** 20, rxBytes: 1000, txBytes: 5000 },
        ]),
      capacity: () =>
        Promise.resolve(
          capacityOf(
            { vcpus: 4, memoryMib: 8192, diskGib: 100 },
            {
              vcpuRatio: 4,
              memoryRatio: 1,
              diskRatio: 1,
              reservedVcpus: 0,
              reservedMemoryMib: 1024,
              reservedDiskGib: 0,
            },
            { vcpus: 2, memoryMib: 512, diskGib: 10 },
          ),
        ),
    },
  };
}
