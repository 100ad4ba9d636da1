// The gRPC API of a real daemon run by scripts/lab/daemon.ts, as a client in the root namespace
// reaches it: through the unix socket the lab config names (the daemon lives in the lab's server
// namespace, the test does not), with the bearer token the daemon wrote to <dataDir>/grpc.token.
//
// One DaemonApi per daemon lifetime: a grpc-js channel that saw its server go waits out a
// reconnect backoff, so after a restart the test connects afresh instead of racing it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { EventServiceClient, type WatchRequest } from '../../../proto/gen/homeplane/v1/event.ts';
import {
  LeaseServiceClient,
  ListLeasesRequest,
  type Lease,
  type ListLeasesResponse,
} from '../../../proto/gen/homeplane/v1/lease.ts';
import {
  ListReservationsRequest,
  ReservationServiceClient,
  type CreateReservationResponse,
  type DeleteReservationResponse,
  type ListReservationsResponse,
  type Reservation,
  type UpdateReservationResponse,
} from '../../../proto/gen/homeplane/v1/reservation.ts';
import { bearer, WatchRecorder } from '../testing/harness.ts';

/** A unary call's outcome: its response, or the status it failed with. */
export type Outcome<T> = { response: T; error?: undefined } | { response?: undefined; error: grpc.ServiceError };

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

function settle<T>(start: (callback: Callback<T>) => unknown): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    start((error, response) => resolve(error ? { error } : { response }));
  });
}

/** The response, or a failure that names the status the call ended with. */
export function ok<T>(outcome: Outcome<T>, what: string): T {
  if (outcome.error) throw new Error(`${what} failed: ${grpc.status[outcome.error.code]}: ${outcome.error.details}`);
  return outcome.response;
}

/** The `listen` value for a daemon whose data folder is `dataDir`: a socket file inside it. */
export function grpcListenIn(dataDir: string): string {
  return `unix:${join(dataDir, 'grpc.sock')}`;
}

export class DaemonApi {
  readonly events: EventServiceClient;
  readonly leases: LeaseServiceClient;
  readonly reservations: ReservationServiceClient;
  private readonly watches: WatchRecorder[] = [];

  private constructor(
    target: string,
    readonly token: string,
  ) {
    const credentials = grpc.credentials.createInsecure();
    this.events = new EventServiceClient(target, credentials);
    this.leases = new LeaseServiceClient(target, credentials);
    this.reservations = new ReservationServiceClient(target, credentials);
  }

  /** Clients for the daemon with data folder `dataDir`, reading the token it wrote there. */
  static connect(dataDir: string): DaemonApi {
    const token = readFileSync(join(dataDir, 'grpc.token'), 'utf8').trim();
    return new DaemonApi(grpcListenIn(dataDir), token);
  }

  get auth(): grpc.Metadata {
    return bearer(this.token);
  }

  /** Opens a Watch that records every frame; close() cancels it if it is still open. */
  watch(request: Partial<WatchRequest>, metadata: grpc.Metadata = this.auth): WatchRecorder {
    const recorder = new WatchRecorder(this.events, request, metadata);
    this.watches.push(recorder);
    return recorder;
  }

  listLeases(
    request: Partial<ListLeasesRequest>,
    metadata: grpc.Metadata = this.auth,
  ): Promise<Outcome<ListLeasesResponse>> {
    return settle((cb) => this.leases.listLeases(ListLeasesRequest.fromPartial(request), metadata, cb));
  }

  listReservations(
    request: Partial<ListReservationsRequest>,
    metadata: grpc.Metadata = this.auth,
  ): Promise<Outcome<ListReservationsResponse>> {
    return settle((cb) =>
      this.reservations.listReservations(ListReservationsRequest.fromPartial(request), metadata, cb),
    );
  }

  createReservation(reservation: Partial<Reservation>): Promise<Outcome<CreateReservationResponse>> {
    return settle((cb) =>
      this.reservations.createReservation({ reservation: emptyReservation(reservation) }, this.auth, cb),
    );
  }

  updateReservation(
    reservation: Partial<Reservation>,
    updateMask: string[],
  ): Promise<Outcome<UpdateReservationResponse>> {
    return settle((cb) =>
      this.reservations.updateReservation({ reservation: emptyReservation(reservation), updateMask }, this.auth, cb),
    );
  }

  deleteReservation(id: string): Promise<Outcome<DeleteReservationResponse>> {
    return settle((cb) => this.reservations.deleteReservation({ id }, this.auth, cb));
  }

  /**
   * Every lease, read page by page (small pages, so paging is exercised), with the revision of
   * the first page. Callers read while nothing changes, so every page reflects that revision.
   */
  async allLeases(pageSize = 2): Promise<{ leases: Lease[]; revision: number }> {
    const leases: Lease[] = [];
    let pageToken = '';
    let revision: number | null = null;
    do {
      const page = ok(await this.listLeases({ pageSize, pageToken }), 'ListLeases');
      revision ??= page.revision;
      leases.push(...page.leases);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return { leases, revision: revision ?? 0 };
  }

  /** Every reservation (config and API), page by page. */
  async allReservations(pageSize = 2): Promise<Reservation[]> {
    const reservations: Reservation[] = [];
    let pageToken = '';
    do {
      const page = ok(await this.listReservations({ pageSize, pageToken }), 'ListReservations');
      reservations.push(...page.reservations);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return reservations;
  }

  close(): void {
    for (const watch of this.watches) if (!watch.ended && watch.error === null) watch.stream.cancel();
    this.events.close();
    this.leases.close();
    this.reservations.close();
  }
}

function emptyReservation(fields: Partial<Reservation>): Reservation {
  return {
    id: '',
    subnet: '',
    mac: '',
    clientId: '',
    address: '',
    hostname: '',
    source: 0,
    options: [],
    nextServer: '',
    bootFile: '',
    serverHostname: '',
    ...fields,
  };
}
