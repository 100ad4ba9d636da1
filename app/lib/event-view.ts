// One event of the log as a row of the Events page: when, what kind, a one-line summary in an
// operator's words, and where to look at the object (its lease or reservation). Pure and
// client-safe: it reads the LiveEvent the relay sends (watch-frames.ts) and the history the
// server converts the same way.
import { asReservationView } from './reservation-view.ts';
import type { LiveEvent } from './live/types.ts';

/** The kinds the log holds (event.proto Event.kind), by object type, for the filter. */
export const EVENT_KINDS = {
  lease: ['granted', 'renewed', 'released', 'expired', 'declined', 'deleted'],
  reservation: ['created', 'updated', 'deleted'],
  vm: ['created', 'updated', 'state_changed', 'address_assigned', 'deleted'],
  host: ['updated'],
} as const;
export type EventObject = keyof typeof EVENT_KINDS;
export const EVENT_OBJECTS = Object.keys(EVENT_KINDS) as EventObject[];

export interface EventEntry {
  revision: number;
  /** Commit time, epoch milliseconds; null if the daemon sent none. */
  time: number | null;
  kind: string;
  object: EventObject | 'other';
  summary: string;
  /** Where the object can be seen; null when no page shows it yet. */
  link: { href: string; label: string } | null;
}

const OBJECT_LABELS: Record<EventObject, string> = {
  lease: 'Leases',
  reservation: 'Reservations',
  vm: 'Virtual machines',
  host: 'Hosts',
};

/** "Leases", "Lease granted", "VM state changed": a kind or an object type as a person reads it. */
export function kindLabel(kind: string): string {
  if ((EVENT_OBJECTS as string[]).includes(kind)) return OBJECT_LABELS[kind as EventObject];
  const [object = '', verb = ''] = kind.split('.');
  const noun = object === 'vm' ? 'VM' : object.charAt(0).toUpperCase() + object.slice(1);
  return `${noun} ${verb.replaceAll('_', ' ')}`.trim();
}

/**
 * The filter from the URL (?kind=lease or ?kind=lease.granted): a known object type or kind, or
 * '' (every event) for anything else.
 */
export function parseKindFilter(value: string | string[] | undefined): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const [object, verb, ...rest] = text.split('.');
  if (rest.length > 0 || !(EVENT_OBJECTS as string[]).includes(object ?? '')) return '';
  if (verb === undefined) return text;
  return (EVENT_KINDS[object as EventObject] as readonly string[]).includes(verb) ? text : '';
}

/** Whether a kind passes the filter; the filter is an object type, a full kind, or '' for all. */
export function matchesKind(kind: string, filter: string): boolean {
  return filter === '' || kind === filter || kind.startsWith(`${filter}.`);
}

export function toEventEntry(event: LiveEvent): EventEntry {
  const object = objectOf(event.kind);
  const base = { revision: event.revision, time: event.time, kind: event.kind, object };
  switch (object) {
    case 'lease':
      return { ...base, ...leaseSummary(event) };
    case 'reservation':
      return { ...base, ...reservationSummary(event) };
    case 'vm':
      return { ...base, ...vmSummary(event) };
    case 'host':
      return { ...base, ...hostSummary(event) };
    case 'other':
      return { ...base, summary: event.kind, link: null };
  }
}

function objectOf(kind: string): EventObject | 'other' {
  const object = kind.split('.')[0] ?? '';
  return (EVENT_OBJECTS as string[]).includes(object) ? (object as EventObject) : 'other';
}

type Described = Pick<EventEntry, 'summary' | 'link'>;

const leaseLink = (address: string) => ({
  href: `/leases?q=${encodeURIComponent(address)}`,
  label: `Lease ${address}`,
});

function leaseSummary(event: LiveEvent): Described {
  const lease = event.lease;
  if (lease === undefined) return { summary: kindLabel(event.kind), link: null };
  const client = [lease.hwAddress || lease.clientId, lease.hostname && `(${lease.hostname})`].filter(Boolean).join(' ');
  const verb = event.kind.split('.')[1];
  const summary = ((): string => {
    switch (verb) {
      case 'granted':
        return `${lease.address} granted to ${client}`;
      case 'renewed':
        return `${lease.address} renewed by ${client}`;
      case 'released':
        return `${lease.address} released by ${client}`;
      case 'expired':
        return `${lease.address} expired (${client})`;
      case 'declined':
        return `${lease.address} declined by ${client}: the client found it in use`;
      case 'deleted':
        return `${lease.address} lease removed (${client})`;
      default:
        return `${kindLabel(event.kind)}: ${lease.address}`;
    }
  })();
  return { summary, link: leaseLink(lease.address) };
}

function reservationSummary(event: LiveEvent): Described {
  const reservation = asReservationView(event.reservation);
  if (reservation === undefined) return { summary: kindLabel(event.kind), link: null };
  const client = reservation.mac || `client id ${reservation.clientId}`;
  const host = reservation.hostname ? ` (${reservation.hostname})` : '';
  const what = `${reservation.address} for ${client}${host}`;
  switch (event.kind) {
    case 'reservation.deleted':
      // The reservation is gone; its address's lease is what is left to look at.
      return { summary: `Reservation of ${what} deleted`, link: leaseLink(reservation.address) };
    case 'reservation.updated':
      return {
        summary: `Reservation of ${what} changed`,
        link: { href: `/reservations#${reservation.id}`, label: `Reservation ${reservation.address}` },
      };
    default:
      return {
        summary: `Reservation of ${what} created`,
        link: { href: `/reservations#${reservation.id}`, label: `Reservation ${reservation.address}` },
      };
  }
}

/** VMs and hosts arrive as proto JSON (watch-frames.ts); only their names are read here. */
function field(object: unknown, name: string): string {
  const value = typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

function vmSummary(event: LiveEvent): Described {
  const name = field(event.vm, 'name') || field(event.vm, 'id') || 'a VM';
  const summary = ((): string => {
    switch (event.kind) {
      case 'vm.created':
        return `VM ${name} created`;
      case 'vm.updated':
        return `VM ${name} settings changed`;
      case 'vm.state_changed': {
        const state = field(event.vm, 'state')
          .replace(/^VM_STATE_/, '')
          .toLowerCase();
        const reason = field(event.vm, 'stateReason');
        return `VM ${name} is ${state || 'in a new state'}${reason ? `: ${reason}` : ''}`;
      }
      case 'vm.address_assigned':
        return `VM ${name} got address ${field(event.vm, 'address') || 'unknown'}`;
      case 'vm.deleted':
        return `VM ${name} deleted`;
      default:
        return `${kindLabel(event.kind)}: ${name}`;
    }
  })();
  // An address links to its lease; the other changes to the VM's page, while it exists.
  const address = field(event.vm, 'address');
  const id = field(event.vm, 'id');
  if (event.kind === 'vm.deleted') return { summary, link: null };
  if (event.kind === 'vm.address_assigned' && address) return { summary, link: leaseLink(address) };
  return { summary, link: id ? { href: `/vms/${encodeURIComponent(id)}`, label: `VM ${name}` } : null };
}

function hostSummary(event: LiveEvent): Described {
  const name = field(event.host, 'hostname') || field(event.host, 'id') || 'the host';
  return { summary: `Host ${name}: facts changed`, link: { href: '/hosts', label: 'Hosts' } };
}
