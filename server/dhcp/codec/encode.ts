// Packet -> wire bytes. Throws PacketError only for a packet with no wire form.

import { PacketError } from './errors.ts';
import {
  CHADDR_LENGTH,
  CHADDR_OFFSET,
  DEFAULT_MAX_MESSAGE_SIZE,
  FILE_LENGTH,
  FILE_OFFSET,
  MAGIC_COOKIE,
  MIN_PADDED_LENGTH,
  OPTIONS_OFFSET,
  SNAME_LENGTH,
  SNAME_OFFSET,
} from './format.ts';
import {
  ASCENDING_OPTIONS,
  LEADING_OPTIONS,
  OPTION_END,
  TRAILING_OPTIONS,
  isReservedCode,
  optionSpec,
  type OptionSpec,
  type TypedOptionKey,
} from './options.ts';
import { placeOptions } from './overload.ts';
import type { DhcpOptions, EncodeLimits, Packet } from './types.ts';
import { ByteWriter, isLatin1 } from './writer.ts';

/**
 * Options go out as 53, 54, then ascending codes (raw ones merged in), then 82 (RFC 3046 2.1),
 * then END; values over 255 bytes as consecutive instances (RFC 3396). The message is padded with
 * zeros to 300 bytes (BOOTP minimum, as Kea and ISC do) unless the limit is lower. When the options
 * exceed `limits.maxMessageSize` (default 548), see overload.ts for what moves or is dropped;
 * with `limits.fileAsOption67`, a boot file name yields its field to the options (as option 67)
 * when they would not all fit otherwise.
 *
 * Returns a Buffer (a Uint8Array) that views Node's shared allocation pool: use its bytes, not
 * its `.buffer`.
 */
export function encode(packet: Packet, limits: EncodeLimits = {}): Uint8Array {
  const maxSize = limits.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  checkHeader(packet);
  // One buffer for the whole message: header, then options straight after it.
  const writer = new ByteWriter(Math.max(MIN_PADDED_LENGTH, Math.min(maxSize, TYPICAL_CAPACITY)));
  writeHeader(writer, packet);
  writeOptions(writer, packet.options);
  if (writer.position + 1 > maxSize && relayOut(writer, packet, maxSize) && limits.fileAsOption67 === true) {
    const moved = withFileAsOption67(packet);
    if (moved !== null) return encode(moved, { ...limits, fileAsOption67: false });
  }
  writer.u8(OPTION_END);
  writer.zeros(Math.max(0, Math.min(MIN_PADDED_LENGTH, maxSize) - writer.position));
  return writer.view();
}

/** Enough for nearly every reply without growing: an Ethernet MTU's worth. */
const TYPICAL_CAPACITY = 1500;

function writeHeader(writer: ByteWriter, packet: Packet): void {
  writer.u8(packet.op);
  writer.u8(packet.htype);
  writer.u8(packet.hlen);
  writer.u8(packet.hops);
  writer.u32(packet.xid);
  writer.u16(packet.secs);
  writer.u16(packet.flags);
  writer.u32(packet.ciaddr);
  writer.u32(packet.yiaddr);
  writer.u32(packet.siaddr);
  writer.u32(packet.giaddr);
  writer.bytes(packet.chaddr);
  writer.zeros(CHADDR_LENGTH - packet.chaddr.length);
  writeText(writer, packet.sname, 'sname', SNAME_OFFSET, SNAME_LENGTH);
  writeText(writer, packet.file, 'file', FILE_OFFSET, FILE_LENGTH);
  writer.u32(MAGIC_COOKIE);
}

/** sname or file as text: Latin-1 bytes, NUL-padded to the field's size (see decode.ts). */
function writeText(writer: ByteWriter, text: string, field: string, offset: number, length: number): void {
  if (!isLatin1(text)) throw new PacketError(field, offset, `"${text}" has characters beyond Latin-1`);
  if (text.length > length) throw new PacketError(field, offset, `"${text}" is longer than the ${length}-byte field`);
  writer.text(text, 'latin1');
  writer.zeros(length - text.length);
}

/**
 * Slow path, for options past the limit: takes the options back out and lays them out again
 * across the options, file and sname fields (overload.ts), each of the latter closed by END.
 * Returns true when some options were left out.
 */
function relayOut(writer: ByteWriter, packet: Packet, maxSize: number): boolean {
  const stream = writer.copy(OPTIONS_OFFSET, writer.position);
  const fields = placeOptions(stream, maxSize - OPTIONS_OFFSET, packet.file === '', packet.sname === '');
  if (fields.file !== null) writer.overwrite(FILE_OFFSET, withEnd(fields.file));
  if (fields.sname !== null) writer.overwrite(SNAME_OFFSET, withEnd(fields.sname));
  writer.truncate(OPTIONS_OFFSET);
  writer.bytes(fields.options);
  return fields.dropped;
}

const OPTION_BOOT_FILE = 67;

/** The packet with its file text moved into option 67, or null when there is nothing to move. */
function withFileAsOption67(packet: Packet): Packet | null {
  if (packet.file === '' || packet.options.other.has(OPTION_BOOT_FILE)) return null;
  const other = new Map(packet.options.other);
  other.set(
    OPTION_BOOT_FILE,
    Uint8Array.from(packet.file, (char) => char.charCodeAt(0)),
  );
  return { ...packet, file: '', options: { ...packet.options, other } };
}

function withEnd(options: Uint8Array): Uint8Array {
  const out = new Uint8Array(options.length + 1);
  out.set(options);
  out[options.length] = OPTION_END;
  return out;
}

function writeOptions(writer: ByteWriter, options: DhcpOptions): void {
  for (const spec of LEADING_OPTIONS) writeTyped(writer, spec, options);
  const rawCodes = sortedRawCodes(options);
  let next = 0;
  for (const spec of ASCENDING_OPTIONS) {
    while (next < rawCodes.length && rawCodes[next]! < spec.code) writeRaw(writer, rawCodes[next++]!, options);
    writeTyped(writer, spec, options);
  }
  while (next < rawCodes.length) writeRaw(writer, rawCodes[next++]!, options);
  for (const spec of TRAILING_OPTIONS) writeTyped(writer, spec, options);
}

function writeTyped<K extends TypedOptionKey>(writer: ByteWriter, spec: OptionSpec<K>, options: DhcpOptions): void {
  const value = options[spec.key];
  if (value === undefined) return;
  const start = writer.beginOption(spec.code);
  spec.codec.encode(value as NonNullable<DhcpOptions[K]>, writer, spec);
  writer.endOption(start);
}

function writeRaw(writer: ByteWriter, code: number, options: DhcpOptions): void {
  const start = writer.beginOption(code);
  writer.bytes(options.other.get(code)!);
  writer.endOption(start);
}

/** Codes of DhcpOptions.other, ascending; each must be a code the model does not type. */
function sortedRawCodes(options: DhcpOptions): number[] {
  if (options.other.size === 0) return [];
  const codes = [...options.other.keys()];
  for (const code of codes) {
    if (!Number.isInteger(code) || code < 0 || code > 255 || isReservedCode(code)) {
      throw new PacketError(`option ${code}`, -1, 'not a code that can be sent as a raw option');
    }
    const spec = optionSpec(code);
    if (spec !== undefined) {
      throw new PacketError(`option ${code}`, -1, `is typed: set options.${spec.key}, not options.other`);
    }
  }
  return codes.sort((a, b) => a - b);
}

const HEADER_LIMITS: ReadonlyArray<readonly [keyof Packet, number, number]> = [
  ['htype', 1, 0xff],
  ['hlen', 2, CHADDR_LENGTH],
  ['hops', 3, 0xff],
  ['xid', 4, 0xffffffff],
  ['secs', 8, 0xffff],
  ['flags', 10, 0xffff],
  ['ciaddr', 12, 0xffffffff],
  ['yiaddr', 16, 0xffffffff],
  ['siaddr', 20, 0xffffffff],
  ['giaddr', 24, 0xffffffff],
];

function checkHeader(packet: Packet): void {
  if (packet.op !== 1 && packet.op !== 2) throw new PacketError('op', 0, `${packet.op} is neither 1 nor 2`);
  for (const [field, offset, max] of HEADER_LIMITS) {
    const value = packet[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      throw new PacketError(field, offset, `${String(value)} is not an integer in 0..${max}`);
    }
  }
  if (packet.chaddr.length > CHADDR_LENGTH) {
    throw new PacketError(
      'chaddr',
      CHADDR_OFFSET,
      `${packet.chaddr.length} bytes exceed the ${CHADDR_LENGTH}-byte field`,
    );
  }
}
