'use client';
// Which events to show: every event, one object type, or one kind. Kept in the URL (?kind=).
import { EVENT_KINDS, EVENT_OBJECTS, kindLabel } from '../../lib/event-view.ts';

export function KindFilter({ value, onChange }: { value: string; onChange: (kind: string) => void }) {
  return (
    <div>
      <label htmlFor="event-kind" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        Show
      </label>
      <select
        id="event-kind"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="mt-1 h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm shadow-xs focus:border-zinc-500 focus:ring-2 focus:ring-zinc-200 focus:outline-none sm:w-64 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:focus:ring-zinc-700"
      >
        <option value="">Every event</option>
        {EVENT_OBJECTS.map((object) => (
          <optgroup key={object} label={kindLabel(object)}>
            <option value={object}>All {kindLabel(object).toLowerCase()} events</option>
            {EVENT_KINDS[object].map((verb) => (
              <option key={verb} value={`${object}.${verb}`}>
                {kindLabel(`${object}.${verb}`)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
