// The reservation form's values and the checks the browser can make before asking the daemon:
// the obvious ones (a dotted quad, six hex pairs, a valid host name, an address inside the
// chosen subnet), worded like the daemon's (server/config/names.ts, server/grpc/input.ts). The
// daemon checks again and decides collisions; reservation-errors.ts maps its answers.
import type { ReservationErrors } from './reservation-errors.ts';
import { checkOptionRows, optionRowOf, readOptionRows, type OptionRow } from './reservation-options.ts';
import type { ReservationView } from './reservation-view.ts';

/** How the reservation recognises its client (reservation.proto: exactly one of mac, client_id). */
export type ClientMatch = 'mac' | 'client-id';

export interface ReservationFormValues {
  /** '' for a new reservation. */
  id: string;
  address: string;
  match: ClientMatch;
  mac: string;
  clientId: string;
  hostname: string;
  /** '' to let the daemon take the address's subnet. */
  subnet: string;
  /** DHCP options for this client alone (rows left blank are not kept). */
  options: OptionRow[];
  /** Network boot for this client alone; '' leaves it to the client's class or subnet. */
  nextServer: string;
  bootFile: string;
  serverHostname: string;
}

export const EMPTY_FORM: ReservationFormValues = {
  id: '',
  address: '',
  match: 'mac',
  mac: '',
  clientId: '',
  hostname: '',
  subnet: '',
  options: [],
  nextServer: '',
  bootFile: '',
  serverHostname: '',
};

export function formValuesOf(reservation: ReservationView): ReservationFormValues {
  return {
    id: reservation.id,
    address: reservation.address,
    match: reservation.mac === '' && reservation.clientId !== '' ? 'client-id' : 'mac',
    mac: reservation.mac,
    clientId: reservation.clientId,
    hostname: reservation.hostname,
    subnet: reservation.subnet,
    options: reservation.options.map(optionRowOf),
    nextServer: reservation.nextServer,
    bootFile: reservation.bootFile,
    serverHostname: reservation.serverHostname,
  };
}

/** The form's fields, trimmed (a pasted MAC often carries a blank). */
export function readReservationForm(form: FormData): ReservationFormValues {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  return {
    id: text('id'),
    address: text('address'),
    match: text('match') === 'client-id' ? 'client-id' : 'mac',
    mac: text('mac'),
    clientId: text('clientId'),
    hostname: text('hostname'),
    subnet: text('subnet'),
    options: readOptionRows(form),
    nextServer: text('nextServer'),
    bootFile: text('bootFile'),
    serverHostname: text('serverHostname'),
  };
}

/** Dotted quad -> number; null if it is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Whether the dotted quad lies in "a.b.c.d/len"; null when the subnet is not CIDR text. */
export function inSubnet(address: number, subnet: string): boolean | null {
  const [base, bits] = subnet.split('/');
  const network = parseIPv4(base ?? '');
  const length = Number(bits);
  if (network === null || !Number.isInteger(length) || length < 0 || length > 32) return null;
  const size = 2 ** (32 - length);
  return Math.floor(address / size) === Math.floor(network / size);
}

const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;
const CLIENT_ID = /^(?:[0-9a-f]{2}(?::[0-9a-f]{2})+|(?:[0-9a-f]{2})+)$/i;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

function hostnameFault(name: string): string | null {
  if (name.length > 253) return 'it is longer than 253 characters';
  for (const label of name.split('.')) {
    if (label === '') return 'it has an empty part (two dots in a row, or a dot at an end)';
    if (label.length > 63) return `"${label}" is longer than 63 characters`;
    if (!LABEL.test(label)) return `"${label}" may use only letters, digits and hyphens inside`;
  }
  return null;
}

/** What the browser can tell is wrong; an empty object when the daemon should decide. */
export function checkReservationForm(values: ReservationFormValues): ReservationErrors {
  const errors: ReservationErrors = {};
  const address = parseIPv4(values.address);
  if (values.address === '') errors.address = 'Give the address to reserve, e.g. 10.123.0.10.';
  else if (address === null) errors.address = `"${values.address}" is not an IPv4 address; write it like 10.123.0.10.`;
  else if (values.subnet !== '' && inSubnet(address, values.subnet) === false)
    errors.subnet = `${values.address} is not in ${values.subnet}. Pick the address's own subnet, or leave it to the address.`;

  if (values.match === 'mac') {
    if (values.mac === '') errors.mac = "Give the client's MAC address, e.g. 52:54:00:aa:bb:cc.";
    else if (!MAC.test(values.mac))
      errors.mac = `"${values.mac}" is not a MAC address; write six pairs of hex digits, e.g. 52:54:00:aa:bb:cc.`;
  } else {
    const hex = values.clientId.replaceAll(':', '');
    if (values.clientId === '') errors.clientId = 'Give the client identifier, e.g. 01:52:54:00:aa:bb:cc.';
    else if (!CLIENT_ID.test(values.clientId))
      errors.clientId = `"${values.clientId}" is not a client identifier; write hex pairs, e.g. 01:52:54:00:aa:bb:cc (01 = Ethernet, then the MAC).`;
    else if (hex.length < 4) errors.clientId = 'A client identifier has at least 2 octets (4 hex digits).';
    else if (hex.length > 510) errors.clientId = 'A client identifier has at most 255 octets.';
  }

  if (values.hostname !== '') {
    const fault = hostnameFault(values.hostname);
    if (fault !== null) errors.hostname = `"${values.hostname}" is not a valid host name: ${fault}.`;
  }
  if (values.nextServer !== '' && parseIPv4(values.nextServer) === null)
    errors.nextServer = `"${values.nextServer}" is not an IPv4 address; write the TFTP server's address like 10.123.0.5.`;
  if (/\s/.test(values.bootFile))
    errors.bootFile = 'A boot file name has no spaces; write it like pxelinux.0 or http://10.123.0.5/boot.ipxe.';
  return { ...errors, ...checkOptionRows(values.options) };
}
