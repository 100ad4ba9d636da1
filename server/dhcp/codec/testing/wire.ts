// Test-only builder for expected wire bytes, in the manner of pg-protocol's test-buffers: each call
// appends one field, so a test reads as the message's layout with a comment per field.

import { parseIPv4 } from '../ipv4.ts';

export class Wire {
  private readonly octets: number[] = [];

  get length(): number {
    return this.octets.length;
  }

  u8(...values: number[]): this {
    for (const value of values) this.octets.push(value & 0xff);
    return this;
  }

  u16(value: number): this {
    return this.u8(value >>> 8, value);
  }

  u32(value: number): this {
    return this.u8(value >>> 24, value >>> 16, value >>> 8, value);
  }

  /** Dotted-quad address as 4 bytes. */
  ip(text: string): this {
    const value = parseIPv4(text);
    if (value === null) throw new Error(`bad test address ${text}`);
    return this.u32(value);
  }

  bytes(data: ArrayLike<number>): this {
    return this.u8(...Array.from(data));
  }

  /** ASCII text, no terminator. */
  text(value: string): this {
    return this.bytes(Buffer.from(value, 'latin1'));
  }

  /** A fixed-size field: text then NULs up to `size` (sname, file, chaddr). */
  field(data: string | ArrayLike<number>, size: number): this {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Array.from(data);
    if (bytes.length > size) throw new Error(`test field longer than ${size}`);
    return this.bytes(bytes).zeros(size - bytes.length);
  }

  zeros(count: number): this {
    for (let i = 0; i < count; i++) this.octets.push(0);
    return this;
  }

  /** One option instance: code, length, data. */
  option(code: number, data: ArrayLike<number>): this {
    return this.u8(code, data.length).bytes(data);
  }

  /** The magic cookie 99.130.83.99. */
  cookie(): this {
    return this.u8(99, 130, 83, 99);
  }

  /** Zeros up to a total length (BOOTP's 300-byte minimum, or a field's end). */
  padTo(total: number): this {
    return this.zeros(Math.max(0, total - this.octets.length));
  }

  build(): Uint8Array {
    return Uint8Array.from(this.octets);
  }
}

/** A typical request header up to and including the cookie (240 bytes): DISCOVER-shaped. */
export function requestHeader(xid = 0x3903f326, mac = [0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]): Wire {
  return new Wire()
    .u8(1) // op: BOOTREQUEST
    .u8(1) // htype: Ethernet
    .u8(mac.length) // hlen
    .u8(0) // hops
    .u32(xid) // xid
    .u16(0) // secs
    .u16(0) // flags
    .ip('0.0.0.0') // ciaddr
    .ip('0.0.0.0') // yiaddr
    .ip('0.0.0.0') // siaddr
    .ip('0.0.0.0') // giaddr
    .field(mac, 16) // chaddr
    .zeros(64) // sname
    .zeros(128) // file
    .cookie();
}

/** Reads a testdata/*.hex fixture: '#' lines are comments, the rest is hex. */
export function fixtureHex(text: string): Uint8Array {
  const hex = text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
