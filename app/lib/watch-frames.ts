// One homeplane.v1.WatchResponse -> the SSE frames the browser gets (app/api/events/route.ts).
//
//   event: event     one per Event; `id:` = its revision, omitted for snapshot events (revision 0),
//                    which must not move the resume point (event.proto, Event.revision)
//   event: reset     drop the cache; snapshot events follow, then synced
//   event: synced    id = Synced.revision: the resume point after a snapshot
//   event: bookmark  id = Bookmark.revision: the watcher may resume from there
//
// Every message carries `id` where the proto gives a resume point, so a reconnecting
// EventSource's Last-Event-ID is always the last revision it has applied.
import { Host } from '../../proto/gen/homeplane/v1/host.ts';
import { Vm } from '../../proto/gen/homeplane/v1/vm.ts';
import type { Event, WatchResponse } from '../../proto/gen/homeplane/v1/event.ts';
import { toLeaseRow } from './lease-row.ts';
import { toReservationView } from './reservation-convert.ts';
import type { LiveEvent } from './live/types.ts';
import type { SseFrame } from './sse.ts';

export function watchFrames(response: WatchResponse): SseFrame[] {
  const payload = response.payload;
  switch (payload?.$case) {
    case 'events':
      return payload.events.events.map(eventFrame);
    case 'reset':
      return [{ event: 'reset', data: '{}' }];
    case 'synced':
      return [
        { id: payload.synced.revision, event: 'synced', data: JSON.stringify({ revision: payload.synced.revision }) },
      ];
    case 'bookmark':
      return [
        {
          id: payload.bookmark.revision,
          event: 'bookmark',
          data: JSON.stringify({ revision: payload.bookmark.revision }),
        },
      ];
    default:
      // A payload added to the proto later: nothing this relay can forward.
      return [];
  }
}

function eventFrame(event: Event): SseFrame {
  const live = toLiveEvent(event);
  const frame: SseFrame = { event: 'event', data: JSON.stringify(live) };
  if (event.revision > 0) frame.id = event.revision;
  return frame;
}

export function toLiveEvent(event: Event): LiveEvent {
  const live: LiveEvent = { revision: event.revision, time: event.time?.getTime() ?? null, kind: event.kind };
  if (event.object?.$case === 'lease') live.lease = toLeaseRow(event.object.lease);
  // Reservations go out as the Reservations page's plain view (reservation-view.ts), as in its
  // first list; proto JSON would drop empty fields and spell the source as an enum name.
  if (event.object?.$case === 'reservation') live.reservation = toReservationView(event.object.reservation);
  if (event.object?.$case === 'vm') live.vm = Vm.toJSON(event.object.vm);
  if (event.object?.$case === 'host') live.host = Host.toJSON(event.object.host);
  return live;
}
