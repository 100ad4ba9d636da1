// A page of the event log, newest first (EventService.ListEvents), as Events page rows: the same
// conversion the relay applies to live events (watch-frames.ts toLiveEvent), then event-view.ts.
import 'server-only';
import { ListEventsRequest } from '../../proto/gen/homeplane/v1/event.ts';
import { BackendError, call } from './backend.ts';
import { toEventEntry, type EventEntry } from './event-view.ts';
import { toLiveEvent } from './watch-frames.ts';

/** Events per page; the daemon allows up to 1000. */
export const EVENT_PAGE_SIZE = 100;

export type EventHistory =
  | {
      ok: true;
      entries: EventEntry[];
      /** before_revision of the next older page; 0 when the log holds nothing older. */
      nextBefore: number;
      /** The newest revision when the page was read: a Watch from it continues with no gap. */
      revision: number;
    }
  | { ok: false; reason: string };

/** Events older than `before` (0: the newest), of kinds matching `kind` ('' for all). */
export async function loadEventHistory(before: number, kind: string): Promise<EventHistory> {
  try {
    const response = await call(
      (c) => c.events.listEvents.bind(c.events),
      ListEventsRequest.fromPartial({
        beforeRevision: before,
        pageSize: EVENT_PAGE_SIZE,
        kinds: kind === '' ? [] : [kind],
      }),
    );
    return {
      ok: true,
      entries: response.events.map((event) => toEventEntry(toLiveEvent(event))),
      nextBefore: response.nextBeforeRevision,
      revision: response.revision,
    };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}
