// The Overview's data, one daemon question per card, each answering with its data or the reason
// it could not (so one failing call leaves the other cards standing).
import 'server-only';
import * as grpc from '@grpc/grpc-js';
import { ListEventsRequest } from '../../../proto/gen/homeplane/v1/event.ts';
import { LeaseState, ListLeasesRequest } from '../../../proto/gen/homeplane/v1/lease.ts';
import { ListReservationsRequest } from '../../../proto/gen/homeplane/v1/reservation.ts';
import { GetLeaseActivityRequest } from '../../../proto/gen/homeplane/v1/stats.ts';
import { ListSubnetsRequest } from '../../../proto/gen/homeplane/v1/subnet.ts';
import { toActivityView, type ActivityRange, type ActivityView } from '../../lib/activity.ts';
import { BackendError, call } from '../../lib/backend.ts';
import type { LeaseStateName, LiveEvent } from '../../lib/live/types.ts';
import { toLiveEvent } from '../../lib/watch-frames.ts';

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

async function load<T>(question: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await question() };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    // An older daemon without the call: say so plainly rather than as a failure.
    if (err.code === grpc.status.UNIMPLEMENTED)
      return { ok: false, reason: `This daemon does not answer this yet (${err.details}).` };
    return { ok: false, reason: err.message };
  }
}

const COUNTED_STATES: Record<Exclude<LeaseStateName, 'unknown'>, LeaseState> = {
  active: LeaseState.LEASE_STATE_ACTIVE,
  released: LeaseState.LEASE_STATE_RELEASED,
  expired: LeaseState.LEASE_STATE_EXPIRED,
  declined: LeaseState.LEASE_STATE_DECLINED,
};

export type LeaseCounts = Record<keyof typeof COUNTED_STATES, number>;

/** Leases per state: ListLeases' total_size for each state, one lease per page. */
export function loadLeaseCounts(): Promise<Loaded<LeaseCounts>> {
  return load(async () => {
    const entries = await Promise.all(
      Object.entries(COUNTED_STATES).map(async ([name, state]) => {
        const page = await call(
          (c) => c.leases.listLeases.bind(c.leases),
          ListLeasesRequest.fromPartial({ state, pageSize: 1 }),
        );
        return [name, page.totalSize] as const;
      }),
    );
    return Object.fromEntries(entries) as LeaseCounts;
  });
}

export function loadReservationCount(): Promise<Loaded<number>> {
  return load(async () => {
    const page = await call(
      (c) => c.reservations.listReservations.bind(c.reservations),
      ListReservationsRequest.fromPartial({ pageSize: 1 }),
    );
    return page.totalSize;
  });
}

/** One subnet's pools and how full they are (subnet.proto). */
export interface PoolUsage {
  subnet: string;
  pools: string[];
  poolSize: number;
  addressesInUse: number;
  declined: number;
  free: number;
  reservations: number;
}

export function loadPoolUsage(): Promise<Loaded<PoolUsage[]>> {
  return load(async () => {
    const { subnets } = await call((c) => c.subnets.listSubnets.bind(c.subnets), ListSubnetsRequest.fromPartial({}));
    return subnets.map((s) => ({
      subnet: s.subnet,
      pools: s.pools.map((p) => `${p.start}–${p.end}`),
      poolSize: s.poolSize,
      addressesInUse: s.addressesInUse,
      declined: s.declined,
      free: s.free,
      reservations: s.reservations,
    }));
  });
}

export function loadActivity(range: ActivityRange): Promise<Loaded<ActivityView>> {
  return load(async () => {
    const response = await call(
      (c) => c.stats.getLeaseActivity.bind(c.stats),
      GetLeaseActivityRequest.fromPartial({ bucketSeconds: range.bucketSeconds, windowSeconds: range.windowSeconds }),
    );
    return toActivityView(range, response);
  });
}

/** The newest events, newest first, and the revision a Watch continues them from with no gap. */
export function loadRecentEvents(count: number): Promise<Loaded<{ events: LiveEvent[]; revision: number }>> {
  return load(async () => {
    const page = await call(
      (c) => c.events.listEvents.bind(c.events),
      ListEventsRequest.fromPartial({ pageSize: count }),
    );
    return { events: page.events.map(toLiveEvent), revision: page.revision };
  });
}
