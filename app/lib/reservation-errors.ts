// The daemon's refusal of a reservation change -> a message at the form field it is about, in
// words a person reads. The daemon is the authority (server/dhcp/admin-service.ts, server/grpc/
// reservation-service.ts); its messages have two shapes:
// - INVALID_ARGUMENT: details "<field>: <reason>", the field also in the trailer
//   homeplane-invalid-field ("reservation.mac", "address", "subnet"...);
// - FAILED_PRECONDITION (a collision or a read-only source): `MAC <m> is already reserved by
//   reservation "<id>" (<source>)`, the same with `client-id <c>` or `address <a>`,
//   `address <a> is leased to another client (<mac>) until <ISO time>`, and
//   `reservation "<id>" comes from the config file; edit the file instead`.
// Anything else is shown above the form, in the daemon's words.
import { optionErrorKey, optionReason, type OptionErrorKey } from './reservation-options.ts';
import type { ReservationView } from './reservation-view.ts';

export const RESERVATION_FIELDS = [
  'address',
  'mac',
  'clientId',
  'hostname',
  'subnet',
  'nextServer',
  'bootFile',
  'serverHostname',
] as const;
export type ReservationField = (typeof RESERVATION_FIELDS)[number];
/** Messages by field (an option row's fields by position, reservation-options.ts); `form` is about the whole request. */
export type ReservationErrors = Partial<Record<ReservationField | OptionErrorKey | 'form', string>>;

/** gRPC status codes this file tells apart (@grpc/grpc-js status, kept numeric to stay client-safe). */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

export interface DaemonRefusal {
  code: number;
  details: string;
  /** The homeplane-invalid-field trailer, when the daemon sent one. */
  field: string | null;
}

const PROTO_FIELDS: Readonly<Record<string, ReservationField>> = {
  mac: 'mac',
  client_id: 'clientId',
  address: 'address',
  hostname: 'hostname',
  subnet: 'subnet',
  next_server: 'nextServer',
  boot_file: 'bootFile',
  server_hostname: 'serverHostname',
};

const LABELS: Record<ReservationField, string> = {
  address: 'The address',
  mac: 'The MAC address',
  clientId: 'The client identifier',
  hostname: 'The host name',
  subnet: 'The subnet',
  nextServer: 'The next server',
  bootFile: 'The boot file',
  serverHostname: 'The boot server name',
};

const COLLISION = /^(MAC|client-id|address) (\S+) is already reserved by reservation "([^"]*)" \(([a-z]+)\)$/;
const LEASED = /^address (\S+) is leased to another client \(([^)]*)\) until (\S+)$/;

/** The reservation a collision names, so the caller can describe it; null for other refusals. */
export function collidingReservationId(details: string): string | null {
  return COLLISION.exec(details)?.[3] ?? null;
}

/**
 * The messages to show for a refusal. `colliding` is the reservation a collision names, when the
 * caller could read it (the message then says which address and host it belongs to).
 */
export function reservationErrors(refusal: DaemonRefusal, colliding?: ReservationView): ReservationErrors {
  switch (refusal.code) {
    case INVALID_ARGUMENT:
      return invalidArgument(refusal);
    case FAILED_PRECONDITION:
    case ALREADY_EXISTS:
      return collision(refusal.details, colliding) ?? { form: sentence(refusal.details) };
    case NOT_FOUND:
      return { form: 'This reservation no longer exists: it was deleted meanwhile. The list shows what is there now.' };
    default:
      return { form: sentence(refusal.details) };
  }
}

/** Several problems come one a line ("reservation.options[1].data: ..."), each shown at its own field. */
function invalidArgument({ details, field }: DaemonRefusal): ReservationErrors {
  const lines = details
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length <= 1) return oneProblem(details, field);
  const errors: ReservationErrors = {};
  for (const line of lines) {
    for (const [key, message] of Object.entries(oneProblem(line, null)) as [keyof ReservationErrors, string][]) {
      errors[key] = errors[key] === undefined ? message : `${errors[key]} ${message}`;
    }
  }
  return errors;
}

function oneProblem(details: string, field: string | null): ReservationErrors {
  const colon = details.indexOf(': ');
  const named = field ?? (colon > 0 ? details.slice(0, colon) : '');
  const reason = colon > 0 && details.slice(0, colon) === named ? details.slice(colon + 2) : details;
  const optionKey = optionErrorKey(named);
  if (optionKey !== null) return { [optionKey]: optionReason(optionKey, reason) };
  const target = PROTO_FIELDS[named.replace(/^reservation\./, '')];
  if (reason.includes('exactly one of mac or client_id')) {
    return reason.includes('not both')
      ? { clientId: 'Give either a MAC address or a client identifier, not both.' }
      : { mac: "Give the client's MAC address (or match it by client identifier instead)." };
  }
  if (target === undefined) return { form: sentence(details) };
  if (target === 'address' && reason.includes('is not a host address of any configured subnet')) {
    const address = reason.split(' ')[0];
    return {
      address: `${address} is not in any subnet this daemon serves (or it is a subnet's network or broadcast address). Pick an address inside one of the subnets.`,
    };
  }
  if (target === 'subnet') {
    const match = /^(\S+) is not in subnet (\S+)$/.exec(reason);
    if (match)
      return {
        subnet: `${match[1]} is not in ${match[2]}. Pick the address's own subnet, or leave it to the address.`,
      };
  }
  // "is required; ..." reads as a sentence once the field is named; the others start with the value.
  return { [target]: reason.startsWith('is ') ? `${LABELS[target]} ${reason}.` : sentence(reason) };
}

function collision(details: string, colliding: ReservationView | undefined): ReservationErrors | null {
  const match = COLLISION.exec(details);
  if (match) {
    const [, what, value, id, source] = match;
    const owner = colliding ? describe(colliding) : `reservation "${id}" (${sourceWords(source!)})`;
    switch (what) {
      case 'MAC':
        return { mac: `${value} already has a reservation: ${owner}. A client can have only one.` };
      case 'client-id':
        return {
          clientId: `Client identifier ${value} already has a reservation: ${owner}. A client can have only one.`,
        };
      default:
        return { address: `${value} is already reserved for another client: ${owner}. Pick another address.` };
    }
  }
  const leased = LEASED.exec(details);
  if (leased) {
    const [, address, mac, until] = leased;
    return {
      address: `${address} is leased to another client (${mac}) until ${untilWords(until!)}. Pick another address, or release that lease first.`,
    };
  }
  if (/^reservation "[^"]*" comes from the config file/.test(details))
    return { form: 'This reservation comes from the config file: edit the file to change it.' };
  if (/^reservation "[^"]*" comes from the VM inventory/.test(details))
    return { form: 'This reservation belongs to a virtual machine: it changes with the VM.' };
  return null;
}

/** "10.123.0.10 (nas), from the config file". */
function describe(reservation: ReservationView): string {
  const host = reservation.hostname === '' ? '' : ` (${reservation.hostname})`;
  const from = reservation.source === 'api' ? '' : `, ${sourceWords(reservation.source)}`;
  return `${reservation.address}${host}${from}`;
}

function sourceWords(source: string): string {
  switch (source) {
    case 'config':
      return 'from the config file';
    case 'vm':
      return 'for a virtual machine';
    default:
      return 'made in the dashboard';
  }
}

/** "2026-12-01 22:50 UTC" from the daemon's ISO time; the text itself if it is not one. */
function untilWords(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The daemon's words as a sentence: capital first letter, final full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'The daemon refused the change without saying why.';
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
