// A real grpc-js server on 127.0.0.1:0 over the real DHCP side on a temporary SQLite file
// (dhcp-world.ts), with generated clients and helpers to read Watch streams. Every test file
// starts its own.
import * as grpc from '@grpc/grpc-js';
import { EventServiceClient, type WatchRequest, type WatchResponse } from '../../../proto/gen/homeplane/v1/event.ts';
import { LeaseServiceClient } from '../../../proto/gen/homeplane/v1/lease.ts';
import { ReservationServiceClient } from '../../../proto/gen/homeplane/v1/reservation.ts';
import { SubnetServiceClient } from '../../../proto/gen/homeplane/v1/subnet.ts';
import { StatsServiceClient } from '../../../proto/gen/homeplane/v1/stats.ts';
import { StatusServiceClient } from '../../../proto/gen/homeplane/v1/status.ts';
import type { Logger } from '../../ports.ts';
import type { DhcpAdminService } from '../../dhcp/admin-service.ts';
import type { SqliteEventLog } from '../../store/sqlite-event-log.ts';
import { startGrpcServer, type GrpcServer, type GrpcServerOptions } from '../server.ts';
import { openDhcpWorld, type DhcpWorld, type DhcpWorldOptions } from './dhcp-world.ts';
import { InjectedFailureAdmin } from './injected-failure.ts';

export const TEST_TOKEN = 'test-token-0123456789abcdef0123456789';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export function recordingLogger(lines: LogLine[]): Logger {
  const record = (level: LogLine['level']) => (obj: object, msg: string) => lines.push({ level, obj, msg });
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

export function bearer(token = TEST_TOKEN): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

export interface Harness {
  server: GrpcServer;
  /** The DHCP side the server runs on: admin, Bindings, engine, store, log, clock. */
  world: DhcpWorld;
  /** The world's event log (the server's log and feed). */
  log: SqliteEventLog;
  /** The world's admin, as the server calls it (through `faults`). */
  admin: DhcpAdminService;
  /** Between the server and the admin: arm `failNextWith` to make the next admin call fail. */
  faults: InjectedFailureAdmin;
  logLines: LogLine[];
  /** Clients on one shared channel. */
  events: EventServiceClient;
  leases: LeaseServiceClient;
  reservations: ReservationServiceClient;
  subnets: SubnetServiceClient;
  stats: StatsServiceClient;
  status: StatusServiceClient;
  /** A Watch client on a connection of its own (so its flow control is its own). */
  separateEventClient(): EventServiceClient;
  close(): Promise<void>;
}

/** What the harness's StatusService reports unless a test gives its own `status`. */
export const TEST_STATUS: NonNullable<GrpcServerOptions['status']> = {
  version: '0.0.0-test',
  startTime: Date.parse('2025-01-02T03:29:00Z'),
  dhcp: { serving: true, interfaces: ['hp-test0'] },
};

export type HarnessOptions = Partial<Omit<GrpcServerOptions, 'admin' | 'log' | 'feed' | 'subnetSettings'>> &
  DhcpWorldOptions;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { subnets, scopes, ...serverOptions } = options;
  const world = await openDhcpWorld({
    ...(subnets === undefined ? {} : { subnets }),
    ...(scopes === undefined ? {} : { scopes }),
  });
  const faults = new InjectedFailureAdmin(world.admin);
  const logLines: LogLine[] = [];
  let server: GrpcServer;
  try {
    server = await startGrpcServer({
      listen: '127.0.0.1:0',
      token: TEST_TOKEN,
      logger: recordingLogger(logLines),
      snapshot: () => world.snapshot(),
      clock: world.clock,
      status: TEST_STATUS,
      ...serverOptions,
      subnetSettings: world.subnetSettings,
      admin: faults,
      log: world.log,
      feed: world.log,
    });
  } catch (err) {
    await world.close();
    throw err;
  }
  const credentials = grpc.credentials.createInsecure();
  const clients: grpc.Client[] = [];
  const keep = <T extends grpc.Client>(client: T): T => {
    clients.push(client);
    return client;
  };
  let separate = 0;
  return {
    server,
    world,
    log: world.log,
    admin: world.admin,
    faults,
    logLines,
    events: keep(new EventServiceClient(server.address, credentials)),
    leases: keep(new LeaseServiceClient(server.address, credentials)),
    reservations: keep(new ReservationServiceClient(server.address, credentials)),
    subnets: keep(new SubnetServiceClient(server.address, credentials)),
    stats: keep(new StatsServiceClient(server.address, credentials)),
    status: keep(new StatusServiceClient(server.address, credentials)),
    // Distinct channel options give a channel (and connection) of its own.
    separateEventClient: () =>
      keep(new EventServiceClient(server.address, credentials, { 'grpc.test-channel': ++separate } as object)),
    async close() {
      for (const client of clients) client.close();
      await server.shutdown(1_000);
      await world.close();
    },
  };
}

/** Calls a unary method of a generated client and resolves with its response or its ServiceError. */
export function call<Request, Response>(
  method: (
    request: Request,
    metadata: grpc.Metadata,
    callback: (err: grpc.ServiceError | null, response: Response) => void,
  ) => unknown,
  request: Request,
  metadata: grpc.Metadata = bearer(),
): Promise<{ response?: Response; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    method(request, metadata, (error, response) => resolve(error ? { error } : { response }));
  });
}

/** A Watch stream that records frames and how it ended. */
export class WatchRecorder {
  readonly frames: WatchResponse[] = [];
  error: grpc.ServiceError | null = null;
  ended = false;
  readonly stream: grpc.ClientReadableStream<WatchResponse>;
  private waiters: (() => void)[] = [];

  constructor(client: EventServiceClient, request: Partial<WatchRequest>, metadata: grpc.Metadata = bearer()) {
    this.stream = client.watch({ sinceRevision: 0, kinds: [], ...request }, metadata);
    this.stream.on('data', (frame: WatchResponse) => {
      this.frames.push(frame);
      this.wake();
    });
    this.stream.on('error', (err: grpc.ServiceError) => {
      this.error = err;
      this.wake();
    });
    this.stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Revisions of every event received, in order (snapshot events are 0). */
  get revisions(): number[] {
    return this.frames.flatMap((f) =>
      f.payload?.$case === 'events' ? f.payload.events.events.map((e) => e.revision) : [],
    );
  }

  get cases(): string[] {
    return this.frames.map((f) => f.payload?.$case ?? 'none');
  }

  /** Waits until `ready()` holds, failing after `ms`. */
  async until(ready: (r: this) => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready(this)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${what}; frames: ${this.cases.join(',')}; error: ${this.error?.message ?? 'none'}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Cancels the call and waits for its CANCELLED end. */
  async cancel(): Promise<void> {
    this.stream.cancel();
    await this.until((r) => r.error !== null || r.ended, 'the cancellation');
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export async function waitFor(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
