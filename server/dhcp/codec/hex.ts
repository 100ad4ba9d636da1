// Text forms of byte strings for logs, config and lease keys.

import { PacketError } from './errors.ts';

/** Hardware address as "aa:bb:cc:dd:ee:ff" (lower case, colon-separated, any length). */
export function macToString(chaddr: Uint8Array): string {
  let text = '';
  for (let i = 0; i < chaddr.length; i++) {
    if (i > 0) text += ':';
    text += HEX_DIGITS[chaddr[i]! >> 4]! + HEX_DIGITS[chaddr[i]! & 15]!;
  }
  return text;
}

/** Two lower-case hex digits per byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * "01aabb": lower-case hex, no separators. Short inputs (client identifiers, on every packet) by
 * table: a Buffer view made per call cost about three times as much. Long ones (a whole packet,
 * for a log line) through Buffer, which does not build a string piece by piece.
 */
export function bytesToHex(bytes: Uint8Array): string {
  if (bytes.length > 32) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += BYTE_HEX[bytes[i]!]!;
  return text;
}

/**
 * Parses hex with or without ":" or "-" between octets ("01:aa:bb", "01aabb"). Throws PacketError
 * (field "hex", offset = character index) for anything else, including an odd number of digits.
 */
export function hexToBytes(text: string): Uint8Array {
  const digits = text.replace(/[:-]/g, '');
  const bad = digits.search(/[^0-9a-fA-F]/);
  if (bad >= 0) throw new PacketError('hex', bad, `"${digits[bad]}" is not a hex digit in "${text}"`);
  if (digits.length % 2 !== 0) throw new PacketError('hex', digits.length, `odd number of hex digits in "${text}"`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const HEX_DIGITS = '0123456789abcdef';
