// Bounds-checked cursor over a region of a received message. With writer.ts, the only code that
// touches bytes directly. Every read past the region's end throws PacketError naming the region
// and the offset; decode() catches it and returns it.

import { PacketError } from './errors.ts';

export class ByteReader {
  /** Absolute offset of the next byte to read. */
  offset: number;

  /**
   * @param bytes the whole message (offsets stay absolute so errors point into it)
   * @param start first byte of the region
   * @param end one past the region's last byte
   * @param region named in errors: "packet", "options", "file" or "sname"
   */
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    readonly region: string,
  ) {
    this.offset = start;
  }

  get atEnd(): boolean {
    return this.offset >= this.end;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const b = this.bytes;
    const at = this.offset;
    this.offset = at + 2;
    return (b[at]! << 8) | b[at + 1]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const at = this.offset;
    this.offset = at + 4;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  /**
   * An option's length byte, then a view (no copy) of its data (RFC 2132 2). Separate from u8/view so the
   * labels naming the option in errors are built only when there is an error: a message can hold
   * over 20,000 instances.
   */
  optionLength(code: number): number {
    if (this.offset + 1 > this.end) this.fail(1, `option ${code} length`);
    return this.bytes[this.offset++]!;
  }

  optionData(code: number, length: number): Uint8Array {
    if (this.offset + length > this.end) this.fail(length, `option ${code} data`);
    const at = this.offset;
    this.offset = at + length;
    return this.bytes.subarray(at, at + length);
  }

  /** Offset of the first non-zero byte from here to the region's end, or -1 if all are zero. */
  firstNonZero(): number {
    const b = this.bytes;
    for (let i = this.offset; i < this.end; i++) if (b[i] !== 0) return i;
    return -1;
  }

  private need(length: number, what: string): void {
    if (this.offset + length > this.end) this.fail(length, what);
  }

  private fail(length: number, what: string): never {
    throw new PacketError(
      this.region,
      this.offset,
      `${what} needs ${length} byte(s), ${this.end - this.offset} left in the ${this.region} field`,
    );
  }
}

/** A plain Uint8Array copy, so decoded values never pin (or alias) the receive buffer. */
export function copyBytes(source: Uint8Array): Uint8Array {
  const out = new Uint8Array(source.length);
  out.set(source);
  return out;
}

/**
 * Text from bytes. UTF-8 for free text (ASCII and valid UTF-8 round-trip exactly; invalid
 * sequences become U+FFFD). Latin-1 where the bytes must survive re-encoding unchanged within a
 * fixed size (sname, file, DNS labels): one character per byte.
 */
export function decodeText(
  data: Uint8Array,
  start = 0,
  end = data.length,
  encoding: 'utf8' | 'latin1' = 'utf8',
): string {
  if (start >= end) return '';
  // Short ASCII (nearly every host name) skips building a Buffer view: one char per byte.
  if (end - start <= SHORT_TEXT && (encoding === 'latin1' || isAscii(data, start, end))) {
    return String.fromCharCode.apply(null, data.subarray(start, end) as unknown as number[]);
  }
  return Buffer.from(data.buffer, data.byteOffset + start, end - start).toString(encoding);
}

/** Longest text decoded char by char; far below any engine's argument-count limit. */
const SHORT_TEXT = 1024;

function isAscii(data: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (data[i]! >= 0x80) return false;
  return true;
}
