// The daemon's gRPC server: homeplane.v1 services on the domain's ports, bearer-token auth on
// every call, health checking and reflection, and a graceful shutdown that leaves every watcher
// a resume point.
import * as grpc from '@grpc/grpc-js';
import type { DhcpAdmin } from '../dhcp/admin.ts';
import { systemClock, type Clock, type Logger } from '../ports.ts';
import type { EventFeed, EventHistory, EventLogReader } from '../events/types.ts';
import { LeaseServiceService } from '../../proto/gen/homeplane/v1/lease.ts';
import { ReservationServiceService } from '../../proto/gen/homeplane/v1/reservation.ts';
import { SubnetServiceService } from '../../proto/gen/homeplane/v1/subnet.ts';
import { StatsServiceService } from '../../proto/gen/homeplane/v1/stats.ts';
import { HostServiceService } from '../../proto/gen/homeplane/v1/host.ts';
import { ImageServiceService } from '../../proto/gen/homeplane/v1/image.ts';
import { AuthServiceService } from '../../proto/gen/homeplane/v1/auth.ts';
import type { ListEventsRequest } from '../../proto/gen/homeplane/v1/event.ts';
import { StatusServiceService } from '../../proto/gen/homeplane/v1/status.ts';
import type { Accounts } from '../auth/accounts.ts';
import { authService } from './auth-service.ts';
import { bearerTokenInterceptor } from './auth.ts';
import { eventServiceWithFrames } from './frames.ts';
import { HealthService } from './health.ts';
import { leaseService } from './lease-service.ts';
import { reservationService } from './reservation-service.ts';
import { statsService, subnetService } from './inventory-services.ts';
import { ACTIVITY_KINDS, MAX_WINDOW_SECONDS } from '../events/lease-activity.ts';
import { LeaseActivityTally } from '../events/lease-activity-tally.ts';
import {
  addReflection,
  AUTH_SERVICES,
  HOMEPLANE_SERVICES,
  HYPERVISOR_SERVICES,
  STATUS_SERVICES,
} from './reflection.ts';
import { listEvents } from './list-events.ts';
import { statusService, type DaemonStatus } from './status-service.ts';
import { unary } from './status.ts';
import { serverOptions } from './server-options.ts';
import type { SubnetSettings } from './translate.ts';
import { WatchHub } from './watch.ts';
import { hostService } from './host-service.ts';
import type { HypervisorPorts } from './hypervisor-ports.ts';
import { imageService } from './image-service.ts';
import { OpenStreams } from './open-streams.ts';
import { vmService, vmServiceDefinition } from './vm-service.ts';
import type { Snapshot } from './watcher.ts';
import { callObserverInterceptor, type GrpcObserver } from './call-observer.ts';

export interface GrpcServerOptions {
  /** "host:port" (port 0: any free port) or "unix:/path/to/socket". */
  listen: string;
  /** What every call must present as `authorization: Bearer <token>` (see token.ts). */
  token: string;
  admin: DhcpAdmin;
  log: EventLogReader & EventHistory;
  feed: EventFeed;
  /** The time GetLeaseActivity's buckets end at. Default the wall clock. */
  clock?: Clock;
  /** What the daemon started (version, DHCP on or why off): with it the server also serves StatusService. */
  status?: DaemonStatus;
  /** The current objects as event drafts (their kinds are not used), read in one tick with the revision they reflect. */
  snapshot: () => Snapshot;
  logger: Logger;
  /** An idle watcher gets a Bookmark after this long with nothing sent. Default 15 s. */
  bookmarkIntervalMs?: number;
  /** Bytes a watcher may have waiting before it is dropped. Default 1 MiB (some 7 s of 1,000 lease events/s). */
  watcherQueueBytes?: number;
  /** The config's subnets, for the settings ListSubnets reports beside the usage (pools, routers, ...). */
  subnetSettings?: SubnetSettings;
  /** Events per log read while a watcher catches up. Default 500. */
  replayChunkEvents?: number;
  /** How long a dropped watcher's RESOURCE_EXHAUSTED may take to go out before its stream is reset. Default 1 s. */
  overflowGraceMs?: number;
  /** Watch streams open at once, in total (grpc.maxWatchers). Default 2048. */
  maxWatchers?: number;
  /** Watch streams open at once from one peer: an IP address, or every unix-socket client (grpc.maxWatchersPerPeer). Default 1024. */
  maxWatchersPerPeer?: number;
  /** HTTP/2 streams open at once on one connection (grpc.maxStreamsPerConnection). Default 1100. */
  maxStreamsPerConnection?: number;
  /** How long a watcher catching up or taking a snapshot may wait for its client to read (grpc.watchStallTimeout). Default 30 s. */
  watchStallTimeoutMs?: number;
  /** The VM side: with it the server also serves VmService, HostService and ImageService. */
  hypervisor?: HypervisorPorts;
  /** The dashboard's users and sessions: with them the server also serves AuthService. */
  auth?: Accounts;
  /** Told how every call ended and of every dropped watcher (the metrics). */
  observer?: GrpcObserver;
}

export interface GrpcServer {
  /** The bound address: "host:port" with the real port, or the "unix:" address as given. */
  readonly address: string;
  /** Watch streams open now. */
  readonly openWatches: number;
  /**
   * Health SERVING or NOT_SERVING for the daemon ('') and every homeplane.v1 service; their
   * health watchers get the change. After shutdown() began, health stays NOT_SERVING.
   */
  setServing(serving: boolean): void;
  /**
   * Health NOT_SERVING, a last Bookmark and UNAVAILABLE to every watcher, then waits for calls
   * to finish; after `deadlineMs` the remaining connections are cut. Safe to call twice.
   */
  shutdown(deadlineMs: number): Promise<void>;
}

const DEFAULTS = {
  bookmarkIntervalMs: 15_000,
  watcherQueueBytes: 1024 * 1024,
  replayChunkEvents: 500,
  overflowGraceMs: 1_000,
  maxWatchers: 2048,
  maxWatchersPerPeer: 1024,
  maxStreamsPerConnection: 1100,
  watchStallTimeoutMs: 30_000,
};

function bind(server: grpc.Server, listen: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(new Error(`gRPC cannot listen on ${listen}: ${err.message}`));
      else if (listen.startsWith('unix:')) resolve(listen);
      else resolve(`${listen.slice(0, listen.lastIndexOf(':'))}:${port}`);
    });
  });
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const { admin, log, feed, logger } = options;
  const server = new grpc.Server({
    ...serverOptions(options.maxStreamsPerConnection ?? DEFAULTS.maxStreamsPerConnection),
    // The observer first, so it also sees the calls the token check refuses.
    interceptors: [
      ...(options.observer ? [callObserverInterceptor(options.observer)] : []),
      bearerTokenInterceptor(options.token),
    ],
  });
  const hub = new WatchHub(
    {
      log,
      feed,
      snapshot: options.snapshot,
      logger,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? DEFAULTS.bookmarkIntervalMs,
      queueBytes: options.watcherQueueBytes ?? DEFAULTS.watcherQueueBytes,
      replayChunk: options.replayChunkEvents ?? DEFAULTS.replayChunkEvents,
      overflowGraceMs: options.overflowGraceMs ?? DEFAULTS.overflowGraceMs,
      stallTimeoutMs: options.watchStallTimeoutMs ?? DEFAULTS.watchStallTimeoutMs,
      onDropped: options.observer ? (reason) => options.observer!.watchDropped(reason) : undefined,
    },
    {
      maxWatchers: options.maxWatchers ?? DEFAULTS.maxWatchers,
      maxWatchersPerPeer: options.maxWatchersPerPeer ?? DEFAULTS.maxWatchersPerPeer,
    },
  );
  server.addService(eventServiceWithFrames, {
    watch: hub.watch,
    listEvents: unary('ListEvents', logger, (request: ListEventsRequest) => listEvents(log, request)),
  });
  server.addService(LeaseServiceService, leaseService(admin, logger));
  server.addService(ReservationServiceService, reservationService(admin, logger));
  server.addService(SubnetServiceService, subnetService(admin, options.subnetSettings, logger));
  const clock = options.clock ?? systemClock;
  // Counts kept in memory: a call reads only the events since the previous one (lease-activity-tally.ts).
  const activity = new LeaseActivityTally(log, clock, ACTIVITY_KINDS, MAX_WINDOW_SECONDS * 1000);
  server.addService(StatsServiceService, statsService(admin, log, activity, clock, logger));
  const served: string[] = [...HOMEPLANE_SERVICES];
  if (options.status !== undefined) {
    server.addService(
      StatusServiceService,
      statusService(options.status, log, () => hub.size, logger),
    );
    served.push(...STATUS_SERVICES);
  }
  const vmStreams = new OpenStreams();
  if (options.hypervisor !== undefined) {
    const hypervisor = options.hypervisor;
    const overflowGraceMs = options.overflowGraceMs ?? DEFAULTS.overflowGraceMs;
    server.addService(vmServiceDefinition, vmService({ hypervisor, log, streams: vmStreams, overflowGraceMs, logger }));
    server.addService(HostServiceService, hostService(hypervisor, logger));
    server.addService(ImageServiceService, imageService(hypervisor, logger));
    served.push(...HYPERVISOR_SERVICES);
  }
  if (options.auth !== undefined) {
    server.addService(AuthServiceService, authService(options.auth, logger));
    served.push(...AUTH_SERVICES);
  }
  const health = new HealthService(['', ...served]);
  health.addToServer(server);
  addReflection(server, served);

  const address = await bind(server, options.listen).catch((err: unknown) => {
    server.forceShutdown();
    throw err;
  });
  logger.info({ address }, 'gRPC API listening');

  let stopping: Promise<void> | null = null;
  const shutdown = async (deadlineMs: number): Promise<void> => {
    health.stop();
    hub.shutdown();
    vmStreams.shutdown();
    let timer: NodeJS.Timeout | undefined;
    const finished = new Promise<'finished'>((resolve) => server.tryShutdown(() => resolve('finished')));
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    const outcome = await Promise.race([finished, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      logger.warn({ deadlineMs }, 'gRPC calls still open at the shutdown deadline; closing their connections');
      server.forceShutdown();
    }
    logger.info({}, 'gRPC API stopped');
  };

  return {
    address,
    get openWatches() {
      return hub.size;
    },
    setServing(serving) {
      health.setServing(serving);
    },
    shutdown(deadlineMs) {
      stopping ??= shutdown(deadlineMs);
      return stopping;
    },
  };
}
