// The body of one lease journal record (lease-journal.ts frames it): one batch of the lease
// store, its sequence number, its row writes and its events. Binary, because it is built on the
// path of every ACK in durability 'process': measured in the daemon at 4,000 DORA/s (issue 12),
// JSON.stringify of the batch plus its UTF-8 copy took 16.5 µs of each REQUEST's time before its
// ACK could leave; this encoding reuses one buffer and writes each field in place.
//
// Layout, little-endian:
//   u8 format (1) | f64 seq | u32 writes | writes... | u32 events | events...
//   write:  u32 address | u8 0 (delete the row) or 1 (upsert, then the lease's other fields)
//   event:  str kind | u8 1 and u32 address: its lease is that address's write in this record,
//           field for field (the usual case: a put's event carries the lease it writes), or
//           u8 0 and the lease (u32 address, then its other fields)
//   fields: str subnetId | str clientKey | str hwAddress | nstr clientId | nstr hostname |
//           nstr fqdn | str state | f64 startsAt | f64 expiresAt
//   str:    u16 byte length | UTF-8 bytes; nstr: the same, or u16 0xffff for null
// A body that starts with '{' is the JSON of the journals written before this format (a daemon
// stopped by a crash and then upgraded reads them the same way).
import type { Lease, LeaseEventKind, LeaseState } from '../dhcp/lease.ts';
import type { EventDraft } from '../events/types.ts';

/** A lease as the upsert's positional parameters, in column order (sqlite-lease-store.ts). */
export type LeaseParams = [
  address: number,
  subnetId: string,
  clientKey: string,
  hwAddress: string,
  clientId: string | null,
  hostname: string | null,
  fqdn: string | null,
  state: string,
  startsAt: number,
  expiresAt: number,
];

/** The lease store's events: always about a lease. */
export type LeaseEventDraft = Extract<EventDraft, { object: 'lease' }>;

/** One batch: the rows to upsert (or delete: null) by address, and its events in order. */
export interface JournalRecord {
  seq: number;
  writes: [number, LeaseParams | null][];
  events: LeaseEventDraft[];
}

const FORMAT = 1;
const JSON_OPEN_BRACE = 0x7b;
const NULL_STRING = 0xffff;
const MAX_STRING_BYTES = NULL_STRING - 1;

/** A record body that cannot be read: damaged beyond what the frame's CRC caught, or of an unknown format. */
export class JournalRecordError extends Error {
  override readonly name = 'JournalRecordError';
}

/** Encodes records into one buffer it keeps and grows; each result is valid until the next encode. */
export class JournalRecordEncoder {
  private buf = Buffer.allocUnsafe(4096);
  private at = 0;

  /** The record's bytes: a view of the encoder's buffer, overwritten by the next call. */
  encode(seq: number, writes: ReadonlyMap<number, LeaseParams | null>, events: readonly LeaseEventDraft[]): Buffer {
    this.at = 0;
    this.room(1 + 8 + 4);
    this.buf[this.at++] = FORMAT;
    this.at = this.buf.writeDoubleLE(seq, this.at);
    this.at = this.buf.writeUInt32LE(writes.size, this.at);
    for (const [address, params] of writes) {
      this.room(5);
      this.at = this.buf.writeUInt32LE(address, this.at);
      this.buf[this.at++] = params === null ? 0 : 1;
      if (params !== null)
        this.fields(params[1], params[2], params[3], params[4], params[5], params[6], params[7], params[8], params[9]);
    }
    this.room(4);
    this.at = this.buf.writeUInt32LE(events.length, this.at);
    for (const { kind, lease: l } of events) {
      this.string(kind);
      const written = writes.get(l.address);
      const reference = written != null && sameLease(l, written);
      this.room(5);
      this.buf[this.at++] = reference ? 1 : 0;
      this.at = this.buf.writeUInt32LE(l.address, this.at);
      if (!reference)
        this.fields(
          l.subnetId,
          l.clientKey,
          l.hwAddress,
          l.clientId,
          l.hostname,
          l.fqdn,
          l.state,
          l.startsAt,
          l.expiresAt,
        );
    }
    return this.buf.subarray(0, this.at);
  }

  private fields(
    subnetId: string,
    clientKey: string,
    hwAddress: string,
    clientId: string | null,
    hostname: string | null,
    fqdn: string | null,
    state: string,
    startsAt: number,
    expiresAt: number,
  ): void {
    this.string(subnetId);
    this.string(clientKey);
    this.string(hwAddress);
    this.string(clientId);
    this.string(hostname);
    this.string(fqdn);
    this.string(state);
    this.room(16);
    this.at = this.buf.writeDoubleLE(startsAt, this.at);
    this.at = this.buf.writeDoubleLE(expiresAt, this.at);
  }

  private string(value: string | null): void {
    if (value === null) {
      this.room(2);
      this.at = this.buf.writeUInt16LE(NULL_STRING, this.at);
      return;
    }
    this.room(2 + value.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const bytes = this.ascii(value) ?? this.buf.write(value, this.at + 2, 'utf8');
    if (bytes > MAX_STRING_BYTES)
      throw new RangeError(
        `a lease field of ${bytes} bytes does not fit a journal record (at most ${MAX_STRING_BYTES})`,
      );
    this.buf.writeUInt16LE(bytes, this.at);
    this.at += 2 + bytes;
  }

  /**
   * Writes an ASCII string byte by byte after its length's place and returns its length, or
   * null (nothing to undo) at the first other character. Lease fields are short and nearly
   * always ASCII, and this loop costs less than a call into Buffer's UTF-8 writer per field.
   */
  private ascii(value: string): number | null {
    const buf = this.buf;
    const start = this.at + 2;
    for (let i = 0; i < value.length; i += 1) {
      const unit = value.charCodeAt(i);
      if (unit > 0x7f) return null;
      buf[start + i] = unit;
    }
    return value.length;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/** Whether the lease is the upsert's parameters, field for field. */
function sameLease(l: Lease, p: LeaseParams): boolean {
  return (
    l.address === p[0] &&
    l.subnetId === p[1] &&
    l.clientKey === p[2] &&
    l.hwAddress === p[3] &&
    l.clientId === p[4] &&
    l.hostname === p[5] &&
    l.fqdn === p[6] &&
    l.state === p[7] &&
    Object.is(l.startsAt, p[8]) &&
    Object.is(l.expiresAt, p[9])
  );
}

/** Reads a record body back: this format, or the JSON of earlier versions. Throws JournalRecordError. */
export function decodeJournalRecord(body: Uint8Array): JournalRecord {
  if (body[0] === JSON_OPEN_BRACE) return JSON.parse(Buffer.from(body).toString('utf8')) as JournalRecord;
  if (body[0] !== FORMAT)
    throw new JournalRecordError(
      `lease journal record of unknown format ${body[0] ?? '(empty)'}: written by a newer version of Homeplane?`,
    );
  return new Reader(body).record();
}

class Reader {
  private readonly buf: Buffer;
  private at = 1;
  /** The record's writes by address, made at the first event that refers to one. */
  private written: Map<number, LeaseParams | null> | null = null;

  constructor(body: Uint8Array) {
    this.buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  record(): JournalRecord {
    const seq = this.double();
    const writes: [number, LeaseParams | null][] = [];
    for (let n = this.u32(); n > 0; n -= 1) {
      const address = this.u32();
      const tag = this.u8();
      if (tag === 0) writes.push([address, null]);
      else if (tag === 1) {
        const l = this.lease(address);
        writes.push([
          address,
          [
            l.address,
            l.subnetId,
            l.clientKey,
            l.hwAddress,
            l.clientId,
            l.hostname,
            l.fqdn,
            l.state,
            l.startsAt,
            l.expiresAt,
          ],
        ]);
      } else throw new JournalRecordError(`lease journal record ${seq}: write tag ${tag} is neither 0 nor 1`);
    }
    const events: LeaseEventDraft[] = [];
    for (let n = this.u32(); n > 0; n -= 1) {
      const kind = this.text() as LeaseEventKind;
      const form = this.u8();
      const address = this.u32();
      events.push({ object: 'lease', kind, lease: this.eventLease(seq, form, address, writes) });
    }
    if (this.at !== this.buf.length)
      throw new JournalRecordError(`lease journal record ${seq}: ${this.buf.length - this.at} bytes after its end`);
    return { seq, writes, events };
  }

  private eventLease(seq: number, form: number, address: number, writes: [number, LeaseParams | null][]): Lease {
    if (form === 0) return this.lease(address);
    if (form !== 1) throw new JournalRecordError(`lease journal record ${seq}: event form ${form} is neither 0 nor 1`);
    this.written ??= new Map(writes);
    const p = this.written.get(address);
    if (p == null)
      throw new JournalRecordError(
        `lease journal record ${seq}: an event refers to the write of ${address}, which it lacks`,
      );
    const [, subnetId, clientKey, hwAddress, clientId, hostname, fqdn, state, startsAt, expiresAt] = p;
    return {
      address,
      subnetId,
      clientKey,
      hwAddress,
      clientId,
      hostname,
      fqdn,
      state: state as LeaseState,
      startsAt,
      expiresAt,
    };
  }

  private lease(address: number): Lease {
    return {
      address,
      subnetId: this.text(),
      clientKey: this.text(),
      hwAddress: this.text(),
      clientId: this.nullableText(),
      hostname: this.nullableText(),
      fqdn: this.nullableText(),
      state: this.text() as LeaseState,
      startsAt: this.double(),
      expiresAt: this.double(),
    };
  }

  private text(): string {
    const value = this.nullableText();
    if (value === null) throw new JournalRecordError('lease journal record: a required field is null');
    return value;
  }

  private nullableText(): string | null {
    const bytes = this.u16();
    if (bytes === NULL_STRING) return null;
    this.need(bytes);
    const value = this.buf.toString('utf8', this.at, this.at + bytes);
    this.at += bytes;
    return value;
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.at++]!;
  }

  private u16(): number {
    this.need(2);
    const value = this.buf.readUInt16LE(this.at);
    this.at += 2;
    return value;
  }

  private u32(): number {
    this.need(4);
    const value = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }

  private double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.buf.length)
      throw new JournalRecordError(
        `lease journal record cut short: ${bytes} bytes wanted at ${this.at} of ${this.buf.length}`,
      );
  }
}
