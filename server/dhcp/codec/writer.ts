// Growable byte writer. With reader.ts, the only code that touches bytes directly. Writes are
// unchecked: callers validate values first (encode.ts, values.ts) so errors can name the field.
//
// Memory comes from Buffer.allocUnsafe (Node's pooled slab): a fresh zeroed ArrayBuffer costs
// about 0.6 us, several times the rest of an encode. It is not zeroed, so callers write every
// byte they return (padding via zeros(), never by skipping).

/** Largest data length of one option instance; longer values are split (RFC 3396 section 5). */
export const MAX_OPTION_INSTANCE = 255;

export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  /** @param capacity initial size; an exact size means the result needs no copy. */
  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get position(): number {
    return this.length;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number): void {
    this.reserve(2);
    const b = this.buffer;
    const at = this.length;
    b[at] = value >>> 8;
    b[at + 1] = value;
    this.length = at + 2;
  }

  u32(value: number): void {
    this.reserve(4);
    const b = this.buffer;
    const at = this.length;
    b[at] = value >>> 24;
    b[at + 1] = value >>> 16;
    b[at + 2] = value >>> 8;
    b[at + 3] = value;
    this.length = at + 4;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /**
   * Writes text as UTF-8, or Latin-1 (one byte per character; callers check that every character
   * is below U+0100 first). Returns the number of bytes written.
   */
  text(value: string, encoding: 'utf8' | 'latin1' = 'utf8'): number {
    const start = this.length;
    this.reserve(value.length);
    const b = this.buffer;
    // One byte per character: Latin-1 always, UTF-8 while the text is ASCII (nearly always).
    const limit = encoding === 'latin1' ? 0x100 : 0x80;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= limit) {
        this.length = start;
        this.bytes(Buffer.from(value, 'utf8'));
        return this.length - start;
      }
      b[start + i] = c;
    }
    this.length = start + value.length;
    return value.length;
  }

  /** Appends `count` zero bytes. */
  zeros(count: number): void {
    this.reserve(count);
    this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
  }

  /** Overwrites one byte already written (a length decided after its data). */
  patchU8(offset: number, value: number): void {
    this.buffer[offset] = value;
  }

  /** Starts an option: code and a length byte patched by endOption(). Returns its start. */
  beginOption(code: number): number {
    const start = this.length;
    this.u8(code);
    this.u8(0);
    return start;
  }

  /**
   * Closes the option begun at `start`. A value longer than 255 bytes is rewritten as
   * consecutive instances of the same code, each at most 255 bytes (RFC 3396 section 5).
   */
  endOption(start: number): void {
    const valueLength = this.length - start - 2;
    if (valueLength <= MAX_OPTION_INSTANCE) {
      this.buffer[start + 1] = valueLength;
      return;
    }
    const code = this.buffer[start]!;
    const value = this.copy(start + 2, this.length);
    this.length = start;
    for (let at = 0; at < value.length; at += MAX_OPTION_INSTANCE) {
      const chunk = value.subarray(at, Math.min(at + MAX_OPTION_INSTANCE, value.length));
      this.u8(code);
      this.u8(chunk.length);
      this.bytes(chunk);
    }
  }

  /** Overwrites bytes already written (fields filled in after what follows them). */
  overwrite(offset: number, data: Uint8Array): void {
    if (offset + data.length > this.length) throw new RangeError('overwrite past the written bytes');
    this.buffer.set(data, offset);
  }

  /** Forgets everything from `position` on. */
  truncate(position: number): void {
    this.length = Math.min(this.length, position);
  }

  /** A copy of written bytes [start, end), detached from this writer. */
  copy(start: number, end: number): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buffer, start, end);
  }

  /** The bytes written so far: a view, valid until the next write. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** True when every character fits one Latin-1 byte (what `text(value, 'latin1')` can write). */
export function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}
