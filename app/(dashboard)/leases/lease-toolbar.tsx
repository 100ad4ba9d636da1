'use client';
// Search, filters and (on a phone, where the cards have no header row) the sort: every control
// has a visible label, and each change goes to the URL (live-leases.tsx).
import { useId, type ReactNode } from 'react';
import { stateLabel } from '../../components/state-badge.tsx';
import { SORT_COLUMNS, type LeaseFilter, type LeaseSort, type SortColumn } from '../../lib/live/lease-filter.ts';
import { LEASE_STATES, type LeaseStateName } from '../../lib/live/types.ts';
import { formatCount } from './wording.ts';

export interface LeaseToolbarProps {
  filter: LeaseFilter;
  onFilter: (filter: LeaseFilter) => void;
  sort: LeaseSort;
  onSort: (sort: LeaseSort) => void;
  countOf: (state: LeaseStateName) => number;
  total: number;
  /** Subnets to offer, with their lease counts. */
  subnets: { subnet: string; count: number }[];
  children?: ReactNode;
}

const SORT_LABELS: Record<SortColumn, string> = {
  state: 'State',
  address: 'Address',
  mac: 'MAC',
  hostname: 'Host name',
  clientId: 'Client id',
  subnet: 'Subnet',
  granted: 'Granted',
  expires: 'Expires in',
  reserved: 'Reserved first',
};

const LABEL = 'text-xs font-medium text-zinc-600 dark:text-zinc-400';
const CONTROL =
  'h-9 rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';

export function LeaseToolbar({ filter, onFilter, sort, onSort, countOf, total, subnets, children }: LeaseToolbarProps) {
  // Labels point at their control by id rather than wrapping it: a wrapped <select> would lend
  // its options' text to the label's accessible name.
  const id = useId();
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="flex w-full flex-col gap-1 sm:w-80">
        <label htmlFor={`${id}-search`} className={LABEL}>
          Search
        </label>
        <input
          id={`${id}-search`}
          type="search"
          value={filter.query}
          onChange={(e) => onFilter({ ...filter, query: e.target.value })}
          placeholder="Address, MAC (any notation), host name"
          spellCheck={false}
          autoComplete="off"
          className={`${CONTROL} w-full placeholder:text-zinc-400 dark:placeholder:text-zinc-500`}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-state`} className={LABEL}>
          State
        </label>
        <select
          id={`${id}-state`}
          value={filter.state ?? ''}
          onChange={(e) => onFilter({ ...filter, state: (e.target.value || null) as LeaseStateName | null })}
          className={CONTROL}
        >
          <option value="">All states ({formatCount(total)})</option>
          {LEASE_STATES.map((state) => (
            <option key={state} value={state}>
              {stateLabel(state)} ({formatCount(countOf(state))})
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-subnet`} className={LABEL}>
          Subnet
        </label>
        <select
          id={`${id}-subnet`}
          value={filter.subnet ?? ''}
          onChange={(e) => onFilter({ ...filter, subnet: e.target.value || null })}
          className={CONTROL}
        >
          <option value="">All subnets</option>
          {subnets.map(({ subnet, count }) => (
            <option key={subnet} value={subnet}>
              {subnet} ({formatCount(count)})
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1 md:hidden">
        <label htmlFor={`${id}-sort`} className={LABEL}>
          Sort by
        </label>
        <select
          id={`${id}-sort`}
          value={`${sort.descending ? '-' : ''}${sort.column}`}
          onChange={(e) => {
            const value = e.target.value;
            onSort({ column: value.replace(/^-/, '') as SortColumn, descending: value.startsWith('-') });
          }}
          className={CONTROL}
        >
          {SORT_COLUMNS.flatMap((column) => [
            <option key={column} value={column}>
              {SORT_LABELS[column]} ↑
            </option>,
            <option key={`-${column}`} value={`-${column}`}>
              {SORT_LABELS[column]} ↓
            </option>,
          ])}
        </select>
      </div>
      <div className="ml-auto flex items-center gap-3 pb-1">{children}</div>
    </div>
  );
}
