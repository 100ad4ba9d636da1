// Domain objects <-> homeplane.v1 messages. The domain keeps addresses as numbers and times as
// epoch milliseconds; the API speaks dotted quads and Timestamps (Date in the generated code).
import { formatIPv4 } from '../dhcp/codec/ipv4.ts';
import type { Lease, LeaseState } from '../dhcp/lease.ts';
import type { ReservationRecord, ReservationSource } from '../dhcp/reservations.ts';
import type { SubnetSummary } from '../dhcp/admin.ts';
import type { CounterSnapshot } from '../dhcp/counters.ts';
import type { ClientClassConfig, DhcpConfig, SubnetConfig } from '../config/types.ts';
import type { PlainOption } from '../dhcp/options/index.ts';
import type { OptionScopeName } from '../dhcp/option-plan.ts';
import {
  OptionScope as ProtoOptionScope,
  type ClientClass as ProtoClientClass,
  type DhcpOption as ProtoDhcpOption,
} from '../../proto/gen/homeplane/v1/dhcp_option.ts';
import type { EventDraft, StoredEvent } from '../events/types.ts';
import { InvalidInputError } from '../errors.ts';
import { LeaseState as ProtoLeaseState, type Lease as ProtoLease } from '../../proto/gen/homeplane/v1/lease.ts';
import {
  ReservationSource as ProtoReservationSource,
  type Reservation as ProtoReservation,
} from '../../proto/gen/homeplane/v1/reservation.ts';
import type { Subnet as ProtoSubnet } from '../../proto/gen/homeplane/v1/subnet.ts';
import type { DhcpCounters as ProtoDhcpCounters } from '../../proto/gen/homeplane/v1/stats.ts';
import type { Event as ProtoEvent } from '../../proto/gen/homeplane/v1/event.ts';
import { snapshotKind } from './kinds.ts';
import { hostRecordToProto, vmToProto } from './translate-hypervisor.ts';

const LEASE_STATE_TO_PROTO: Readonly<Record<LeaseState, ProtoLeaseState>> = {
  active: ProtoLeaseState.LEASE_STATE_ACTIVE,
  released: ProtoLeaseState.LEASE_STATE_RELEASED,
  expired: ProtoLeaseState.LEASE_STATE_EXPIRED,
  declined: ProtoLeaseState.LEASE_STATE_DECLINED,
};

const RESERVATION_SOURCE_TO_PROTO: Readonly<Record<ReservationSource, ProtoReservationSource>> = {
  config: ProtoReservationSource.RESERVATION_SOURCE_CONFIG,
  api: ProtoReservationSource.RESERVATION_SOURCE_API,
  vm: ProtoReservationSource.RESERVATION_SOURCE_VM,
};

function inverse<K extends string, V extends number>(table: Readonly<Record<K, V>>): ReadonlyMap<number, K> {
  return new Map(Object.entries(table).map(([k, v]) => [v as number, k as K]));
}

const LEASE_STATE_FROM_PROTO = inverse(LEASE_STATE_TO_PROTO);
const RESERVATION_SOURCE_FROM_PROTO = inverse(RESERVATION_SOURCE_TO_PROTO);

export function leaseToProto(lease: Lease): ProtoLease {
  return {
    address: formatIPv4(lease.address),
    subnet: lease.subnetId,
    hwAddress: lease.hwAddress,
    clientId: lease.clientId ?? '',
    hostname: lease.hostname ?? '',
    fqdn: lease.fqdn ?? '',
    state: LEASE_STATE_TO_PROTO[lease.state],
    startsAt: new Date(lease.startsAt),
    expiresAt: new Date(lease.expiresAt),
  };
}

/** A state filter: UNSPECIFIED means any state (undefined); an unknown number is refused. */
export function leaseStateFilter(state: ProtoLeaseState, field: string): LeaseState | undefined {
  if (state === ProtoLeaseState.LEASE_STATE_UNSPECIFIED) return undefined;
  const domain = LEASE_STATE_FROM_PROTO.get(state);
  if (domain === undefined) throw new InvalidInputError(field, `${state} is not a LeaseState value`);
  return domain;
}

export function reservationToProto(reservation: ReservationRecord): ProtoReservation {
  return {
    id: reservation.id,
    subnet: reservation.subnetId,
    mac: reservation.mac ?? '',
    clientId: reservation.clientId ?? '',
    address: formatIPv4(reservation.ip),
    hostname: reservation.hostname ?? '',
    source: RESERVATION_SOURCE_TO_PROTO[reservation.source],
    // Events logged before options existed have none of these fields.
    options: (reservation.options ?? []).map((option) => optionToProto(option)),
    nextServer: reservation.nextServer == null ? '' : formatIPv4(reservation.nextServer),
    bootFile: reservation.bootFile ?? '',
    serverHostname: reservation.serverHostname ?? '',
  };
}

const SCOPE_TO_PROTO: Readonly<Record<OptionScopeName, ProtoOptionScope>> = {
  global: ProtoOptionScope.OPTION_SCOPE_GLOBAL,
  subnet: ProtoOptionScope.OPTION_SCOPE_SUBNET,
  class: ProtoOptionScope.OPTION_SCOPE_CLASS,
  reservation: ProtoOptionScope.OPTION_SCOPE_RESERVATION,
};

export function optionToProto(option: PlainOption, scope?: OptionScopeName): ProtoDhcpOption {
  return {
    name: option.name ?? '',
    code: option.code,
    type: option.type,
    data: option.data,
    always: option.always,
    scope: scope === undefined ? ProtoOptionScope.OPTION_SCOPE_UNSPECIFIED : SCOPE_TO_PROTO[scope],
  };
}

export function classToProto(entry: ClientClassConfig): ProtoClientClass {
  return {
    name: entry.name,
    vendorClass: entry.match.vendorClass ?? '',
    userClass: entry.match.userClass ?? '',
    ...(entry.match.clientArch === null ? {} : { clientArch: entry.match.clientArch }),
    mac: entry.match.mac ?? '',
    hostname: entry.match.hostname ?? '',
    options: entry.options.map((option) => optionToProto(option)),
    nextServer: entry.nextServer === null ? '' : formatIPv4(entry.nextServer),
    bootFile: entry.bootFile ?? '',
    serverHostname: entry.serverHostname ?? '',
  };
}

/** A source filter: UNSPECIFIED means any source (undefined); an unknown number is refused. */
export function reservationSourceFilter(source: ProtoReservationSource, field: string): ReservationSource | undefined {
  if (source === ProtoReservationSource.RESERVATION_SOURCE_UNSPECIFIED) return undefined;
  const domain = RESERVATION_SOURCE_FROM_PROTO.get(source);
  if (domain === undefined) throw new InvalidInputError(field, `${source} is not a ReservationSource value`);
  return domain;
}

function objectOf(draft: EventDraft): ProtoEvent['object'] {
  switch (draft.object) {
    case 'lease':
      return { $case: 'lease', lease: leaseToProto(draft.lease) };
    case 'reservation':
      return { $case: 'reservation', reservation: reservationToProto(draft.reservation) };
    case 'vm':
      return { $case: 'vm', vm: vmToProto(draft.vm) };
    case 'host':
      return { $case: 'host', host: hostRecordToProto(draft.host) };
    default: {
      const never: never = draft;
      throw new Error(`unknown event object ${JSON.stringify(never)}`);
    }
  }
}

export function eventToProto(event: StoredEvent): ProtoEvent {
  return { revision: event.revision, time: new Date(event.time), kind: event.kind, object: objectOf(event) };
}

/** A snapshot event: revision 0, kind "<object>.snapshot"; the draft's own kind is not used. */
export function snapshotEventToProto(draft: EventDraft, takenAt: number): ProtoEvent {
  return {
    revision: 0,
    time: new Date(takenAt),
    kind: snapshotKind(draft.object),
    object: objectOf(draft),
  };
}

/** The config's part of a subnet, when the server was given the DHCP config. */
export type SubnetSettings = Pick<DhcpConfig, 'leaseTime'> & {
  subnets: readonly SubnetConfig[];
  classes?: readonly ClientClassConfig[];
};

export function subnetToProto(summary: SubnetSummary, settings: SubnetSettings | undefined): ProtoSubnet {
  const config = settings?.subnets.find((s) => s.id === summary.id);
  return {
    subnet: summary.id,
    pools: config?.pools.map((p) => ({ start: formatIPv4(p.start), end: formatIPv4(p.end) })) ?? [],
    routers: config?.routers.map(formatIPv4) ?? [],
    dnsServers: config?.dnsServers.map(formatIPv4) ?? [],
    domainName: config?.domainName ?? '',
    leaseSeconds: config?.leaseTime ?? settings?.leaseTime ?? 0,
    poolSize: summary.poolSize,
    addressesInUse: summary.inUse,
    declined: summary.declined,
    free: summary.free,
    reservations: summary.reservations,
    options: summary.effective.options.map((planned) => optionToProto(planned.option, planned.scope)),
    nextServer: summary.effective.nextServer === null ? '' : formatIPv4(summary.effective.nextServer),
    bootFile: summary.effective.bootFile ?? '',
    serverHostname: summary.effective.serverHostname ?? '',
  };
}

export function countersToProto(counters: CounterSnapshot): ProtoDhcpCounters {
  return {
    received: { ...counters.received },
    sent: { ...counters.sent },
    dropped: { ...counters.dropped },
    declinesRecorded: counters.recorded.declined,
    releasesRecorded: counters.recorded.released,
    leasesCommitted: counters.leasesCommitted,
  };
}
