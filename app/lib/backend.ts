// The dashboard's one gRPC client. Every read and change the dashboard makes goes through the
// daemon's API (design.md: app/ never imports server/ or drizzle/).
//
// One channel per process, cached on globalThis so Next's hot reloads in development reuse it
// (as create-t3-app caches its database client); all service clients share it. Every call sends
// `authorization: Bearer <token>` with the token read from the daemon's token file at call time,
// so a dashboard started before the daemon (which writes the file before it serves, design.md)
// works as soon as the file appears. Unary calls carry a deadline; Watch streams do not.
import 'server-only';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { AuthServiceClient } from '../../proto/gen/homeplane/v1/auth.ts';
import { EventServiceClient, WatchRequest, type WatchResponse } from '../../proto/gen/homeplane/v1/event.ts';
import { HostServiceClient } from '../../proto/gen/homeplane/v1/host.ts';
import { ImageServiceClient } from '../../proto/gen/homeplane/v1/image.ts';
import { LeaseServiceClient, ListLeasesRequest, type ListLeasesResponse } from '../../proto/gen/homeplane/v1/lease.ts';
import { ReservationServiceClient } from '../../proto/gen/homeplane/v1/reservation.ts';
import { StatsServiceClient } from '../../proto/gen/homeplane/v1/stats.ts';
import { StatusServiceClient } from '../../proto/gen/homeplane/v1/status.ts';
import { SubnetServiceClient } from '../../proto/gen/homeplane/v1/subnet.ts';
import { VmServiceClient } from '../../proto/gen/homeplane/v1/vm.ts';
import { serverEnv } from './env.ts';

/** A unary call that takes longer than this fails with DEADLINE_EXCEEDED. */
const UNARY_DEADLINE_MS = 5_000;
/** The channel's reconnect backoff: first retry after 1 s, never more than 5 s apart. */
const RECONNECT_BACKOFF_MS = { initial: 1_000, max: 5_000 };

/**
 * A call to the daemon failed; the message says what to check. `code` is the gRPC status,
 * `details` the daemon's own message (what a form shows at its field), `metadata` the trailers.
 */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    message: string,
    readonly code: grpc.status,
    readonly details: string = message,
    readonly metadata: grpc.Metadata | null = null,
  ) {
    super(message);
  }
}

/** One client per daemon service, all on the one channel. */
export interface Clients {
  auth: AuthServiceClient;
  events: EventServiceClient;
  hosts: HostServiceClient;
  images: ImageServiceClient;
  leases: LeaseServiceClient;
  reservations: ReservationServiceClient;
  stats: StatsServiceClient;
  status: StatusServiceClient;
  subnets: SubnetServiceClient;
  vms: VmServiceClient;
}

interface Connection extends Clients {
  target: string;
  tokenFile: string;
  channel: grpc.Channel;
}

const cache = globalThis as unknown as { homeplaneBackend?: Connection };

function connection(): Connection {
  const env = serverEnv();
  const cached = cache.homeplaneBackend;
  if (cached?.target === env.HOMEPLANE_GRPC_TARGET && cached.tokenFile === env.HOMEPLANE_GRPC_TOKEN_FILE) return cached;
  cached?.channel.close();
  // Plain HTTP/2: the daemon listens on loopback or a unix socket (design.md, gRPC listen).
  const credentials = grpc.credentials.createInsecure();
  // Every tab's Watch shares this one HTTP/2 connection, and so its flow-control window: with
  // grpc-js's 64 KiB default, 100 busy streams reached p99 ~100 ms in the watch benchmark; a
  // 1 MiB window brought it to ~20 ms.
  const channel = new grpc.Channel(env.HOMEPLANE_GRPC_TARGET, credentials, {
    'grpc-node.flow_control_window': 1024 * 1024,
    // After a daemon restart grpc-js would back off up to 120 s between connection attempts;
    // capped, the dashboard is back within seconds of the daemon.
    'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF_MS.initial,
    'grpc.max_reconnect_backoff_ms': RECONNECT_BACKOFF_MS.max,
  });
  const options = { channelOverride: channel };
  const fresh: Connection = {
    target: env.HOMEPLANE_GRPC_TARGET,
    tokenFile: env.HOMEPLANE_GRPC_TOKEN_FILE,
    channel,
    auth: new AuthServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    events: new EventServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    hosts: new HostServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    images: new ImageServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    leases: new LeaseServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    reservations: new ReservationServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    stats: new StatsServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    status: new StatusServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    subnets: new SubnetServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
    vms: new VmServiceClient(env.HOMEPLANE_GRPC_TARGET, credentials, options),
  };
  cache.homeplaneBackend = fresh;
  return fresh;
}

async function authorization(conn: Connection): Promise<grpc.Metadata> {
  let token: string;
  try {
    token = (await readFile(conn.tokenFile, 'utf8')).trim();
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'does not exist yet: is the daemon running?'
        : (err as Error).message;
    throw new BackendError(`the daemon's token file ${conn.tokenFile} ${reason}`, grpc.status.UNAVAILABLE);
  }
  if (token === '')
    throw new BackendError(`the daemon's token file ${conn.tokenFile} is empty`, grpc.status.UNAVAILABLE);
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** Turns a gRPC error into a BackendError whose message an operator can act on. */
export function backendError(err: grpc.ServiceError, conn: Pick<Connection, 'target' | 'tokenFile'>): BackendError {
  const details = err.details || err.message;
  const trailers = err.metadata ?? null;
  switch (err.code) {
    case grpc.status.UNAVAILABLE:
      return new BackendError(
        `the daemon at ${conn.target} is not reachable (${details})`,
        err.code,
        details,
        trailers,
      );
    case grpc.status.UNAUTHENTICATED:
      // The same code answers a wrong API token (server/grpc/auth.ts) and a wrong password or
      // session (AuthService); only the first is the operator's problem.
      return new BackendError(
        isTokenRefusal(details) ? `the daemon refused the token from ${conn.tokenFile} (${details})` : details,
        err.code,
        details,
        trailers,
      );
    case grpc.status.DEADLINE_EXCEEDED:
      return new BackendError(
        `the daemon at ${conn.target} did not answer within ${UNARY_DEADLINE_MS / 1000} s`,
        err.code,
        details,
        trailers,
      );
    default:
      return new BackendError(`${grpc.status[err.code] ?? err.code}: ${details}`, err.code, details, trailers);
  }
}

/** The daemon's refusal of a missing or wrong API token starts so (server/grpc/auth.ts). */
export function isTokenRefusal(details: string): boolean {
  return details.startsWith('missing or wrong token');
}

/** A unary method of a generated client, bound to it. */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

async function unary<Req, Res>(
  conn: Connection,
  method: UnaryMethod<Req, Res>,
  request: Req,
  deadlineMs = UNARY_DEADLINE_MS,
): Promise<Res> {
  const metadata = await authorization(conn);
  return new Promise((resolve, reject) => {
    method(request, metadata, { deadline: Date.now() + deadlineMs }, (error, response) => {
      if (error) reject(backendError(error, conn));
      else resolve(response);
    });
  });
}

/**
 * One unary call to the daemon: `pick` names the method on the clients, e.g.
 * `call((c) => c.leases.releaseLease.bind(c.leases), ReleaseLeaseRequest.fromPartial({ address }))`.
 * Fails with a BackendError. Callers check the dashboard session first (app/lib/session.ts).
 * `deadlineMs` is for the calls that wait on something slow by design (StopVm waits up to 30 s
 * for the guest to power off); the default suits every other call.
 */
export function call<Req, Res>(
  pick: (clients: Clients) => UnaryMethod<Req, Res>,
  request: Req,
  options: { deadlineMs?: number } = {},
): Promise<Res> {
  const conn = connection();
  return unary(conn, pick(conn), request, options.deadlineMs);
}

/** LeaseService.ListLeases: one page of the lease table, with the revision it reflects. */
export function listLeases(request: Partial<ListLeasesRequest> = {}): Promise<ListLeasesResponse> {
  const conn = connection();
  return unary(conn, conn.leases.listLeases.bind(conn.leases), ListLeasesRequest.fromPartial(request));
}

export interface EventWatch {
  call: grpc.ClientReadableStream<WatchResponse>;
  /** Cancels the call (safe at any time, see below). */
  cancel(): void;
  /** Translates an error the call emits. */
  describe(err: grpc.ServiceError): BackendError;
}

/**
 * EventService.Watch. The call lives until the daemon ends it or `signal` aborts (the browser
 * tab went away), which cancels it so the daemon removes its subscriber at once.
 */
export async function watchEvents(request: Partial<WatchRequest>, signal: AbortSignal): Promise<EventWatch> {
  const conn = connection();
  const metadata = await authorization(conn);
  if (signal.aborted) throw new BackendError('the watch was cancelled before it started', grpc.status.CANCELLED);
  const call = conn.events.watch(WatchRequest.fromPartial(request), metadata);
  // grpc-js 1.14 opens the HTTP/2 stream in a promise callback after watch() returns: a cancel()
  // in that same tick ends the call here but leaves the stream open on the daemon (a leaked
  // watcher, on a channel that lives as long as the dashboard). One macrotask later it resets
  // the stream as it should.
  const cancel = (): void => void setImmediate(() => call.cancel());
  signal.addEventListener('abort', cancel, { once: true });
  call.once('close', () => signal.removeEventListener('abort', cancel));
  return { call, cancel, describe: (err) => backendError(err, conn) };
}

/** A server-streaming method of a generated client, bound to it. */
export type ServerStreamMethod<Req, Res> = (request: Req, metadata: grpc.Metadata) => grpc.ClientReadableStream<Res>;

export interface ServerStream<Res> {
  call: grpc.ClientReadableStream<Res>;
  /** Cancels the call (safe at any time: the same deferral as watchEvents). */
  cancel(): void;
  /** Translates an error the call emits. */
  describe(err: grpc.ServiceError): BackendError;
}

/**
 * A server-streaming call other than Watch (VmService.StreamConsole, WatchVmStats): `pick` names
 * the method as for call(). Lives until the daemon ends it or `cancel()`; no deadline.
 */
export async function openServerStream<Req, Res>(
  pick: (clients: Clients) => ServerStreamMethod<Req, Res>,
  request: Req,
): Promise<ServerStream<Res>> {
  const conn = connection();
  const metadata = await authorization(conn);
  const call = pick(conn)(request, metadata);
  // See watchEvents: a cancel() in the tick the call was made in would leave it open on the daemon.
  return { call, cancel: () => void setImmediate(() => call.cancel()), describe: (err) => backendError(err, conn) };
}
