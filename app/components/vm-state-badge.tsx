// A VM's state as a word on a coloured chip (the issue: "the state chip shows the state as a
// word"); data-state carries it in lower case for tests and styles.
import { vmStateWord, type VmStateName } from '../lib/vm-view.ts';

const STYLES: Record<VmStateName, { badge: string; dot: string; pulse?: boolean }> = {
  running: {
    badge:
      'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30',
    dot: 'bg-emerald-500',
  },
  starting: {
    badge: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/30',
    dot: 'bg-sky-500',
    pulse: true,
  },
  stopping: {
    badge: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/30',
    dot: 'bg-sky-500',
    pulse: true,
  },
  paused: {
    badge:
      'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30',
    dot: 'bg-amber-500',
  },
  stopped: {
    badge: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-500/10 dark:text-zinc-300 dark:ring-zinc-400/25',
    dot: 'bg-zinc-400',
  },
  crashed: {
    badge: 'bg-rose-50 text-rose-700 ring-rose-600/20 dark:bg-rose-500/10 dark:text-rose-300 dark:ring-rose-400/30',
    dot: 'bg-rose-500',
  },
  unknown: {
    badge: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-500/10 dark:text-zinc-300 dark:ring-zinc-400/25',
    dot: 'bg-zinc-400',
  },
};

export function VmStateBadge({ state, reason }: { state: VmStateName; reason?: string }) {
  const style = STYLES[state];
  return (
    <span
      data-state={state}
      title={reason || undefined}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${style.badge}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${style.dot} ${style.pulse ? 'animate-pulse' : ''}`} />
      {vmStateWord(state)}
    </span>
  );
}
