// Names and identifiers in a config: interface names, MAC addresses, client identifiers, host and
// domain names. Each parser returns the normalised form the daemon compares against.
import { asText, invalid, valid, type Parsed } from './field.ts';

/** Linux IFNAMSIZ is 16 bytes including the trailing NUL (include/uapi/linux/if.h). */
const MAX_INTERFACE_NAME = 15;

/** Mirrors the kernel's dev_valid_name(): no '/', no whitespace, not "." or "..". */
export function parseInterfaceName(input: unknown): Parsed<string> {
  const text = asText(input, 'br0');
  if (!text.ok) return text;
  const name = text.value;
  if (name === '') return invalid('is empty; write an interface name such as br0');
  if (Buffer.byteLength(name) > MAX_INTERFACE_NAME) {
    return invalid(`"${name}" is longer than ${MAX_INTERFACE_NAME} characters, the Linux limit for interface names`);
  }
  // ':' marks legacy aliases (eth0:1), which are not interfaces a socket can bind to.
  if (/[/:\s]/.test(name) || name === '.' || name === '..') {
    return invalid(`"${name}" is not a valid interface name; it may not contain '/', ':' or spaces`);
  }
  return valid(name);
}

/** "52:54:00:AA:BB:CC" or "52-54-00-aa-bb-cc" -> "52:54:00:aa:bb:cc". */
export function parseMac(input: unknown): Parsed<string> {
  const text = asText(input, '"52:54:00:aa:bb:cc"');
  if (!text.ok) return text;
  if (!/^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i.test(text.value)) {
    return invalid(`"${text.value}" is not a MAC address; write six hex pairs, e.g. "52:54:00:aa:bb:cc"`);
  }
  return valid(text.value.toLowerCase().replaceAll('-', ':'));
}

/**
 * Client identifier (option 61) as hex, type octet included: "01:52:54:00:aa:bb:cc" or
 * "01525400aabbcc" -> "01525400aabbcc". RFC 2132 9.14: at least 2 octets; an option holds 255.
 */
export function parseClientId(input: unknown): Parsed<string> {
  const text = asText(input, '"01:52:54:00:aa:bb:cc"');
  if (!text.ok) return text;
  const written = text.value;
  const colonForm = /^[0-9a-f]{2}(?::[0-9a-f]{2})+$/i.test(written);
  const plainForm = /^(?:[0-9a-f]{2})+$/i.test(written);
  if (!colonForm && !plainForm) {
    return invalid(
      `"${written}" is not a client identifier; write hex octets with or without colons, ` +
        'e.g. "01:52:54:00:aa:bb:cc" (type 01 = Ethernet, then the MAC)',
    );
  }
  const hex = written.replaceAll(':', '').toLowerCase();
  if (hex.length < 4) return invalid(`"${written}" is too short; a client identifier has at least 2 octets`);
  if (hex.length > 510) return invalid(`"${written}" is too long; a client identifier has at most 255 octets`);
  return valid(hex);
}

/** A host name: one or more RFC 1123 labels ("nas", "nas.lab.home"). */
export function parseHostname(input: unknown): Parsed<string> {
  const text = asText(input, 'nas');
  if (!text.ok) return text;
  const fault = dnsNameFault(text.value);
  if (fault !== null) return invalid(`"${text.value}" is not a valid host name: ${fault}`);
  return valid(text.value);
}

/** A domain name for option 15; a trailing dot (fully qualified form) is dropped. */
export function parseDomainName(input: unknown): Parsed<string> {
  const text = asText(input, 'lab.home');
  if (!text.ok) return text;
  const name = text.value.endsWith('.') ? text.value.slice(0, -1) : text.value;
  const fault = dnsNameFault(name);
  if (fault !== null) return invalid(`"${text.value}" is not a valid domain name: ${fault}`);
  return valid(name);
}

/** RFC 1123 2.1 / RFC 1035 2.3.4: labels of 1-63 letters, digits and inner hyphens; 253 in all. */
export function dnsNameFault(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name.length > 253) return 'longer than 253 characters';
  for (const label of name.split('.')) {
    if (label === '') return 'it has an empty label (two dots in a row, or a leading dot)';
    if (label.length > 63) return `label "${label}" is longer than 63 characters`;
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(label)) {
      return `label "${label}" may use only letters, digits and inner hyphens`;
    }
  }
  return null;
}
