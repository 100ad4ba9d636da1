import type { StreamStatus } from '../lib/live/use-watch-stream.ts';

const LABELS: Record<StreamStatus, { text: string; dot: string; pulse: boolean }> = {
  connecting: { text: 'Connecting…', dot: 'bg-zinc-400', pulse: false },
  live: { text: 'Live', dot: 'bg-emerald-500', pulse: true },
  resyncing: { text: 'Resyncing…', dot: 'bg-sky-500', pulse: false },
  reconnecting: { text: 'Reconnecting…', dot: 'bg-amber-500', pulse: false },
};

/** Whether the table is following the daemon's event stream right now. */
export function LiveIndicator({ status, revision }: { status: StreamStatus; revision: number }) {
  const label = LABELS[status];
  return (
    <span
      role="status"
      data-testid="live-indicator"
      data-status={status}
      title={`Event revision ${revision}`}
      className="inline-flex items-center gap-2 rounded-full border border-zinc-200 bg-white px-3 py-1 text-xs font-medium text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300"
    >
      <span className="relative flex size-2">
        {label.pulse ? (
          <span className={`absolute inline-flex size-full animate-ping rounded-full opacity-60 ${label.dot}`} />
        ) : null}
        <span className={`relative inline-flex size-2 rounded-full ${label.dot}`} />
      </span>
      {label.text}
    </span>
  );
}
