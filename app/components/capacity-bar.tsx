// One resource of a host: allocated vs allocatable as a bar, with the numbers and how the
// allocatable amount comes about (host.proto Capacity).
import {
  capacityFormula,
  capacityWords,
  fillLevel,
  fillRatio,
  RESOURCE_LABELS,
  type CapacityView,
  type Resource,
} from '../lib/host-view.ts';

const FILL: Record<'ok' | 'high' | 'full', string> = {
  ok: 'bg-emerald-500 dark:bg-emerald-400',
  high: 'bg-amber-500 dark:bg-amber-400',
  full: 'bg-rose-500 dark:bg-rose-400',
};

export function CapacityBar({
  resource,
  capacity,
  stacked = false,
}: {
  resource: Resource;
  capacity: CapacityView;
  /** The numbers under the name rather than beside it (narrow columns: the Overview's). */
  stacked?: boolean;
}) {
  const ratio = fillRatio(capacity);
  const words = capacityWords(resource, capacity);
  return (
    <div
      data-testid={`capacity-${resource}`}
      data-allocated={capacity.allocated}
      data-allocatable={capacity.allocatable}
    >
      <div className={`text-sm ${stacked ? 'flex flex-col' : 'flex flex-wrap items-baseline justify-between gap-x-3'}`}>
        <span className="font-medium text-zinc-900 dark:text-zinc-100">{RESOURCE_LABELS[resource]}</span>
        <span className="text-zinc-600 tabular-nums dark:text-zinc-300">{words}</span>
      </div>
      <div
        role="meter"
        aria-label={`${RESOURCE_LABELS[resource]} allocated`}
        aria-valuemin={0}
        aria-valuemax={capacity.allocatable}
        aria-valuenow={Math.min(capacity.allocated, capacity.allocatable)}
        aria-valuetext={words}
        className="mt-1.5 h-2 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
      >
        <div
          className={`h-full rounded-full ${FILL[fillLevel(capacity)]}`}
          style={{ width: `${(ratio * 100).toFixed(1)}%` }}
        />
      </div>
      <p className="mt-1 text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
        {capacityFormula(resource, capacity)}
      </p>
    </div>
  );
}
