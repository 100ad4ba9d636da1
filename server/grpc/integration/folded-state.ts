// What a Watch client builds from the stream (event.proto): a cache of objects by identity (a
// lease by address, a reservation by id) and a resume point. Folding is strict, so a test that
// folds a stream also checks it: an event whose revision does not rise above the resume point
// (a duplicate, or one out of order) throws, and so does a snapshot event outside a Reset.
import type { Event, WatchResponse } from '../../../proto/gen/homeplane/v1/event.ts';
import { parseIPv4 } from '../../dhcp/codec/ipv4.ts';
import type { Lease } from '../../../proto/gen/homeplane/v1/lease.ts';
import type { Reservation } from '../../../proto/gen/homeplane/v1/reservation.ts';

export class FoldedState {
  readonly leases = new Map<string, Lease>();
  readonly reservations = new Map<string, Reservation>();
  /** The resume point: the last applied event, Synced or Bookmark. */
  revision = 0;
  /** Set by Reset, cleared by Synced: snapshot events are allowed in between. */
  private inSnapshot = false;

  /** Applies frames in order; returns this. */
  apply(frames: readonly WatchResponse[]): this {
    for (const frame of frames) this.applyFrame(frame);
    return this;
  }

  /** Leases ordered by address (numerically), as ListLeases returns them. */
  leaseList(): Lease[] {
    return [...this.leases.values()].sort((a, b) => addressOrder(a.address) - addressOrder(b.address));
  }

  reservationList(): Reservation[] {
    return [...this.reservations.values()].sort((a, b) => addressOrder(a.address) - addressOrder(b.address));
  }

  private applyFrame(frame: WatchResponse): void {
    const payload = frame.payload;
    switch (payload?.$case) {
      case 'reset':
        this.leases.clear();
        this.reservations.clear();
        this.inSnapshot = true;
        return;
      case 'synced':
        if (!this.inSnapshot) throw new Error(`Synced{${payload.synced.revision}} without a Reset before it`);
        this.inSnapshot = false;
        this.revision = payload.synced.revision;
        return;
      case 'bookmark':
        if (payload.bookmark.revision < this.revision) {
          throw new Error(`Bookmark{${payload.bookmark.revision}} goes back behind revision ${this.revision}`);
        }
        this.revision = payload.bookmark.revision;
        return;
      case 'events':
        for (const event of payload.events.events) this.applyEvent(event);
        return;
      default:
        throw new Error(`a frame with no payload: ${JSON.stringify(frame)}`);
    }
  }

  private applyEvent(event: Event): void {
    if (event.revision === 0) {
      if (!this.inSnapshot || !event.kind.endsWith('.snapshot')) {
        throw new Error(`event of revision 0 (${event.kind}) outside a snapshot`);
      }
    } else {
      if (this.inSnapshot) throw new Error(`logged event ${event.revision} inside a snapshot`);
      if (event.revision <= this.revision) {
        throw new Error(
          `event ${event.revision} (${event.kind}) does not follow revision ${this.revision}: duplicated or out of order`,
        );
      }
      this.revision = event.revision;
    }
    const object = event.object;
    if (object?.$case === 'lease') {
      if (event.kind === 'lease.deleted') this.leases.delete(object.lease.address);
      else this.leases.set(object.lease.address, object.lease);
    } else if (object?.$case === 'reservation') {
      if (event.kind === 'reservation.deleted') this.reservations.delete(object.reservation.id);
      else this.reservations.set(object.reservation.id, object.reservation);
    }
  }
}

/** Every logged event (revision > 0) the frames carry, in order. */
export function loggedEvents(frames: readonly WatchResponse[]): Event[] {
  return frames.flatMap((f) =>
    f.payload?.$case === 'events' ? f.payload.events.events.filter((e) => e.revision > 0) : [],
  );
}

/** The revision of the last logged event in the frames; `fallback` when there is none. */
export function lastEventRevision(frames: readonly WatchResponse[], fallback = 0): number {
  return loggedEvents(frames).at(-1)?.revision ?? fallback;
}

function addressOrder(address: string): number {
  return parseIPv4(address) ?? -1;
}
