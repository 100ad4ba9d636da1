// One VM's page data: the VM (GetVm), its lease and its reservation (found by its MAC), its
// history from the event log (ListEvents has no filter by object, so the "vm" events are read
// newest first and this VM's kept), the hosts, and the revision to follow it all from.
import 'server-only';
import * as grpc from '@grpc/grpc-js';
import { ListEventsRequest } from '../../../../proto/gen/homeplane/v1/event.ts';
import { ListLeasesRequest } from '../../../../proto/gen/homeplane/v1/lease.ts';
import { ListReservationsRequest } from '../../../../proto/gen/homeplane/v1/reservation.ts';
import { GetVmRequest } from '../../../../proto/gen/homeplane/v1/vm.ts';
import { BackendError, call } from '../../../lib/backend.ts';
import { toEventEntry, type EventEntry } from '../../../lib/event-view.ts';
import type { HostView } from '../../../lib/host-view.ts';
import { toLeaseRow } from '../../../lib/lease-row.ts';
import type { LeaseRow } from '../../../lib/live/types.ts';
import { toReservationView } from '../../../lib/reservation-convert.ts';
import type { ReservationView } from '../../../lib/reservation-view.ts';
import { toVmView } from '../../../lib/vm-convert.ts';
import { VM_TIMELINE_EVENTS, vmViewFromJson, type VmView } from '../../../lib/vm-view.ts';
import { toLiveEvent } from '../../../lib/watch-frames.ts';
import { loadHostViews } from '../load-vms.ts';

/** How far back the log is read for the timeline (VM_TIMELINE_EVENTS long): pages of 1000. */
const HISTORY_PAGES = 5;

export interface VmDetail {
  vm: VmView;
  lease: LeaseRow | null;
  reservation: ReservationView | null;
  /** This VM's events, newest first. */
  timeline: EventEntry[];
  hosts: HostView[];
  revision: number;
}

export type VmDetailResult =
  { kind: 'found'; detail: VmDetail } | { kind: 'missing' } | { kind: 'unavailable'; reason: string };

export async function loadVmDetail(id: string): Promise<VmDetailResult> {
  try {
    // History first: its revision is where the stream continues, and what is read after it is no
    // older (the replay of later events, each carrying the whole object, is harmless).
    const { timeline, revision } = await loadTimeline(id);
    const { vm } = await call((c) => c.vms.getVm.bind(c.vms), GetVmRequest.fromPartial({ id }));
    const view = toVmView(vm!);
    const [lease, reservation, hosts] = await Promise.all([leaseOf(view), reservationOf(view), loadHostViews()]);
    return { kind: 'found', detail: { vm: view, lease, reservation, timeline, hosts, revision } };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    if (err.code === grpc.status.NOT_FOUND) return { kind: 'missing' };
    return { kind: 'unavailable', reason: err.message };
  }
}

async function loadTimeline(id: string): Promise<{ timeline: EventEntry[]; revision: number }> {
  const timeline: EventEntry[] = [];
  let before = 0;
  let revision = 0;
  for (let page = 0; page < HISTORY_PAGES && timeline.length < VM_TIMELINE_EVENTS; page++) {
    const response = await call(
      (c) => c.events.listEvents.bind(c.events),
      ListEventsRequest.fromPartial({ kinds: ['vm'], pageSize: 1000, beforeRevision: before }),
    );
    if (page === 0) revision = response.revision;
    for (const event of response.events) {
      const live = toLiveEvent(event);
      if (vmViewFromJson(live.vm)?.id === id) timeline.push(toEventEntry(live));
    }
    before = response.nextBeforeRevision;
    if (before === 0) break;
  }
  return { timeline: timeline.slice(0, VM_TIMELINE_EVENTS), revision };
}

/** The VM's lease: its MAC's active one, else the newest. */
async function leaseOf(vm: VmView): Promise<LeaseRow | null> {
  if (vm.mac === '') return null;
  const { leases } = await call(
    (c) => c.leases.listLeases.bind(c.leases),
    ListLeasesRequest.fromPartial({ query: vm.mac, pageSize: 20 }),
  );
  const mine = leases.map(toLeaseRow).filter((l) => l.hwAddress.toLowerCase() === vm.mac);
  return (
    mine.find((l) => l.state === 'active') ?? mine.sort((a, b) => (b.startsAt ?? 0) - (a.startsAt ?? 0))[0] ?? null
  );
}

async function reservationOf(vm: VmView): Promise<ReservationView | null> {
  if (vm.mac === '') return null;
  const { reservations } = await call(
    (c) => c.reservations.listReservations.bind(c.reservations),
    ListReservationsRequest.fromPartial({ query: vm.mac, pageSize: 20 }),
  );
  return reservations.map(toReservationView).find((r) => r.mac === vm.mac) ?? null;
}
