// The Reservations page's first data: every reservation (ListReservations, paged), the revision
// to watch from, and the configured subnets the form offers.
import 'server-only';
import { ListReservationsRequest } from '../../../proto/gen/homeplane/v1/reservation.ts';
import { ListSubnetsRequest } from '../../../proto/gen/homeplane/v1/subnet.ts';
import { BackendError, call } from '../../lib/backend.ts';
import { toReservationView } from '../../lib/reservation-convert.ts';
import type { ReservationView } from '../../lib/reservation-view.ts';

/** ListReservations' largest page; a homelab's reservations fit in a few. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 20;

export type ReservationListing =
  { ok: true; reservations: ReservationView[]; revision: number; subnets: string[] } | { ok: false; reason: string };

export async function loadReservations(): Promise<ReservationListing> {
  try {
    const reservations: ReservationView[] = [];
    let revision = 0;
    let pageToken = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await call(
        (c) => c.reservations.listReservations.bind(c.reservations),
        ListReservationsRequest.fromPartial({ pageSize: PAGE_SIZE, pageToken }),
      );
      // The first page's revision: the replay from it brings later pages up to date too.
      if (page === 0) revision = response.revision;
      reservations.push(...response.reservations.map(toReservationView));
      pageToken = response.nextPageToken;
      if (pageToken === '') break;
    }
    const { subnets } = await call((c) => c.subnets.listSubnets.bind(c.subnets), ListSubnetsRequest.fromPartial({}));
    return { ok: true, reservations, revision, subnets: subnets.map((s) => s.subnet) };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}
