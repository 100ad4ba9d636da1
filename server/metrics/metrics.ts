// The daemon's Prometheus metrics (prom-client), in one registry per daemon. Nothing here runs on
// the packet path: the DHCP counters, pool counts, store lag, event log and watcher numbers are
// read from what the daemon keeps in memory anyway, when a scrape asks; only the lease commits,
// gRPC calls and dropped watchers are told as they happen (once per batch, call or drop).
// main.ts builds this and hands each part its narrow port (a callback), so no domain imports it.
import * as client from 'prom-client';
import type { CounterSnapshot } from '../dhcp/counters.ts';
import type { PoolUsage } from '../dhcp/bindings.ts';
import type { DropReason } from '../dhcp/outcome.ts';
import type { CommitObserver } from '../store/sqlite-lease-store.ts';
import type { GrpcObserver } from '../grpc/call-observer.ts';
import type { WatchDropReason } from '../grpc/watcher.ts';
import type { ActualState } from '../hypervisor/hypervisor-port.ts';
import type { HostCapacity, Resource } from '../hypervisor/capacity.ts';
import * as grpc from '@grpc/grpc-js';

/** What the metrics read when scraped: each a cheap read of memory (or of /proc for the VMs). */
export interface MetricsSources {
  /** The daemon's version, and whether DHCP serves (false: off by config or for lack of privileges). */
  about: { version: string; dhcpServing: boolean };
  dhcpCounters: () => CounterSnapshot;
  pools: () => PoolUsage[];
  store: () => { dirty: number; behind: boolean; failedWrites: number; batchesFailed: number };
  eventLog: () => { newestRevision: number; rows: number };
  watchStreams: () => number;
  /** Null when the daemon runs no hypervisor side. */
  hypervisor: HypervisorSource | null;
}

export interface HypervisorSource {
  vms: () => { id: string; name: string; state: ActualState }[];
  /** Each running VM's QEMU's CPU time and resident memory (/proc), its tap's byte counts (sysfs). */
  usage: () => Promise<VmUsage[]>;
  capacity: () => Promise<HostCapacity>;
}

export interface VmUsage {
  id: string;
  name: string;
  cpuSeconds: number;
  rssBytes: number;
  /** Bytes the host received on the VM's tap: what the guest sent. */
  rxBytes: number;
  /** Bytes the host sent into the tap: what the guest received. */
  txBytes: number;
}

export interface Metrics {
  readonly registry: client.Registry;
  /** The lease store's CommitObserver. */
  readonly commit: CommitObserver;
  /** The gRPC server's observer. */
  readonly grpc: GrpcObserver;
}

/** The message types a server receives and sends (RFC 2132 9.6): their series exist from the start. */
const RECEIVED_TYPES = ['discover', 'request', 'decline', 'release', 'inform'];
const SENT_TYPES = ['offer', 'ack', 'nak'];

/** Every reason a request goes unanswered; a Record so a new DropReason fails to compile until listed. */
const DROP_REASONS: Record<DropReason | 'send-error', true> = {
  malformed: true,
  'not-request': true,
  'no-message-type': true,
  'unsupported-message-type': true,
  'no-subnet': true,
  'other-server': true,
  'pool-exhausted': true,
  'no-record': true,
  'not-holder': true,
  'missing-field': true,
  'store-error': true,
  oversized: true,
  'engine-error': true,
  'send-error': true,
};

const VM_STATES: Record<ActualState, true> = {
  stopped: true,
  starting: true,
  running: true,
  paused: true,
  stopping: true,
  crashed: true,
};

const WATCH_DROP_REASONS: Record<WatchDropReason, true> = { 'slow-reader': true, stalled: true };

/** vCPUs as they are; memory and disk in bytes (Prometheus' base units). */
const RESOURCES: Record<Resource, { metric: string; what: string; scale: number }> = {
  vcpus: { metric: 'homeplane_host_vcpus', what: 'vCPUs', scale: 1 },
  memory_mib: { metric: 'homeplane_host_memory_bytes', what: 'memory, bytes', scale: 2 ** 20 },
  disk_gib: { metric: 'homeplane_host_disk_bytes', what: 'disk of the data folder, bytes', scale: 2 ** 30 },
};

/**
 * How often the event-loop lag is sampled (prom-client's nodejs_eventloop_lag_*): a timer that
 * wakes the daemon's thread every so often, traffic or not. prom-client's default of 10 ms is
 * 100 wake-ups a second: the thread of a daemon idle on its built-in config used 18-19 ticks of
 * CPU in 20 s with it, 5-7 at 100 ms. A stall still shows in the lag whenever a sample falls in it.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new client.Registry();
  const registers = [registry];
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });

  const info = new client.Gauge({
    name: 'homeplane_build_info',
    help: 'Always 1; the version label says which Homeplane runs.',
    labelNames: ['version'],
    registers,
  });
  info.set({ version: sources.about.version }, 1);
  new client.Gauge({
    name: 'homeplane_dhcp_serving',
    help: 'Whether the DHCP server answers (1) or is off (0: by config, or the built-in default without root).',
    registers,
  }).set(sources.about.dhcpServing ? 1 : 0);

  // --- DHCP: the server's own counters, copied in when scraped.
  new client.Counter({
    name: 'homeplane_dhcp_packets_received_total',
    help: 'DHCP messages received on the served interfaces, by message type ("unknown": none or not decodable).',
    labelNames: ['type'],
    registers,
    collect() {
      copyCounts(this, 'type', RECEIVED_TYPES, sources.dhcpCounters().received);
    },
  });
  new client.Counter({
    name: 'homeplane_dhcp_packets_sent_total',
    help: 'DHCP replies sent, by message type.',
    labelNames: ['type'],
    registers,
    collect() {
      copyCounts(this, 'type', SENT_TYPES, sources.dhcpCounters().sent);
    },
  });
  new client.Counter({
    name: 'homeplane_dhcp_packets_dropped_total',
    help: 'DHCP messages left unanswered for a reason other than the protocol (malformed, no subnet, pool exhausted, store error, ...), by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      copyCounts(this, 'reason', Object.keys(DROP_REASONS), sources.dhcpCounters().dropped);
    },
  });
  new client.Counter({
    name: 'homeplane_dhcp_lease_writes_committed_total',
    help: 'Lease rows committed for DHCP requests and reclamation.',
    registers,
    collect() {
      this.reset();
      this.inc(sources.dhcpCounters().leasesCommitted);
    },
  });

  // --- Pools, per subnet, from the counts the binding table keeps.
  const pool = (name: string, help: string, pick: (usage: PoolUsage) => number): void => {
    new client.Gauge({
      name,
      help,
      labelNames: ['subnet'],
      registers,
      collect() {
        this.reset();
        for (const usage of sources.pools()) this.set({ subnet: usage.subnet }, pick(usage));
      },
    });
  };
  pool('homeplane_dhcp_pool_addresses', "Addresses in the subnet's pools.", (u) => u.size);
  pool(
    'homeplane_dhcp_leased_addresses',
    'Active leases in the subnet (an expired one counts until the reclaimer marks it).',
    (u) => u.leased,
  );
  pool('homeplane_dhcp_reserved_addresses', 'Reservations in the subnet (config, API and VMs).', (u) => u.reserved);
  pool('homeplane_dhcp_declined_addresses', 'Declined addresses of the subnet in probation.', (u) => u.declined);
  pool(
    'homeplane_dhcp_free_addresses',
    'Pool addresses held by no active or declined lease (offers and reservations aside).',
    (u) => u.free,
  );

  // --- The lease store.
  const commitLatency = new client.Histogram({
    name: 'homeplane_store_commit_latency_seconds',
    help: "Time from a lease batch's first write being queued to its being durable (its lease-journal record written, or its transaction committed): what a reply waits for.",
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  const batchRows = new client.Histogram({
    name: 'homeplane_store_commit_batch_rows',
    help: 'Lease rows per batch made durable (group commit), after coalescing.',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers,
  });
  new client.Gauge({
    name: 'homeplane_store_dirty_addresses',
    help: 'Addresses whose latest lease state is not yet committed (in flight or waiting for a retry): the store lag.',
    registers,
    collect() {
      this.set(sources.store().dirty);
    },
  });
  new client.Gauge({
    name: 'homeplane_store_behind',
    help: '1 while lease commits fail and changed leases wait for a retry (replies withheld, health NOT_SERVING), else 0.',
    registers,
    collect() {
      this.set(sources.store().behind ? 1 : 0);
    },
  });
  new client.Counter({
    name: 'homeplane_store_failed_writes_total',
    help: 'Lease row writes whose transaction failed (each is retried from the table until stored).',
    registers,
    collect() {
      this.reset();
      this.inc(sources.store().failedWrites);
    },
  });
  new client.Counter({
    name: 'homeplane_store_failed_commits_total',
    help: 'Lease store transactions rolled back.',
    registers,
    collect() {
      this.reset();
      this.inc(sources.store().batchesFailed);
    },
  });

  // --- The event log and its watchers.
  new client.Gauge({
    name: 'homeplane_event_log_revision',
    help: 'Newest revision in the event log.',
    registers,
    collect() {
      this.set(sources.eventLog().newestRevision);
    },
  });
  new client.Gauge({
    name: 'homeplane_event_log_rows',
    help: 'Events retained in the log (newest revision minus oldest retained, plus one).',
    registers,
    collect() {
      this.set(sources.eventLog().rows);
    },
  });
  new client.Gauge({
    name: 'homeplane_watch_streams',
    help: 'EventService.Watch streams open.',
    registers,
    collect() {
      this.set(sources.watchStreams());
    },
  });
  const watchDropped = new client.Counter({
    name: 'homeplane_watch_streams_dropped_total',
    help: 'Watch streams ended with RESOURCE_EXHAUSTED, by reason: slow-reader (fell too far behind live), stalled (stopped reading while catching up or taking a snapshot).',
    labelNames: ['reason'],
    registers,
  });
  for (const reason of Object.keys(WATCH_DROP_REASONS)) watchDropped.inc({ reason }, 0);

  // --- gRPC, as grpc-go's Prometheus middleware names them.
  const handled = new client.Counter({
    name: 'homeplane_grpc_server_handled_total',
    help: 'gRPC calls completed, by service, method, call type and status code (a cancelled call counts as CANCELLED).',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_type', 'grpc_code'],
    registers,
  });
  const handling = new client.Histogram({
    name: 'homeplane_grpc_server_handling_seconds',
    help: 'Time unary gRPC calls took from start to status, by service and method (streams are left out: they live for hours).',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_type'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });

  // --- VMs and the host.
  const hypervisor = sources.hypervisor;
  if (hypervisor !== null) {
    new client.Gauge({
      name: 'homeplane_vms',
      help: "VMs defined on this host, by actual state (what the VM's QEMU is doing).",
      labelNames: ['state'],
      registers,
      collect() {
        const counts = new Map<string, number>(Object.keys(VM_STATES).map((s) => [s, 0]));
        for (const vm of hypervisor.vms()) counts.set(vm.state, (counts.get(vm.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
    // One /proc and sysfs read per running VM per scrape: a scrape collects every metric at once,
    // so the per-VM metrics below share the reading in flight.
    let reading: Promise<VmUsage[]> | null = null;
    const usage = (): Promise<VmUsage[]> => {
      reading ??= hypervisor.usage().finally(() => (reading = null));
      return reading;
    };
    new client.Counter({
      name: 'homeplane_vm_cpu_seconds_total',
      help: "CPU time (user + system) the running VM's QEMU process has used since it started.",
      labelNames: ['vm', 'name'],
      registers,
      async collect() {
        const samples = await usage();
        this.reset();
        for (const s of samples) this.inc({ vm: s.id, name: s.name }, s.cpuSeconds);
      },
    });
    new client.Gauge({
      name: 'homeplane_vm_memory_resident_bytes',
      help: "Resident memory of the running VM's QEMU process.",
      labelNames: ['vm', 'name'],
      registers,
      async collect() {
        const samples = await usage();
        this.reset();
        for (const s of samples) this.set({ vm: s.id, name: s.name }, s.rssBytes);
      },
    });
    const network = (name: string, help: string, pick: (u: VmUsage) => number): void => {
      new client.Counter({
        name,
        help,
        labelNames: ['vm', 'name'],
        registers,
        async collect() {
          const samples = await usage();
          this.reset();
          for (const s of samples) this.inc({ vm: s.id, name: s.name }, pick(s));
        },
      });
    };
    network(
      'homeplane_vm_network_receive_bytes_total',
      'Bytes the running VM received on its network interface (sent into its tap since the tap was made).',
      (u) => u.txBytes,
    );
    network(
      'homeplane_vm_network_transmit_bytes_total',
      'Bytes the running VM sent from its network interface (received on its tap since the tap was made).',
      (u) => u.rxBytes,
    );
    let capacity: Promise<HostCapacity> | null = null;
    const readCapacity = (): Promise<HostCapacity> => {
      capacity ??= hypervisor.capacity().finally(() => (capacity = null));
      return capacity;
    };
    for (const [resource, { metric, what, scale }] of Object.entries(RESOURCES) as [
      Resource,
      (typeof RESOURCES)[Resource],
    ][]) {
      new client.Gauge({
        name: metric,
        help: `Host ${what}, by kind: total (the host's), reserved (kept for the host), allocatable ((total - reserved) x allocation ratio), allocated (to defined VMs), free (allocatable - allocated).`,
        labelNames: ['kind'],
        registers,
        async collect() {
          const c = (await readCapacity())[resource];
          for (const kind of ['total', 'reserved', 'allocatable', 'allocated', 'free'] as const)
            this.set({ kind }, c[kind] * scale);
        },
      });
    }
  }

  return {
    registry,
    commit: ({ latencySeconds, rows }) => {
      commitLatency.observe(latencySeconds);
      batchRows.observe(rows);
    },
    grpc: {
      callEnded({ path, code, seconds, type }) {
        const slash = path.lastIndexOf('/');
        const labels = {
          grpc_service: path.slice(1, slash),
          grpc_method: path.slice(slash + 1),
          grpc_type: type,
        };
        handled.inc({ ...labels, grpc_code: grpc.status[code] ?? String(code) });
        if (type === 'unary') handling.observe(labels, seconds);
      },
      watchDropped: (reason) => watchDropped.inc({ reason }),
    },
  };
}

/**
 * Copies a monotonic count kept elsewhere into a counter: known labels always present (0 until
 * counted), others as they appear. The source never goes down, so the counter does not either.
 */
function copyCounts(
  counter: client.Counter<string>,
  label: string,
  known: readonly string[],
  counts: Record<string, number>,
): void {
  counter.reset();
  for (const value of known) counter.inc({ [label]: value }, counts[value] ?? 0);
  for (const [value, n] of Object.entries(counts)) if (!known.includes(value)) counter.inc({ [label]: value }, n);
}
