import type { ReactNode } from 'react';
import { stateLabel } from '../../components/state-badge.tsx';
import type { LeaseFilter } from '../../lib/live/lease-filter.ts';
import { LEASE_STATES, type LeaseStateName } from '../../lib/live/types.ts';

export interface LeaseToolbarProps {
  filter: LeaseFilter;
  onFilter: (filter: LeaseFilter) => void;
  counts: Map<LeaseStateName, number>;
  total: number;
  children?: ReactNode;
}

export function LeaseToolbar({ filter, onFilter, counts, total, children }: LeaseToolbarProps) {
  const choices: { state: LeaseStateName | null; label: string; count: number }[] = [
    { state: null, label: 'All', count: total },
    ...LEASE_STATES.map((state) => ({ state, label: stateLabel(state), count: counts.get(state) ?? 0 })),
  ];
  return (
    <div className="flex flex-wrap items-center gap-3">
      <input
        type="search"
        value={filter.query}
        onChange={(e) => onFilter({ ...filter, query: e.target.value })}
        placeholder="Filter by address, MAC, hostname…"
        aria-label="Filter leases"
        className="h-9 w-72 rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400 focus:border-zinc-500 focus:ring-2 focus:ring-zinc-200 focus:outline-none"
      />
      <div
        role="group"
        aria-label="Lease state"
        className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 shadow-xs"
      >
        {choices.map((choice) => {
          const selected = filter.state === choice.state;
          return (
            <button
              key={choice.label}
              type="button"
              aria-pressed={selected}
              onClick={() => onFilter({ ...filter, state: choice.state })}
              className={`rounded px-2.5 py-1 text-xs font-medium transition-colors ${
                selected ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100'
              }`}
            >
              {choice.label}
              <span className={`ml-1.5 tabular-nums ${selected ? 'text-zinc-300' : 'text-zinc-400'}`}>
                {choice.count}
              </span>
            </button>
          );
        })}
      </div>
      <div className="ml-auto">{children}</div>
    </div>
  );
}
