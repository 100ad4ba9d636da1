'use server';
// The Reservations page's server actions: check the session, check the obvious locally
// (reservation-form.ts), then ask ReservationService; a refusal comes back as messages at the
// form's fields (reservation-errors.ts). The page itself follows the change through the event
// stream, so nothing here revalidates.
import {
  CreateReservationRequest,
  DeleteReservationRequest,
  GetReservationRequest,
  UpdateReservationRequest,
} from '../../proto/gen/homeplane/v1/reservation.ts';
import { BackendError, call } from './backend.ts';
import { toReservationView } from './reservation-convert.ts';
import { collidingReservationId, reservationErrors, type ReservationErrors } from './reservation-errors.ts';
import { checkReservationForm, readReservationForm, type ReservationFormValues } from './reservation-form.ts';
import { optionEntry, withoutBlankRows } from './reservation-options.ts';
import type { ReservationView } from './reservation-view.ts';
import { requireSession } from './session.ts';

/** The trailer naming the field of an INVALID_ARGUMENT (server/grpc/status.ts INVALID_FIELD_KEY). */
const INVALID_FIELD_KEY = 'homeplane-invalid-field';

export type ReservationFormState =
  | { status: 'idle' }
  | { status: 'invalid'; errors: ReservationErrors; values: ReservationFormValues }
  | { status: 'saved'; reservation: ReservationView };

export type DeleteState =
  { status: 'idle' } | { status: 'failed'; message: string } | { status: 'deleted'; reservation: ReservationView };

/** UpdateReservation names every field the form shows: an emptied one is cleared ("options" with no rows: none). */
const UPDATE_MASK = [
  'mac',
  'client_id',
  'address',
  'hostname',
  'options',
  'next_server',
  'boot_file',
  'server_hostname',
];

export async function saveReservation(_previous: ReservationFormState, form: FormData): Promise<ReservationFormState> {
  await requireSession();
  const read = readReservationForm(form);
  const local = checkReservationForm(read);
  if (Object.keys(local).length > 0) return { status: 'invalid', errors: local, values: read };
  // Rows left blank are not sent; the form is drawn again from these values, so row i stays options[i].
  const values = { ...read, options: withoutBlankRows(read.options) };
  const reservation = {
    id: values.id,
    address: values.address,
    mac: values.match === 'mac' ? values.mac : '',
    clientId: values.match === 'client-id' ? values.clientId : '',
    hostname: values.hostname,
    // Row i is options[i]: the daemon's "reservation.options[i]..." problems come back to that row.
    options: values.options.map(optionEntry),
    nextServer: values.nextServer,
    bootFile: values.bootFile,
    serverHostname: values.serverHostname,
  };
  try {
    if (values.id === '') {
      const created = await call(
        (c) => c.reservations.createReservation.bind(c.reservations),
        CreateReservationRequest.fromPartial({ reservation: { ...reservation, subnet: values.subnet } }),
      );
      return { status: 'saved', reservation: toReservationView(created.reservation!) };
    }
    const updated = await call(
      (c) => c.reservations.updateReservation.bind(c.reservations),
      UpdateReservationRequest.fromPartial({ reservation, updateMask: UPDATE_MASK }),
    );
    return { status: 'saved', reservation: toReservationView(updated.reservation!) };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return { status: 'invalid', errors: await refusalErrors(err), values };
  }
}

export async function deleteReservation(_previous: DeleteState, form: FormData): Promise<DeleteState> {
  await requireSession();
  const id = form.get('id');
  if (typeof id !== 'string' || id === '') return { status: 'failed', message: 'No reservation was named.' };
  try {
    const deleted = await call(
      (c) => c.reservations.deleteReservation.bind(c.reservations),
      DeleteReservationRequest.fromPartial({ id }),
    );
    return { status: 'deleted', reservation: toReservationView(deleted.reservation!) };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    const errors = await refusalErrors(err);
    return { status: 'failed', message: errors.form ?? Object.values(errors)[0] ?? err.message };
  }
}

/** The refusal at its fields, naming the reservation a collision is with when it can be read. */
async function refusalErrors(err: BackendError): Promise<ReservationErrors> {
  const field = err.metadata?.get(INVALID_FIELD_KEY)[0];
  const refusal = { code: err.code, details: err.details, field: typeof field === 'string' ? field : null };
  const id = collidingReservationId(err.details);
  let colliding: ReservationView | undefined;
  if (id !== null) {
    try {
      const found = await call(
        (c) => c.reservations.getReservation.bind(c.reservations),
        GetReservationRequest.fromPartial({ id }),
      );
      if (found.reservation) colliding = toReservationView(found.reservation);
    } catch {
      // Only the description suffers: the message still names the reservation's id.
    }
  }
  return reservationErrors(refusal, colliding);
}
