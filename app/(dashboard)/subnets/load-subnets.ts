// The Subnets page's data: every configured subnet with its usage now, and the event revision
// that usage reflects (so the page can follow changes from there).
import 'server-only';
import { ListReservationsRequest } from '../../../proto/gen/homeplane/v1/reservation.ts';
import { ListSubnetsRequest } from '../../../proto/gen/homeplane/v1/subnet.ts';
import { BackendError, call } from '../../lib/backend.ts';
import { toClientClassView, toSubnetView } from '../../lib/subnet-convert.ts';
import type { ClientClassView, SubnetView } from '../../lib/subnet-view.ts';

export type SubnetListing =
  { ok: true; subnets: SubnetView[]; classes: ClientClassView[]; revision: number } | { ok: false; reason: string };

export async function loadSubnets(): Promise<SubnetListing> {
  try {
    // ListSubnets carries no revision; a one-item ListReservations asked first gives the log's
    // newest one, so every change after it reaches the page through the stream.
    const { revision } = await call(
      (c) => c.reservations.listReservations.bind(c.reservations),
      ListReservationsRequest.fromPartial({ pageSize: 1 }),
    );
    const { subnets, classes } = await call(
      (c) => c.subnets.listSubnets.bind(c.subnets),
      ListSubnetsRequest.fromPartial({}),
    );
    return { ok: true, subnets: subnets.map(toSubnetView), classes: classes.map(toClientClassView), revision };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}
