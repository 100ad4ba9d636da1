// Request fields checked and normalised before they reach the domain. Every failure is an
// InvalidInputError naming the proto field, so the client learns what to fix. MAC, client-id and
// host name follow the same rules as the config file (config/names.ts).
import { parseCidr, parseIPv4 } from '../dhcp/codec/ipv4.ts';
import { InvalidInputError } from '../errors.ts';
import type { Parsed } from '../config/field.ts';
import { parseClientId, parseHostname, parseMac } from '../config/names.ts';
import { parseBootFile, parseServerHostname } from '../config/boot.ts';
import { compileOptionEntries, type CompiledOption } from '../dhcp/options/index.ts';
import type { DhcpOption } from '../../proto/gen/homeplane/v1/dhcp_option.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

function accept<T>(field: string, parsed: Parsed<T>): T {
  if (!parsed.ok) throw new InvalidInputError(field, parsed.reason);
  return parsed.value;
}

export function requireAddress(field: string, text: string): number {
  if (text === '')
    throw new InvalidInputError(field, 'is required; write a dotted-quad IPv4 address such as "10.123.0.57"');
  const address = parseIPv4(text);
  if (address === null)
    throw new InvalidInputError(field, `"${text}" is not a dotted-quad IPv4 address such as "10.123.0.57"`);
  return address;
}

/** A subnet filter: '' for all, else CIDR text with the host bits zero. */
export function subnetFilter(field: string, text: string): string | undefined {
  if (text === '') return undefined;
  if (parseCidr(text) === null) {
    throw new InvalidInputError(field, `"${text}" is not a subnet; write it as in the config, e.g. "10.123.0.0/24"`);
  }
  return text;
}

/** '' -> null (none); else a normalised MAC. */
export function optionalMac(field: string, text: string): string | null {
  return text === '' ? null : accept(field, parseMac(text));
}

/** '' -> null (none); else lower-case hex without separators. */
export function optionalClientId(field: string, text: string): string | null {
  return text === '' ? null : accept(field, parseClientId(text));
}

/** '' -> null (none); else an RFC 1123 host name. */
export function optionalHostname(field: string, text: string): string | null {
  return text === '' ? null : accept(field, parseHostname(text));
}

/** 0 -> the default, above the maximum -> the maximum, negative -> refused (AIP-158). */
export function pageSize(field: string, requested: number): number {
  if (!Number.isInteger(requested) || requested < 0) {
    throw new InvalidInputError(
      field,
      `${requested} is negative; give 0 for the default (${DEFAULT_PAGE_SIZE}) or up to ${MAX_PAGE_SIZE}`,
    );
  }
  if (requested === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(requested, MAX_PAGE_SIZE);
}

/** '' -> null (none); else a dotted quad. */
export function optionalAddress(field: string, text: string): number | null {
  return text === '' ? null : requireAddress(field, text);
}

/** '' -> null (none); else a boot file name or URL as the config takes it. */
export function optionalBootFile(field: string, text: string): string | null {
  return text === '' ? null : accept(field, parseBootFile(text));
}

/** '' -> null (none); else a boot server name as the config takes it. */
export function optionalServerHostname(field: string, text: string): string | null {
  return text === '' ? null : accept(field, parseServerHostname(text));
}

/**
 * Options as the config file's lists are checked (the same function): name, or code (and type
 * for an unnamed code); 0 and '' mean "not given". Every problem is reported, one a line, the
 * first one's field named in the error.
 */
export function requireOptions(field: string, options: readonly DhcpOption[]): CompiledOption[] {
  const entries = options.map((option) => ({
    ...(option.name === '' ? {} : { name: option.name }),
    ...(option.code === 0 ? {} : { code: option.code }),
    ...(option.type === '' ? {} : { type: option.type }),
    data: option.data,
    always: option.always,
  }));
  const result = compileOptionEntries(entries, field);
  if (result.ok) return result.options;
  const [first, ...rest] = result.errors;
  const more = rest.map((problem) => `\n${problem.path}: ${problem.reason}`).join('');
  throw new InvalidInputError(first!.path, `${first!.reason}${more}`);
}
