'use server';
// The Leases page's two changes, as server actions: release a lease, reserve a lease's address
// (or another address) for its client. Each checks the session first (the action is reachable by
// POST from anywhere; proxy.ts refuses other sites' requests before it runs). Neither returns
// the new state: the page sees the change arrive on the event stream like any other.
import * as grpc from '@grpc/grpc-js';
import { GetLeaseRequest, ReleaseLeaseRequest } from '../../proto/gen/homeplane/v1/lease.ts';
import {
  CreateReservationFromLeaseRequest,
  CreateReservationRequest,
} from '../../proto/gen/homeplane/v1/reservation.ts';
import { BackendError, call } from './backend.ts';
import { reservationFailure, type ActionResult } from './lease-action-result.ts';
import { requireSession } from './session.ts';

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** LeaseService.ReleaseLease: the address returns to the pool (lease.proto). */
export async function releaseLease(address: string): Promise<ActionResult> {
  await requireSession();
  if (typeof address !== 'string' || !DOTTED_QUAD.test(address))
    return { ok: false, field: null, message: `"${String(address)}" is not an IPv4 address` };
  try {
    await call((c) => c.leases.releaseLease.bind(c.leases), ReleaseLeaseRequest.fromPartial({ address }));
    return { ok: true };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    switch (err.code) {
      case grpc.status.NOT_FOUND:
        return { ok: false, field: null, message: `There is no lease of ${address} any more.` };
      case grpc.status.FAILED_PRECONDITION:
        return {
          ok: false,
          field: null,
          message: `The lease of ${address} is no longer active, so there is nothing to release.`,
        };
      default:
        return { ok: false, field: null, message: err.message };
    }
  }
}

export interface ReserveInput {
  /** The lease to reserve for: its client keeps `address` for good. */
  leaseAddress: string;
  /** The address to reserve; the lease's own in the common case. */
  address: string;
  hostname: string;
}

/**
 * ReservationService.CreateReservationFromLease when the address is the lease's own (the daemon
 * picks the client's identity: its client id if it sent one, else its MAC); CreateReservation
 * with the lease's client when the operator chose another address.
 */
export async function reserveLease(input: ReserveInput): Promise<ActionResult> {
  await requireSession();
  const leaseAddress = String(input?.leaseAddress ?? '').trim();
  const address = String(input?.address ?? '').trim();
  const hostname = String(input?.hostname ?? '').trim();
  if (!DOTTED_QUAD.test(leaseAddress))
    return { ok: false, field: null, message: `"${leaseAddress}" is not an IPv4 address` };
  if (!DOTTED_QUAD.test(address))
    return { ok: false, field: 'address', message: 'Enter an IPv4 address such as 10.123.0.57.' };
  try {
    if (address === leaseAddress) {
      await call(
        (c) => c.reservations.createReservationFromLease.bind(c.reservations),
        CreateReservationFromLeaseRequest.fromPartial({ address, hostname }),
      );
      return { ok: true };
    }
    const { lease } = await call(
      (c) => c.leases.getLease.bind(c.leases),
      GetLeaseRequest.fromPartial({ address: leaseAddress }),
    );
    if (lease === undefined)
      return { ok: false, field: null, message: `There is no lease of ${leaseAddress} any more.` };
    // The same choice CreateReservationFromLease makes: the client id when the client sent one.
    const client = lease.clientId !== '' ? { clientId: lease.clientId } : { mac: lease.hwAddress };
    await call(
      (c) => c.reservations.createReservation.bind(c.reservations),
      CreateReservationRequest.fromPartial({ reservation: { ...client, address, hostname } }),
    );
    return { ok: true };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return reservationFailure(err, { leaseAddress, address });
  }
}
