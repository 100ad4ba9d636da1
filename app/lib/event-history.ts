// The Events page's history. Until EventService.ListEvents is in the daemon's API, the history
// is the Watch replay: the page watches from a revision REPLAYED_REVISIONS before the newest, so
// the stream sends those events first (each with its revision, in order), then live ones.
import 'server-only';
import { ListReservationsRequest } from '../../proto/gen/homeplane/v1/reservation.ts';
import { BackendError, call } from './backend.ts';
import type { EventEntry } from './event-view.ts';

/** How many of the newest revisions the replay covers. */
const REPLAYED_REVISIONS = 200;

export type EventHistory =
  | {
      ok: true;
      entries: EventEntry[];
      /** before_revision of the next older page; 0 when there is no older page to ask for. */
      nextBefore: number;
      /** The revision to watch from: every event after it reaches the page through the stream. */
      revision: number;
    }
  | { ok: false; reason: string };

export async function loadEventHistory(before: number, _kind: string): Promise<EventHistory> {
  if (before > 0) return { ok: true, entries: [], nextBefore: 0, revision: 0 };
  try {
    // Any list call carries the log's newest revision; a one-item page is the cheapest.
    const { revision } = await call(
      (c) => c.reservations.listReservations.bind(c.reservations),
      ListReservationsRequest.fromPartial({ pageSize: 1 }),
    );
    return { ok: true, entries: [], nextBefore: 0, revision: Math.max(0, revision - REPLAYED_REVISIONS) };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}
