// homeplane.v1.Reservation -> ReservationView: the one place the dashboard reads the proto's
// reservation shape (the page's first list, the server actions' answers and the event relay).
import { ReservationSource, type Reservation } from '../../proto/gen/homeplane/v1/reservation.ts';
import type { ReservationSourceName, ReservationView } from './reservation-view.ts';

function sourceName(source: ReservationSource): ReservationSourceName {
  switch (source) {
    case ReservationSource.RESERVATION_SOURCE_CONFIG:
      return 'config';
    case ReservationSource.RESERVATION_SOURCE_API:
      return 'api';
    case ReservationSource.RESERVATION_SOURCE_VM:
      return 'vm';
    default:
      // UNSPECIFIED never describes a stored reservation; a source added later is shown read-only.
      return 'unknown';
  }
}

export function toReservationView(reservation: Reservation): ReservationView {
  return {
    id: reservation.id,
    subnet: reservation.subnet,
    mac: reservation.mac,
    clientId: reservation.clientId,
    address: reservation.address,
    hostname: reservation.hostname,
    source: sourceName(reservation.source),
    options: reservation.options.map((option) => ({
      name: option.name,
      code: option.code,
      type: option.type,
      data: option.data,
      always: option.always,
    })),
    nextServer: reservation.nextServer,
    bootFile: reservation.bootFile,
    serverHostname: reservation.serverHostname,
  };
}
