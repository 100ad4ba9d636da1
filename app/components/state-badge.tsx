import type { LeaseStateName } from '../lib/live/types.ts';

const STYLES: Record<LeaseStateName, { label: string; badge: string; dot: string }> = {
  active: {
    label: 'Active',
    badge:
      'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30',
    dot: 'bg-emerald-500',
  },
  released: {
    label: 'Released',
    badge: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-500/10 dark:text-zinc-300 dark:ring-zinc-400/25',
    dot: 'bg-zinc-400',
  },
  expired: {
    label: 'Expired',
    badge:
      'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30',
    dot: 'bg-amber-500',
  },
  declined: {
    label: 'Declined',
    badge: 'bg-rose-50 text-rose-700 ring-rose-600/20 dark:bg-rose-500/10 dark:text-rose-300 dark:ring-rose-400/30',
    dot: 'bg-rose-500',
  },
  unknown: {
    label: 'Unknown',
    badge: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-500/10 dark:text-zinc-300 dark:ring-zinc-400/25',
    dot: 'bg-zinc-400',
  },
};

export function stateLabel(state: LeaseStateName): string {
  return STYLES[state].label;
}

export function StateBadge({ state }: { state: LeaseStateName }) {
  const style = STYLES[state];
  return (
    <span
      data-state={state}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.badge}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${style.dot}`} />
      {style.label}
    </span>
  );
}
