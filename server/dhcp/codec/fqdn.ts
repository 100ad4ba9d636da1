// Client FQDN option 81 (RFC 4702 section 2): flags, RCODE1, RCODE2, then the domain name, in DNS
// wire format when the E flag is set (section 2.3.1) and in the deprecated ASCII form otherwise.
// Names are byte strings read as Latin-1, so whatever a client sent re-encodes to the same bytes;
// internationalized names travel as punycode (RFC 5891), which is ASCII.

import type { ClientFqdn } from './types.ts';
import { decodeText } from './reader.ts';
import { isLatin1 } from './writer.ts';
import { optionError, type OptionLabel, type ValueCodec } from './values.ts';

/** E flag: the name is in canonical DNS wire format (RFC 4702 2.1). */
export const FQDN_FLAG_ENCODED = 0x04;

const MAX_LABEL = 63;

export const clientFqdnValue: ValueCodec<ClientFqdn> = {
  decode(data, option, offset) {
    if (data.length < 3) throw optionError(option, offset, `length ${data.length}, expected at least 3`);
    const flags = data[0]!;
    const name = (flags & FQDN_FLAG_ENCODED) !== 0 ? readWireName(data, option, offset) : readAsciiName(data);
    return { flags, rcode1: data[1]!, rcode2: data[2]!, name };
  },
  encode(fqdn, writer, option) {
    for (const octet of [fqdn.flags, fqdn.rcode1, fqdn.rcode2]) {
      if (!Number.isInteger(octet) || octet < 0 || octet > 0xff) {
        throw optionError(option, -1, `flags and rcodes must be octets, got ${octet}`);
      }
    }
    writer.u8(fqdn.flags);
    writer.u8(fqdn.rcode1);
    writer.u8(fqdn.rcode2);
    if (!isLatin1(fqdn.name)) {
      throw optionError(option, -1, `"${fqdn.name}" has characters beyond Latin-1 (use punycode)`);
    }
    if ((fqdn.flags & FQDN_FLAG_ENCODED) === 0) {
      writer.text(fqdn.name, 'latin1');
      return;
    }
    if (fqdn.name === '' || fqdn.name === '.') return;
    // Always written fully qualified (with the root label): a server's answer names the host
    // completely (RFC 4702 4), and the model keeps no partial/full distinction.
    const name = fqdn.name.endsWith('.') ? fqdn.name.slice(0, -1) : fqdn.name;
    for (const label of name.split('.')) {
      const start = writer.position;
      writer.u8(0);
      const size = writer.text(label, 'latin1');
      if (size === 0 || size > MAX_LABEL) {
        throw optionError(option, -1, `label "${label}" of "${fqdn.name}" must be 1-${MAX_LABEL} bytes`);
      }
      writer.patchU8(start, size);
    }
    writer.u8(0);
  },
};

/**
 * Labels, each a length octet and that many bytes, ending at a zero octet (fully qualified) or at
 * the end of the data (a partial name). Compression pointers are not allowed (RFC 4702 2.3.1).
 */
function readWireName(data: Uint8Array, option: OptionLabel, offset: number): string {
  let name = '';
  let at = 3;
  while (at < data.length) {
    const length = data[at]!;
    if (length === 0) {
      if (at + 1 !== data.length) throw optionError(option, offset, "data after the name's root label");
      break;
    }
    if (length > MAX_LABEL) {
      throw optionError(option, offset, `label length ${length} exceeds ${MAX_LABEL} (compression is not allowed)`);
    }
    if (at + 1 + length > data.length) throw optionError(option, offset, 'a label runs past the end of the option');
    const label = decodeText(data, at + 1, at + 1 + length, 'latin1');
    if (label.includes('.')) throw optionError(option, offset, `label "${label}" contains a dot`);
    name = name === '' ? label : `${name}.${label}`;
    at += 1 + length;
  }
  return name;
}

/**
 * ASCII form: the trailing dot of a fully qualified name is dropped, and so are trailing NULs
 * (C terminators some clients count in the length), in any mix.
 */
function readAsciiName(data: Uint8Array): string {
  let end = data.length;
  while (end > 3 && (data[end - 1] === 0 || data[end - 1] === 0x2e)) end--;
  return decodeText(data, 3, end, 'latin1');
}
