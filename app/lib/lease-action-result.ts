// What a lease action (lease-actions.ts) answers the form: done, or what went wrong and at which
// field, in words for a person rather than a gRPC status. Kept apart from the 'use server' file
// so the mapping is a plain function the tests can call.
import * as grpc from '@grpc/grpc-js';

export type ReserveField = 'address' | 'hostname';

export type ActionResult = { ok: true } | { ok: false; field: ReserveField | null; message: string };

/** The daemon's refusal as the reserve form shows it. */
export function reservationFailure(
  err: { code: grpc.status; details: string; message: string; metadata: grpc.Metadata | null },
  { leaseAddress, address }: { leaseAddress: string; address: string },
): ActionResult & { ok: false } {
  // INVALID_ARGUMENT names its field in the trailers (server/grpc/status.ts) and its details
  // read "field: reason".
  const fieldName = String(err.metadata?.get('homeplane-invalid-field')[0] ?? '');
  const reason = err.details.replace(/^[a-z_.]+: /, '');
  switch (err.code) {
    case grpc.status.INVALID_ARGUMENT:
      if (fieldName.endsWith('hostname')) return { ok: false, field: 'hostname', message: capitalise(reason) };
      if (fieldName.endsWith('address') || fieldName.endsWith('subnet'))
        return { ok: false, field: 'address', message: capitalise(reason) };
      return { ok: false, field: null, message: capitalise(err.details) };
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.ALREADY_EXISTS:
      // "address 10.1.2.3 is already reserved by ..." or "... is leased to another client ...":
      // the address is taken. "MAC ..."/"client-id ... is already reserved": this client has one.
      if (/^address /.test(err.details)) return { ok: false, field: 'address', message: capitalise(err.details) };
      if (/^(MAC|client-id) /.test(err.details))
        return { ok: false, field: null, message: `This client already has a reservation: ${err.details}.` };
      return { ok: false, field: null, message: capitalise(err.details) };
    case grpc.status.NOT_FOUND:
      return {
        ok: false,
        field: null,
        message:
          address === leaseAddress
            ? `There is no lease of a client at ${leaseAddress} any more (a declined address has none).`
            : capitalise(err.details),
      };
    default:
      return { ok: false, field: null, message: err.message };
  }
}

function capitalise(text: string): string {
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
