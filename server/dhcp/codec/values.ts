// Value codecs for option data, one per wire shape in RFC 2132 section 2 ("fixed-length",
// "list of addresses", NVT ASCII text, opaque octets). options.ts pairs them with option codes.

import { PacketError } from './errors.ts';
import { copyBytes, decodeText } from './reader.ts';
import type { ByteWriter } from './writer.ts';

/** Names an option in errors: `option 51 (lease time)`. */
export interface OptionLabel {
  readonly code: number;
  readonly name: string;
}

export interface ValueCodec<T> {
  /** Parses the option's (RFC 3396-joined) data; `offset` is where its first instance starts. */
  decode(data: Uint8Array, option: OptionLabel, offset: number): T;
  /** Appends the value's data (no code or length) to the writer. */
  encode(value: T, writer: ByteWriter, option: OptionLabel): void;
}

export function optionError(option: OptionLabel, offset: number, problem: string): PacketError {
  return new PacketError(`option ${option.code}`, offset, problem, `option ${option.code} (${option.name})`);
}

function expectLength(data: Uint8Array, expected: number, option: OptionLabel, offset: number): void {
  if (data.length !== expected) {
    throw optionError(option, offset, `length ${data.length}, expected ${expected}`);
  }
}

function checkUint(value: number, max: number, option: OptionLabel): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw optionError(option, -1, `value ${value} is not an integer in 0..${max}`);
  }
}

function readU32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

export const uint8Value: ValueCodec<number> = {
  decode(data, option, offset) {
    expectLength(data, 1, option, offset);
    return data[0]!;
  },
  encode(value, writer, option) {
    checkUint(value, 0xff, option);
    writer.u8(value);
  },
};

export const uint16Value: ValueCodec<number> = {
  decode(data, option, offset) {
    expectLength(data, 2, option, offset);
    return (data[0]! << 8) | data[1]!;
  },
  encode(value, writer, option) {
    checkUint(value, 0xffff, option);
    writer.u16(value);
  },
};

/** Unsigned 32-bit: times in seconds and single IPv4 addresses alike. */
export const uint32Value: ValueCodec<number> = {
  decode(data, option, offset) {
    expectLength(data, 4, option, offset);
    return readU32(data, 0);
  },
  encode(value, writer, option) {
    checkUint(value, 0xffffffff, option);
    writer.u32(value);
  },
};

/** One or more IPv4 addresses: length a non-zero multiple of 4 (RFC 2132 3.5, 3.8, 8.3). */
export const addressListValue: ValueCodec<number[]> = {
  decode(data, option, offset) {
    if (data.length === 0 || data.length % 4 !== 0) {
      throw optionError(option, offset, `length ${data.length}, expected a non-zero multiple of 4`);
    }
    const addresses = new Array<number>(data.length / 4);
    for (let i = 0; i < addresses.length; i++) addresses[i] = readU32(data, i * 4);
    return addresses;
  },
  encode(addresses, writer, option) {
    if (addresses.length === 0) throw optionError(option, -1, 'an address list needs at least one address');
    for (const address of addresses) {
      checkUint(address, 0xffffffff, option);
      writer.u32(address);
    }
  },
};

/**
 * Text (host name, domain name, message). RFC 2132 says NVT ASCII; clients also send UTF-8, so
 * that is how it is read. Trailing NULs are dropped: some clients count a C terminator in the
 * length (RFC 2132 2: "options containing NVT ASCII data SHOULD NOT include a trailing NULL").
 */
export const textValue: ValueCodec<string> = {
  decode(data) {
    let end = data.length;
    while (end > 0 && data[end - 1] === 0) end--;
    return decodeText(data, 0, end);
  },
  encode(value, writer) {
    writer.text(value);
  },
};

/** Opaque octets, kept whole and copied out of the receive buffer. */
export const opaqueValue: ValueCodec<Uint8Array> = {
  decode(data) {
    return copyBytes(data);
  },
  encode(value, writer) {
    writer.bytes(value);
  },
};

/** A list of option codes (parameter request list, RFC 2132 9.8). */
export const codeListValue: ValueCodec<number[]> = {
  decode(data) {
    return Array.from(data);
  },
  encode(codes, writer, option) {
    for (const code of codes) {
      checkUint(code, 0xff, option);
      writer.u8(code);
    }
  },
};
