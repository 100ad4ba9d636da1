// Watch frames serialized once. The generated service definition serializes every message it is
// given, per call; Watch instead writes Buffers that are already WatchResponse bytes, so a batch
// committed once is translated and encoded once for every watcher with the same kinds filter,
// and each watcher's queue counts exactly the bytes it holds.
import type * as grpc from '@grpc/grpc-js';
import type { EventDraft, StoredEvent } from '../events/types.ts';
import { EventServiceService, WatchResponse, type Event as ProtoEvent } from '../../proto/gen/homeplane/v1/event.ts';
import { eventToProto, snapshotEventToProto } from './translate.ts';
import { snapshotKind, type KindFilter } from './kinds.ts';

/** EventService with Watch writing pre-serialized WatchResponse bytes (same wire format); ListEvents as generated. */
export const eventServiceWithFrames = {
  watch: {
    ...EventServiceService.watch,
    responseSerialize: (frame: Buffer): Buffer => frame,
  },
  listEvents: EventServiceService.listEvents,
} satisfies grpc.ServiceDefinition;

function encode(response: WatchResponse): Buffer {
  const bytes = WatchResponse.encode(response).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function eventBatch(events: ProtoEvent[]): Buffer | null {
  return events.length === 0 ? null : encode({ payload: { $case: 'events', events: { events } } });
}

export function resetFrame(): Buffer {
  return encode({ payload: { $case: 'reset', reset: {} } });
}

export function syncedFrame(revision: number): Buffer {
  return encode({ payload: { $case: 'synced', synced: { revision } } });
}

export function bookmarkFrame(revision: number): Buffer {
  return encode({ payload: { $case: 'bookmark', bookmark: { revision } } });
}

/** One EventBatch of the events the filter passes, or null when it passes none. */
export function batchFrame(events: readonly StoredEvent[], filter: KindFilter): Buffer | null {
  return eventBatch(events.filter((e) => filter.matches(e.kind)).map(eventToProto));
}

/** One EventBatch of snapshot events (revision 0, kind "<object>.snapshot"), or null. */
export function snapshotFrame(drafts: readonly EventDraft[], filter: KindFilter, takenAt: number): Buffer | null {
  // Filter before translating: a watcher of reservations need not have every lease converted.
  const wanted = drafts.filter((d) => filter.matches(snapshotKind(d.object)));
  return eventBatch(wanted.map((d) => snapshotEventToProto(d, takenAt)));
}

/**
 * Frames of committed batches, remembered per batch (the feed hands every subscriber the same
 * array) and per filter, for as long as the batch itself is referenced.
 */
export class LiveFrames {
  private readonly frames = new WeakMap<readonly StoredEvent[], Map<string, Buffer | null>>();

  of(events: readonly StoredEvent[], filter: KindFilter): Buffer | null {
    let byFilter = this.frames.get(events);
    if (byFilter === undefined) {
      byFilter = new Map();
      this.frames.set(events, byFilter);
    }
    let frame = byFilter.get(filter.key);
    if (frame === undefined) {
      frame = batchFrame(events, filter);
      byFilter.set(filter.key, frame);
    }
    return frame;
  }
}
