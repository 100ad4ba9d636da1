// The last N bytes of a stream, kept as copies of the chunks that arrived: a copy, because a
// socket chunk may be a view into a larger buffer that holding it would keep alive.

export class ByteRing {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(readonly capacity: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.capacity) {
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.capacity))];
      this.bytes = this.capacity;
      return;
    }
    this.chunks.push(Buffer.from(chunk));
    this.bytes += chunk.length;
    while (this.bytes > this.capacity) {
      const first = this.chunks[0] as Buffer;
      const excess = this.bytes - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.bytes -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.bytes -= excess;
      }
    }
  }

  /** A copy of what is held, oldest byte first. */
  contents(): Buffer {
    return Buffer.concat(this.chunks, this.bytes);
  }

  get length(): number {
    return this.bytes;
  }
}
