// What a benchmark watcher needs from a WatchResponse frame: each event's revision and commit
// time, and the revision of a Synced or Bookmark. The lean reader walks the protobuf wire format
// (https://protobuf.dev/programming-guides/encoding/) and skips the lease objects, so a watcher
// process can follow many streams without decoding every lease; the full reader uses the
// generated decoder, as a real client would, for comparison.
import { WatchResponse } from '../../proto/gen/homeplane/v1/event.ts';

export interface FrameEvent {
  revision: number;
  /** Event.time in epoch milliseconds (the commit time; for snapshot events, the snapshot's). */
  timeMs: number;
}

export type Frame =
  | { type: 'events'; events: FrameEvent[] }
  | { type: 'reset' }
  | { type: 'synced'; revision: number }
  | { type: 'bookmark'; revision: number }
  | { type: 'unknown' };

export type FrameDecoding = 'lean' | 'full';

export function frameReader(decoding: FrameDecoding): (bytes: Buffer) => Frame {
  return decoding === 'lean' ? readFrameLean : readFrameFull;
}

export function readFrameFull(bytes: Buffer): Frame {
  const payload = WatchResponse.decode(bytes).payload;
  switch (payload?.$case) {
    case 'events':
      return {
        type: 'events',
        events: payload.events.events.map((e) => ({ revision: e.revision, timeMs: e.time?.getTime() ?? 0 })),
      };
    case 'reset':
      return { type: 'reset' };
    case 'synced':
      return { type: 'synced', revision: payload.synced.revision };
    case 'bookmark':
      return { type: 'bookmark', revision: payload.bookmark.revision };
    default:
      return { type: 'unknown' };
  }
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** A cursor over one message's bytes. */
class Wire {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number: exact up to 2^53, which revisions and epoch seconds stay far below. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }

  /** The field's sub-message as its own cursor (the outer cursor moves past it). */
  sub(): Wire {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('truncated field');
    return new Wire(this.bytes, start, start + length);
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_I64) this.pos += 8;
    else if (wireType === WIRE_LEN) this.sub();
    else if (wireType === WIRE_I32) this.pos += 4;
    else throw new RangeError(`wire type ${wireType} is not one proto3 writes`);
  }

  /** Calls `field(number, wireType)` for each field; the callback reads it or returns false to skip it. */
  each(field: (number: number, wireType: number) => boolean): void {
    while (!this.done) {
      const tag = this.varint();
      const wireType = tag & 7;
      if (!field(Math.floor(tag / 8), wireType)) this.skip(wireType);
    }
  }
}

export function readFrameLean(bytes: Buffer): Frame {
  const wire = new Wire(bytes, 0, bytes.length);
  let frame: Frame = { type: 'unknown' };
  wire.each((number, wireType) => {
    if (wireType !== WIRE_LEN) return false;
    // WatchResponse.payload: 1 events, 2 reset, 3 synced, 4 bookmark (event.proto).
    if (number === 1) frame = { type: 'events', events: readBatch(wire.sub()) };
    else if (number === 2) frame = (wire.sub(), { type: 'reset' });
    else if (number === 3) frame = { type: 'synced', revision: readRevision(wire.sub()) };
    else if (number === 4) frame = { type: 'bookmark', revision: readRevision(wire.sub()) };
    else return false;
    return true;
  });
  return frame;
}

function readBatch(wire: Wire): FrameEvent[] {
  const events: FrameEvent[] = [];
  wire.each((number, wireType) => {
    if (number !== 1 || wireType !== WIRE_LEN) return false;
    events.push(readEvent(wire.sub()));
    return true;
  });
  return events;
}

/** Event: 1 revision, 2 time (google.protobuf.Timestamp); the kind and the object are skipped. */
function readEvent(wire: Wire): FrameEvent {
  const event: FrameEvent = { revision: 0, timeMs: 0 };
  wire.each((number, wireType) => {
    if (number === 1 && wireType === WIRE_VARINT) event.revision = wire.varint();
    else if (number === 2 && wireType === WIRE_LEN) event.timeMs = readTimestampMs(wire.sub());
    else return false;
    return true;
  });
  return event;
}

/** Timestamp: 1 seconds, 2 nanos. */
function readTimestampMs(wire: Wire): number {
  let seconds = 0;
  let nanos = 0;
  wire.each((number, wireType) => {
    if (wireType !== WIRE_VARINT) return false;
    if (number === 1) seconds = wire.varint();
    else if (number === 2) nanos = wire.varint();
    else return false;
    return true;
  });
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/** Synced and Bookmark: 1 revision. */
function readRevision(wire: Wire): number {
  let revision = 0;
  wire.each((number, wireType) => {
    if (number !== 1 || wireType !== WIRE_VARINT) return false;
    revision = wire.varint();
    return true;
  });
  return revision;
}
