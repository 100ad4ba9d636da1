// The lease journal: an append-only file of lease batches, in front of SQLite in durability
// 'process'. A batch is durable once one write() of its record has returned (the data is then the
// kernel's, and a kill -9 of the daemon cannot take it back), which is the guarantee SQLite's WAL
// with synchronous=NORMAL gives, for one system call instead of a whole transaction on the path
// of the ACK. The SQLite transaction follows once the replies are out (sqlite-lease-store.ts);
// the journal only has to hold what SQLite has not committed yet, so it is emptied whenever
// SQLite has caught up and it has grown past a bound.
//
// A record: length (uint32 LE) | CRC-32 of the body (uint32 LE) | body (lease-journal-record.ts
// says what is in it; this file only frames it). Reading stops
// at the first record that is short or fails its CRC: a torn tail (a write cut short by a full
// disk) is where the journal ends.
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

const HEADER_BYTES = 8;

export interface JournalContents {
  /** Bodies of the whole records, in the order they were appended. */
  records: Buffer[];
  /** Bytes after the last whole record (a torn or corrupt tail), ignored. */
  ignoredBytes: number;
}

export class LeaseJournal {
  private bytes: number;

  private constructor(
    readonly file: string,
    private readonly fd: number,
  ) {
    this.bytes = fstatSync(fd).size;
  }

  /** Opens (or creates, mode 0600: it holds clients' MACs) the journal for appending. */
  static open(file: string): LeaseJournal {
    return new LeaseJournal(file, openSync(file, 'a+', 0o600));
  }

  /** Bytes in the file. */
  get size(): number {
    return this.bytes;
  }

  /**
   * Appends one record with a single write(). Throws if the write fails or is cut short; a short
   * write is cut off again, so the next record starts where this one would have.
   */
  append(body: Uint8Array): void {
    const length = body.byteLength;
    const record = Buffer.allocUnsafe(HEADER_BYTES + length);
    record.set(body, HEADER_BYTES);
    record.writeUInt32LE(length, 0);
    record.writeUInt32LE(crc32(body), 4);
    let written = 0;
    try {
      written = writeSync(this.fd, record);
    } finally {
      if (written !== record.length) ftruncateSync(this.fd, this.bytes);
    }
    if (written !== record.length)
      throw new Error(`lease journal ${this.file}: wrote ${written} of ${record.length} bytes (disk full?)`);
    this.bytes += written;
  }

  /** Every whole record, oldest first. */
  read(): JournalContents {
    const data = readFileSync(this.file);
    const records: Buffer[] = [];
    let at = 0;
    while (at + HEADER_BYTES <= data.length) {
      const length = data.readUInt32LE(at);
      const end = at + HEADER_BYTES + length;
      if (end > data.length) break;
      const body = data.subarray(at + HEADER_BYTES, end);
      if (crc32(body) !== data.readUInt32LE(at + 4)) break;
      records.push(body);
      at = end;
    }
    return { records, ignoredBytes: data.length - at };
  }

  /** Empties the journal: only when everything in it is committed elsewhere. */
  reset(): void {
    ftruncateSync(this.fd, 0);
    this.bytes = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
