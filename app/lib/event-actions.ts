'use server';
// The Events page's "older events": the next page of history, for a signed-in visitor.
import { loadEventHistory, type EventHistory } from './event-history.ts';
import { parseKindFilter } from './event-view.ts';
import { requireSession } from './session.ts';

export async function loadOlderEvents(before: number, kind: string): Promise<EventHistory> {
  await requireSession();
  if (!Number.isSafeInteger(before) || before <= 0) return { ok: false, reason: 'There are no older events to load.' };
  return loadEventHistory(before, parseKindFilter(kind));
}
