// Wire bytes -> Packet. Total: any input yields a Packet or a PacketError, never an exception.

import { PacketError } from './errors.ts';
import {
  CHADDR_LENGTH,
  CHADDR_OFFSET,
  COOKIE_OFFSET,
  FILE_LENGTH,
  FILE_OFFSET,
  MAGIC_COOKIE,
  MIN_MESSAGE_LENGTH,
  OPTIONS_OFFSET,
  OVERLOAD_FILE,
  OVERLOAD_SNAME,
  SNAME_LENGTH,
  SNAME_OFFSET,
} from './format.ts';
import { OptionInstances } from './instances.ts';
import {
  OPTION_END,
  OPTION_OVERLOAD,
  OPTION_PAD,
  emptyOptions,
  optionSpec,
  type OptionSpec,
  type TypedOptionKey,
} from './options.ts';
import { ByteReader, copyBytes, decodeText } from './reader.ts';
import type { DhcpOptions, Packet } from './types.ts';
import { optionError } from './values.ts';

export function decode(bytes: Uint8Array): Packet | PacketError {
  try {
    return decodeMessage(plainView(bytes));
  } catch (error) {
    if (error instanceof PacketError) return error;
    // Nothing below is expected to throw anything else; if it does, the packet is still dropped
    // as malformed rather than taking the server down.
    return new PacketError('packet', 0, `cannot be decoded (${String(error)})`);
  }
}

/**
 * A plain Uint8Array over the same memory. dgram hands us Buffers, and every subarray of a Buffer
 * is another Buffer, which costs several times more to make on this path.
 */
function plainView(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeMessage(bytes: Uint8Array): Packet {
  if (bytes.length < MIN_MESSAGE_LENGTH) {
    throw new PacketError(
      'packet',
      bytes.length,
      `length ${bytes.length}, expected at least ${MIN_MESSAGE_LENGTH} (236-byte header and magic cookie)`,
    );
  }
  const header = new ByteReader(bytes, 0, COOKIE_OFFSET, 'packet');
  const op = header.u8('op');
  if (op !== 1 && op !== 2) throw new PacketError('op', 0, `${op} is neither 1 (BOOTREQUEST) nor 2 (BOOTREPLY)`);
  const htype = header.u8('htype');
  const hlen = header.u8('hlen');
  if (hlen > CHADDR_LENGTH) throw new PacketError('hlen', 2, `${hlen} exceeds the ${CHADDR_LENGTH}-byte chaddr field`);
  const hops = header.u8('hops');
  const xid = header.u32('xid');
  const secs = header.u16('secs');
  const flags = header.u16('flags');
  const ciaddr = header.u32('ciaddr');
  const yiaddr = header.u32('yiaddr');
  const siaddr = header.u32('siaddr');
  const giaddr = header.u32('giaddr');
  const chaddr = copyBytes(bytes.subarray(CHADDR_OFFSET, CHADDR_OFFSET + hlen));

  checkCookie(bytes);
  const { options, overload } = readOptions(bytes);
  return {
    op,
    htype,
    hlen,
    hops,
    xid,
    secs,
    flags,
    ciaddr,
    yiaddr,
    siaddr,
    giaddr,
    chaddr,
    sname: overload & OVERLOAD_SNAME ? '' : nulTerminated(bytes, SNAME_OFFSET, SNAME_LENGTH),
    file: overload & OVERLOAD_FILE ? '' : nulTerminated(bytes, FILE_OFFSET, FILE_LENGTH),
    options,
  };
}

function checkCookie(bytes: Uint8Array): void {
  const cookie = new ByteReader(bytes, COOKIE_OFFSET, OPTIONS_OFFSET, 'cookie').u32('magic cookie');
  if (cookie !== MAGIC_COOKIE) {
    throw new PacketError('cookie', COOKIE_OFFSET, `0x${cookie.toString(16).padStart(8, '0')}, expected 0x63825363`);
  }
}

/** All options, from the options field and, when option 52 says so, file and sname. */
function readOptions(bytes: Uint8Array): { options: DhcpOptions; overload: number } {
  const raw = new OptionInstances();
  collectOptions(bytes, OPTIONS_OFFSET, bytes.length, 'options', raw);
  const overload = overloadOf(raw);
  // RFC 2131 4.1: the options field first, then file, then sname; RFC 3396 joins across them.
  if (overload & OVERLOAD_FILE) collectOptions(bytes, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH, 'file', raw);
  if (overload & OVERLOAD_SNAME) collectOptions(bytes, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH, 'sname', raw);
  return { options: typedOptions(raw), overload };
}

/**
 * Reads code/length/data triples up to END (RFC 2132 2), skipping PAD. Bytes after END must be
 * zero padding. Each instance's data is recorded as a view into `bytes`; joining waits for all.
 */
function collectOptions(bytes: Uint8Array, start: number, end: number, region: string, raw: OptionInstances): void {
  const reader = new ByteReader(bytes, start, end, region);
  while (!reader.atEnd) {
    const offset = reader.offset;
    const code = reader.u8('option code');
    if (code === OPTION_PAD) continue;
    if (code === OPTION_END) {
      const garbage = reader.firstNonZero();
      if (garbage >= 0) throw new PacketError(region, garbage, `non-zero byte ${bytes[garbage]} after END`);
      return;
    }
    if (code === OPTION_OVERLOAD && region !== 'options') {
      throw new PacketError(region, offset, 'option 52 (overload) may appear only in the options field');
    }
    raw.add(code, reader.optionData(code, reader.optionLength(code)), offset);
  }
  throw new PacketError(region, end, 'no END option (255)');
}

const OVERLOAD_LABEL = { code: OPTION_OVERLOAD, name: 'option overload' };

/** Option 52's value (RFC 2132 9.3): 1 file, 2 sname, 3 both; 0 when absent. */
function overloadOf(raw: OptionInstances): number {
  const option = raw.get(OPTION_OVERLOAD);
  if (option === undefined) return 0;
  if (option.data.length !== 1)
    throw optionError(OVERLOAD_LABEL, option.offset, `length ${option.data.length}, expected 1`);
  const value = option.data[0]!;
  if (value < 1 || value > 3) throw optionError(OVERLOAD_LABEL, option.offset, `value ${value}, expected 1, 2 or 3`);
  return value;
}

function typedOptions(raw: OptionInstances): DhcpOptions {
  const options = emptyOptions();
  raw.forEach((code, { data, offset, joined }) => {
    if (code === OPTION_OVERLOAD) return;
    const spec = optionSpec(code);
    // A view would pin the receive buffer; a join is already a copy of its own.
    if (spec === undefined) options.other.set(code, joined ? data : copyBytes(data));
    else assignTyped(options, spec, data, offset);
  });
  return options;
}

function assignTyped<K extends TypedOptionKey>(
  options: DhcpOptions,
  spec: OptionSpec<K>,
  data: Uint8Array,
  offset: number,
): void {
  options[spec.key] = spec.codec.decode(data, spec, offset);
}

/**
 * sname and file hold C strings: text up to the first NUL, or the whole field without one. Read as
 * Latin-1 so any bytes re-encode to themselves within the field's size.
 */
function nulTerminated(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return decodeText(bytes, start, end, 'latin1');
}
