// homeplane.v1.ReservationService on the DhcpAdmin port.
import type { DhcpAdmin, ReservationInput } from '../dhcp/admin.ts';
import type { ReservationRecord } from '../dhcp/reservations.ts';
import type { Logger } from '../ports.ts';
import { InvalidInputError } from '../errors.ts';
import type {
  CreateReservationFromLeaseRequest,
  ListReservationsRequest,
  ListReservationsResponse,
  Reservation,
  ReservationServiceServer,
  UpdateReservationRequest,
} from '../../proto/gen/homeplane/v1/reservation.ts';
import { unary } from './status.ts';
import { reservationSourceFilter, reservationToProto } from './translate.ts';
import {
  optionalAddress,
  optionalBootFile,
  optionalClientId,
  optionalHostname,
  optionalMac,
  optionalServerHostname,
  pageSize,
  requireAddress,
  requireOptions,
  subnetFilter,
} from './input.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';

/** The fields UpdateReservation may change (reservation.proto UpdateReservationRequest.update_mask). */
const UPDATABLE = [
  'mac',
  'client_id',
  'address',
  'hostname',
  'options',
  'next_server',
  'boot_file',
  'server_hostname',
] as const;
type Updatable = (typeof UPDATABLE)[number];

const NOT_UPDATABLE_REASON: Readonly<Record<string, string>> = {
  subnet: 'the subnet follows the address; change "address" instead',
  id: 'is set by the server and cannot change',
  source: 'is set by the server and cannot change',
};

function requireReservation(reservation: Reservation | undefined): Reservation {
  if (reservation === undefined) throw new InvalidInputError('reservation', 'is required');
  return reservation;
}

function requireId(field: string, id: string): string {
  if (id === '')
    throw new InvalidInputError(field, 'is required; give the id of a reservation (ListReservations shows them)');
  return id;
}

function creationInput(reservation: Reservation): ReservationInput {
  const input: ReservationInput = {
    ip: requireAddress('reservation.address', reservation.address),
    mac: optionalMac('reservation.mac', reservation.mac),
    clientId: optionalClientId('reservation.client_id', reservation.clientId),
    hostname: optionalHostname('reservation.hostname', reservation.hostname),
    options: requireOptions('reservation.options', reservation.options),
    nextServer: optionalAddress('reservation.next_server', reservation.nextServer),
    bootFile: optionalBootFile('reservation.boot_file', reservation.bootFile),
    serverHostname: optionalServerHostname('reservation.server_hostname', reservation.serverHostname),
  };
  // As the daemon's rule (admin-service.ts) and the config file's: one client, known one way.
  if (input.mac === null && input.clientId === null) {
    throw new InvalidInputError('reservation.mac', 'give exactly one of mac or client_id; both are empty');
  }
  if (input.mac !== null && input.clientId !== null) {
    throw new InvalidInputError(
      'reservation.client_id',
      'give exactly one of mac or client_id, not both, so the reservation matches one client; leave the other empty',
    );
  }
  const subnet = subnetFilter('reservation.subnet', reservation.subnet);
  if (subnet !== undefined) input.subnetId = subnet;
  return input;
}

/** The fields an update changes: those named in the mask, or (empty mask) those given non-empty. */
function updatedFields(reservation: Reservation, mask: readonly string[]): Set<Updatable> {
  if (mask.length === 0) {
    const given = {
      mac: reservation.mac,
      client_id: reservation.clientId,
      address: reservation.address,
      hostname: reservation.hostname,
      options: reservation.options.length === 0 ? '' : 'given',
      next_server: reservation.nextServer,
      boot_file: reservation.bootFile,
      server_hostname: reservation.serverHostname,
    };
    return new Set(UPDATABLE.filter((name) => given[name] !== ''));
  }
  const fields = new Set<Updatable>();
  for (const path of mask) {
    if (!(UPDATABLE as readonly string[]).includes(path)) {
      const reason = NOT_UPDATABLE_REASON[path] ?? `is not a field that can be updated; use ${UPDATABLE.join(', ')}`;
      throw new InvalidInputError('update_mask', `"${path}" ${reason}`);
    }
    fields.add(path as Updatable);
  }
  return fields;
}

function updatePatch(request: UpdateReservationRequest): { id: string; patch: Partial<ReservationInput> } {
  const reservation = requireReservation(request.reservation);
  const id = requireId('reservation.id', reservation.id);
  const patch: Partial<ReservationInput> = {};
  for (const field of updatedFields(reservation, request.updateMask ?? [])) {
    if (field === 'mac') patch.mac = optionalMac('reservation.mac', reservation.mac);
    if (field === 'client_id') patch.clientId = optionalClientId('reservation.client_id', reservation.clientId);
    if (field === 'hostname') patch.hostname = optionalHostname('reservation.hostname', reservation.hostname);
    if (field === 'address') patch.ip = requireAddress('reservation.address', reservation.address);
    if (field === 'options') patch.options = requireOptions('reservation.options', reservation.options);
    if (field === 'next_server') patch.nextServer = optionalAddress('reservation.next_server', reservation.nextServer);
    if (field === 'boot_file') patch.bootFile = optionalBootFile('reservation.boot_file', reservation.bootFile);
    if (field === 'server_hostname') {
      patch.serverHostname = optionalServerHostname('reservation.server_hostname', reservation.serverHostname);
    }
  }
  return { id, patch };
}

function compareByAddress(a: ReservationRecord, b: ReservationRecord): number {
  return a.ip - b.ip || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Cursor of a reservation list: "<ip>/<id>" of the last item of the page. */
function cursorOf(reservation: ReservationRecord): string {
  return `${reservation.ip}/${reservation.id}`;
}

function listReservations(admin: DhcpAdmin, request: ListReservationsRequest): ListReservationsResponse {
  const subnet = subnetFilter('subnet', request.subnet);
  const source = reservationSourceFilter(request.source, 'source');
  const filters = { subnet, source, query: request.query };
  const limit = pageSize('page_size', request.pageSize);
  const after = decodePageToken('page_token', request.pageToken, filters);
  const { items, revision } = admin.listReservations({
    ...(subnet === undefined ? {} : { subnet }),
    ...(request.query === '' ? {} : { query: request.query }),
  });
  const matching = items.filter((r) => source === undefined || r.source === source).sort(compareByAddress);
  const start = after === null ? 0 : matching.findIndex((r) => compareCursor(r, after) > 0);
  const page = start < 0 ? [] : matching.slice(start, start + limit);
  const more = start >= 0 && start + limit < matching.length;
  return {
    reservations: page.map(reservationToProto),
    nextPageToken: more ? encodePageToken(cursorOf(page[page.length - 1]!), filters) : '',
    revision,
    totalSize: matching.length,
  };
}

/** Orders a reservation against a cursor "<ip>/<id>" the way compareByAddress orders two. */
function compareCursor(reservation: ReservationRecord, cursor: string): number {
  const slash = cursor.indexOf('/');
  const ip = Number(cursor.slice(0, slash));
  if (slash < 0 || !Number.isInteger(ip)) {
    throw new InvalidInputError('page_token', 'is not a page token from this server; pass next_page_token unchanged');
  }
  const id = cursor.slice(slash + 1);
  return reservation.ip - ip || (reservation.id < id ? -1 : reservation.id > id ? 1 : 0);
}

/** Absent: the lease's own hostname; present and empty: none (reservation.proto). */
function hostnameFromLease(
  admin: DhcpAdmin,
  address: number,
  request: CreateReservationFromLeaseRequest,
): string | null {
  if (request.hostname === undefined) return admin.getLease(address).lease.hostname;
  return optionalHostname('hostname', request.hostname);
}

export function reservationService(admin: DhcpAdmin, logger: Logger): ReservationServiceServer {
  return {
    listReservations: unary('ListReservations', logger, (request: ListReservationsRequest) =>
      listReservations(admin, request),
    ),
    getReservation: unary('GetReservation', logger, (request) => ({
      reservation: reservationToProto(admin.getReservation(requireId('id', request.id))),
    })),
    createReservation: unary('CreateReservation', logger, async (request) => {
      const stored = await admin.createReservation(creationInput(requireReservation(request.reservation)));
      return { reservation: reservationToProto(stored) };
    }),
    updateReservation: unary('UpdateReservation', logger, async (request: UpdateReservationRequest) => {
      const { id, patch } = updatePatch(request);
      return { reservation: reservationToProto(await admin.updateReservation(id, patch)) };
    }),
    deleteReservation: unary('DeleteReservation', logger, async (request) => ({
      reservation: reservationToProto(await admin.deleteReservation(requireId('id', request.id))),
    })),
    createReservationFromLease: unary(
      'CreateReservationFromLease',
      logger,
      async (request: CreateReservationFromLeaseRequest) => {
        const address = requireAddress('address', request.address);
        const hostname = hostnameFromLease(admin, address, request);
        return { reservation: reservationToProto(await admin.createReservationFromLease(address, hostname)) };
      },
    ),
  };
}
