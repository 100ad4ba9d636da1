// The Leases page's first data, read on the server: the first screenful of leases (one
// ListLeases page), every reservation (to tell reserved leases from dynamic ones: the Lease
// message does not say, lease.proto) and the configured subnets for the filter. The rest of the
// leases load after hydration (app/api/leases/route.ts).
import 'server-only';
import { ListReservationsRequest } from '../../../proto/gen/homeplane/v1/reservation.ts';
import { ListSubnetsRequest } from '../../../proto/gen/homeplane/v1/subnet.ts';
import { ListVmsRequest } from '../../../proto/gen/homeplane/v1/vm.ts';
import { BackendError, call, listLeases } from '../../lib/backend.ts';
import { toLeaseRow } from '../../lib/lease-row.ts';
import { loadVendors } from '../../lib/oui.ts';
import type { ReservationPin } from '../../lib/live/lease-cache.ts';
import type { LeaseRow } from '../../lib/live/types.ts';
import { toVmView } from '../../lib/vm-convert.ts';
import type { VmView } from '../../lib/vm-view.ts';

/** Rows rendered on the server: more than any screen shows, few enough to arrive at once. */
export const FIRST_PAGE_SIZE = 200;
/** ListReservations pages (of 1000, the server's maximum) read at most. */
const MAX_RESERVATION_PAGES = 20;

export type LeaseListing =
  | {
      ok: true;
      leases: LeaseRow[];
      leaseRevision: number;
      /** Pass to /api/leases for the next page; '' when the first page was all. */
      nextPageToken: string;
      total: number;
      reservations: ReservationPin[];
      reservationRevision: number;
      subnets: string[];
      /** The VMs, to name the VM a lease belongs to (by MAC), and the revision to follow them from. */
      vms: VmView[];
      vmRevision: number;
    }
  | { ok: false; reason: string };

export async function loadLeases(): Promise<LeaseListing> {
  try {
    const [first, reservations, subnets, vms] = await Promise.all([
      listLeases({ pageSize: FIRST_PAGE_SIZE }),
      loadReservations(),
      call((c) => c.subnets.listSubnets.bind(c.subnets), ListSubnetsRequest.fromPartial({})),
      call((c) => c.vms.listVms.bind(c.vms), ListVmsRequest.fromPartial({})),
      // The vendor names come from a 5.6 MB registry read once per process: in the background,
      // while the daemon answers, and before any row or event needs it.
      loadVendors(),
    ]);
    return {
      ok: true,
      leases: first.leases.map(toLeaseRow),
      leaseRevision: first.revision,
      nextPageToken: first.nextPageToken,
      total: first.totalSize,
      reservations: reservations.pins,
      reservationRevision: reservations.revision,
      subnets: subnets.subnets.map((s) => s.subnet),
      vms: vms.vms.map(toVmView),
      vmRevision: vms.revision,
    };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}

async function loadReservations(): Promise<{ pins: ReservationPin[]; revision: number }> {
  const pins: ReservationPin[] = [];
  let revision = 0;
  let pageToken = '';
  for (let page = 0; page < MAX_RESERVATION_PAGES; page++) {
    const response = await call(
      (c) => c.reservations.listReservations.bind(c.reservations),
      ListReservationsRequest.fromPartial({ pageSize: 1000, pageToken }),
    );
    // As for leases: watch from the first page's revision (lease.proto, revision).
    if (page === 0) revision = response.revision;
    for (const r of response.reservations)
      pins.push({ id: r.id, address: r.address, mac: r.mac, clientId: r.clientId });
    pageToken = response.nextPageToken;
    if (pageToken === '') break;
  }
  return { pins, revision };
}
