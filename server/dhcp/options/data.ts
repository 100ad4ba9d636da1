// Option `data` text <-> wire bytes, per type. The text syntax is Kea's CSV form: lists are
// comma-separated, a classless route is `DEST/PREFIX - ROUTER`, hex may use colons or spaces.
// parseOptionData also yields the canonical text (what the API shows and parses back the same).
import { formatIPv4, parseIPv4, prefixToMask } from '../codec/ipv4.ts';
import { dnsNameFault } from '../../config/names.ts';
import type { OptionType } from './types.ts';

export type DataResult = { ok: true; bytes: Uint8Array; text: string } | { ok: false; reason: string };

/** Past this an option would not fit a reply to a client that states no larger size (RFC 2131: 576). */
export const MAX_OPTION_DATA = 1024;

const INTEGER_RANGES = {
  uint8: [0, 0xff, 1],
  uint16: [0, 0xffff, 2],
  uint32: [0, 0xffffffff, 4],
  int32: [-0x80000000, 0x7fffffff, 4],
} as const;

function ok(bytes: Uint8Array, text: string): DataResult {
  if (bytes.length > MAX_OPTION_DATA) {
    return fail(`is ${bytes.length} bytes, more than the ${MAX_OPTION_DATA} an option may carry here; shorten it`);
  }
  return { ok: true, bytes, text };
}

function fail(reason: string): DataResult {
  return { ok: false, reason };
}

/** Items of a comma-separated list, trimmed; an empty item is reported by the caller's parser. */
function items(text: string): string[] {
  return text.split(',').map((item) => item.trim());
}

/**
 * Parses `data` as written in YAML (text, or a number/boolean YAML already read as one) for `type`.
 * The reason names what is wrong and what to write instead.
 */
export function parseOptionData(type: OptionType, input: unknown): DataResult {
  if (input === undefined || input === null) return fail(`required; give the value as text, e.g. ${example(type)}`);
  if (typeof input === 'number' || typeof input === 'boolean') {
    if (type in INTEGER_RANGES || type === 'bool') return parseText(type, String(input));
    return fail(`got ${typeof input} ${String(input)}; write the ${type} value in quotes, e.g. ${example(type)}`);
  }
  if (typeof input !== 'string')
    return fail(
      `expected text such as ${example(type)}, got a ${Array.isArray(input) ? 'list' : 'mapping'}; write lists comma-separated in one string`,
    );
  return parseText(type, input);
}

export function example(type: OptionType): string {
  switch (type) {
    case 'ip':
      return '"10.0.0.1"';
    case 'ips':
      return '"10.0.0.1, 10.0.0.2"';
    case 'uint8':
      return '"64"';
    case 'uint16':
      return '"1500"';
    case 'uint32':
      return '"3600"';
    case 'int32':
      return '"-3600"';
    case 'bool':
      return '"true"';
    case 'string':
      return '"http://wpad.lab.test/wpad.dat"';
    case 'fqdn':
      return '"lab.test"';
    case 'fqdns':
      return '"lab.test, home.arpa"';
    case 'hex':
      return '"01:04:0a:00:00:05"';
    case 'routes':
      return '"10.200.0.0/16 - 10.0.0.254, 0.0.0.0/0 - 10.0.0.1"';
  }
}

function parseText(type: OptionType, text: string): DataResult {
  switch (type) {
    case 'ip': {
      const address = parseIPv4(text.trim());
      if (address === null) return fail(`"${text}" is not an IPv4 address; write e.g. ${example(type)}`);
      return ok(u32s([address]), formatIPv4(address));
    }
    case 'ips':
      return parseAddresses(text);
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'int32':
      return parseInteger(type, text);
    case 'bool':
      return parseBool(text);
    case 'string':
      return parseString(text);
    case 'fqdn': {
      const name = parseName(text.trim());
      if (typeof name === 'string') return fail(name);
      return ok(name.bytes, name.text);
    }
    case 'fqdns':
      return parseNames(text);
    case 'hex':
      return parseHex(text);
    case 'routes':
      return parseRoutes(text);
  }
}

function parseAddresses(text: string): DataResult {
  const addresses: number[] = [];
  for (const item of items(text)) {
    const address = parseIPv4(item);
    if (address === null) {
      const what = item === '' ? 'an empty item' : `"${item}" is not an IPv4 address`;
      return fail(`${what} in "${text}"; write addresses separated by commas, e.g. ${example('ips')}`);
    }
    addresses.push(address);
  }
  return ok(u32s(addresses), addresses.map(formatIPv4).join(', '));
}

function parseInteger(type: keyof typeof INTEGER_RANGES, text: string): DataResult {
  const [min, max, size] = INTEGER_RANGES[type];
  const written = text.trim();
  if (!/^-?\d+$/.test(written))
    return fail(`"${text}" is not a whole number; write a ${type} such as ${example(type)}`);
  const value = Number(written);
  if (value < min || value > max) return fail(`${written} is outside the ${type} range ${min}-${max}`);
  const bytes = new Uint8Array(size);
  const unsigned = value < 0 ? value + 2 ** 32 : value;
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(unsigned / 2 ** (8 * (size - 1 - i))) & 0xff;
  return ok(bytes, String(value));
}

function parseBool(text: string): DataResult {
  const written = text.trim().toLowerCase();
  if (written === 'true' || written === '1') return ok(Uint8Array.of(1), 'true');
  if (written === 'false' || written === '0') return ok(Uint8Array.of(0), 'false');
  return fail(`"${text}" is not a boolean; write "true" or "false"`);
}

function parseString(text: string): DataResult {
  if (text === '') return fail('is empty; a text option carries at least one character (RFC 2132 2)');
  if (text.includes('\0')) return fail('contains a NUL character, which clients read as the end of the text');
  return ok(new Uint8Array(Buffer.from(text, 'utf8')), text);
}

/** One domain name in DNS wire form (RFC 1035 3.1), fully qualified: labels, then the root (0). */
function parseName(written: string): { bytes: Uint8Array; text: string } | string {
  const name = written.endsWith('.') ? written.slice(0, -1) : written;
  const fault = dnsNameFault(name);
  if (fault !== null) return `"${written}" is not a domain name: ${fault}`;
  const bytes = new Uint8Array(name.length + 2);
  let at = 0;
  for (const label of name.split('.')) {
    bytes[at++] = label.length;
    for (let i = 0; i < label.length; i++) bytes[at++] = label.charCodeAt(i);
  }
  bytes[at] = 0;
  return { bytes, text: name };
}

/** A list of names (RFC 3397 domain search, and the like), written without compression as Kea does. */
function parseNames(text: string): DataResult {
  const parts: Uint8Array[] = [];
  const names: string[] = [];
  for (const item of items(text)) {
    if (item === '')
      return fail(`an empty name in "${text}"; write names separated by commas, e.g. ${example('fqdns')}`);
    const name = parseName(item);
    if (typeof name === 'string') return fail(name);
    parts.push(name.bytes);
    names.push(name.text);
  }
  return ok(concat(parts), names.join(', '));
}

function parseHex(text: string): DataResult {
  let written = text.trim();
  if (/^0x/i.test(written)) written = written.slice(2);
  if (written === '') return ok(new Uint8Array(0), '');
  let octets: string[];
  if (/[:\s-]/.test(written)) {
    octets = written.split(/[:\s-]+/);
    if (octets.some((octet) => !/^[0-9a-f]{1,2}$/i.test(octet))) {
      return fail(`"${text}" is not hex octets; write pairs of hex digits, e.g. ${example('hex')}`);
    }
  } else {
    if (!/^[0-9a-f]*$/i.test(written))
      return fail(`"${text}" is not hex; use the digits 0-9 and a-f, e.g. ${example('hex')}`);
    if (written.length % 2 !== 0) return fail(`"${text}" has an odd number of hex digits; write whole octets`);
    octets = written.match(/../g) ?? [];
  }
  const bytes = Uint8Array.from(octets, (octet) => parseInt(octet, 16));
  return ok(bytes, formatHex(bytes));
}

export function formatHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** RFC 3442: per route, the prefix width, the destination's significant octets, the router. */
function parseRoutes(text: string): DataResult {
  const parts: number[] = [];
  const routes: string[] = [];
  for (const item of items(text)) {
    const match = /^(\S+)\/(\d{1,2})\s*-\s*(\S+)$/.exec(item);
    const hint = `write "DEST/PREFIX - ROUTER" per route, separated by commas, e.g. ${example('routes')}`;
    if (match === null) return fail(`"${item}" is not a route; ${hint}`);
    const destination = parseIPv4(match[1]!);
    const width = Number(match[2]);
    const router = parseIPv4(match[3]!);
    if (destination === null) return fail(`"${match[1]}" in "${item}" is not an IPv4 address; ${hint}`);
    if (width > 32) return fail(`prefix /${width} in "${item}" is longer than 32`);
    if (router === null) return fail(`router "${match[3]}" in "${item}" is not an IPv4 address; ${hint}`);
    const network = (destination & prefixToMask(width)) >>> 0;
    if (network !== destination) {
      return fail(`"${item}" has host bits set after /${width}; the destination is ${formatIPv4(network)}/${width}`);
    }
    const significant = Math.ceil(width / 8);
    parts.push(width);
    for (let i = 0; i < significant; i++) parts.push((destination >>> (24 - 8 * i)) & 0xff);
    parts.push(router >>> 24, (router >>> 16) & 0xff, (router >>> 8) & 0xff, router & 0xff);
    routes.push(`${formatIPv4(destination)}/${width} - ${formatIPv4(router)}`);
  }
  return ok(Uint8Array.from(parts), routes.join(', '));
}

function u32s(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  values.forEach((value, i) => {
    bytes[i * 4] = value >>> 24;
    bytes[i * 4 + 1] = (value >>> 16) & 0xff;
    bytes[i * 4 + 2] = (value >>> 8) & 0xff;
    bytes[i * 4 + 3] = value & 0xff;
  });
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Wire bytes -> canonical text for `type`: the inverse of parseOptionData, for what a client or
 * another server sent. Domain names may use RFC 1035 4.1.4 compression (RFC 3397 allows it in
 * option 119); pointers are offsets into the option's joined data and must point backwards.
 * Returns an error text instead of throwing.
 */
export function decodeOptionData(
  type: OptionType,
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; reason: string } {
  const bad = (reason: string) => ({ ok: false as const, reason });
  const good = (text: string) => ({ ok: true as const, text });
  const fixed = (size: number) => bytes.length === size;
  const u32At = (at: number) =>
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  switch (type) {
    case 'ip':
      return fixed(4) ? good(formatIPv4(u32At(0))) : bad(`length ${bytes.length}, expected 4`);
    case 'ips': {
      if (bytes.length === 0 || bytes.length % 4 !== 0) return bad(`length ${bytes.length}, expected a multiple of 4`);
      const out: string[] = [];
      for (let at = 0; at < bytes.length; at += 4) out.push(formatIPv4(u32At(at)));
      return good(out.join(', '));
    }
    case 'uint8':
      return fixed(1) ? good(String(bytes[0])) : bad(`length ${bytes.length}, expected 1`);
    case 'uint16':
      return fixed(2) ? good(String((bytes[0]! << 8) | bytes[1]!)) : bad(`length ${bytes.length}, expected 2`);
    case 'uint32':
      return fixed(4) ? good(String(u32At(0))) : bad(`length ${bytes.length}, expected 4`);
    case 'int32':
      return fixed(4) ? good(String(u32At(0) | 0)) : bad(`length ${bytes.length}, expected 4`);
    case 'bool':
      return fixed(1) && bytes[0]! <= 1 ? good(bytes[0] === 1 ? 'true' : 'false') : bad('expected one octet 0 or 1');
    case 'string':
      return good(Buffer.from(bytes).toString('utf8'));
    case 'hex':
      return good(formatHex(bytes));
    case 'fqdn':
    case 'fqdns': {
      const names: string[] = [];
      let at = 0;
      while (at < bytes.length) {
        const name = readName(bytes, at);
        if (typeof name === 'string') return bad(name);
        names.push(name.text);
        at = name.next;
      }
      if (names.length === 0) return bad('no name');
      if (type === 'fqdn' && names.length > 1) return bad('more than one name');
      return good(names.join(', '));
    }
    case 'routes': {
      const routes: string[] = [];
      let at = 0;
      while (at < bytes.length) {
        const width = bytes[at]!;
        if (width > 32) return bad(`prefix width ${width} exceeds 32`);
        const significant = Math.ceil(width / 8);
        if (at + 1 + significant + 4 > bytes.length) return bad('a route runs past the end of the option');
        let destination = 0;
        for (let i = 0; i < 4; i++) destination = destination * 256 + (i < significant ? bytes[at + 1 + i]! : 0);
        routes.push(`${formatIPv4(destination)}/${width} - ${formatIPv4(u32At(at + 1 + significant))}`);
        at += 1 + significant + 4;
      }
      return good(routes.join(', '));
    }
  }
}

/** One name at `start`: labels until the root label or a pointer (which ends it). */
function readName(bytes: Uint8Array, start: number): { text: string; next: number } | string {
  const labels: string[] = [];
  let at = start;
  let next = -1;
  let jumps = 0;
  let floor = start;
  while (true) {
    if (at >= bytes.length) return 'a name runs past the end of the option (no root label)';
    const length = bytes[at]!;
    if (length === 0) {
      if (next < 0) next = at + 1;
      break;
    }
    if ((length & 0xc0) === 0xc0) {
      if (at + 1 >= bytes.length) return 'a compression pointer is cut short';
      const target = ((length & 0x3f) << 8) | bytes[at + 1]!;
      if (target >= floor) return `compression pointer to ${target} does not point backwards`;
      if (++jumps > 127) return 'too many compression pointers';
      if (next < 0) next = at + 2;
      floor = target;
      at = target;
      continue;
    }
    if (length > 63) return `label length ${length} exceeds 63`;
    if (at + 1 + length > bytes.length) return 'a label runs past the end of the option';
    labels.push(Buffer.from(bytes.subarray(at + 1, at + 1 + length)).toString('latin1'));
    at += 1 + length;
  }
  if (labels.length === 0) return 'an empty name (root only)';
  return { text: labels.join('.'), next };
}
