// A list of DHCP options as clients get them: name (and code), value, and the scope it comes from.
// A table on a wide screen; on a phone each option is a block (name over value), so nothing
// scrolls sideways.
import { optionTitle, SCOPE_LABELS, type EffectiveOptionView, type OptionScopeName } from '../../lib/subnet-view.ts';

const SCOPE_STYLE: Record<OptionScopeName, string> = {
  global: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-500/30',
  subnet: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-950/50 dark:text-sky-200 dark:ring-sky-400/30',
  class:
    'bg-violet-50 text-violet-700 ring-violet-600/20 dark:bg-violet-950/50 dark:text-violet-200 dark:ring-violet-400/30',
  reservation:
    'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950/50 dark:text-amber-200 dark:ring-amber-400/30',
  unknown: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-500/30',
};

const HEAD = 'py-1.5 pr-4 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400';

export function OptionList({
  options,
  label,
  showScope = true,
}: {
  options: EffectiveOptionView[];
  /** The list's accessible name ("Options of 10.123.0.0/24"). */
  label: string;
  showScope?: boolean;
}) {
  if (options.length === 0) {
    return <p className="mt-1.5 text-sm text-zinc-500 dark:text-zinc-400">None.</p>;
  }
  return (
    <table aria-label={label} className="mt-1.5 block w-full text-sm md:table">
      <thead className="hidden md:table-header-group">
        <tr>
          <th scope="col" className={HEAD}>
            Option
          </th>
          <th scope="col" className={HEAD}>
            Value
          </th>
          {showScope ? (
            <th scope="col" className={HEAD}>
              Set in
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody className="block divide-y divide-zinc-100 md:table-row-group dark:divide-zinc-800">
        {options.map((option) => (
          <tr key={option.code} data-option-code={option.code} className="block py-1.5 md:table-row md:py-0">
            <td className="block pr-4 md:table-cell md:py-1.5 md:align-top md:whitespace-nowrap">
              <span className="font-mono text-zinc-900 dark:text-zinc-100">{optionTitle(option)}</span>
              {option.name !== '' ? (
                <span className="ml-1.5 text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{option.code}</span>
              ) : null}
              {option.always ? (
                <span className="ml-1.5 text-xs text-zinc-500 dark:text-zinc-400" title="Sent even when not asked for">
                  always
                </span>
              ) : null}
              {showScope ? <ScopeBadge scope={option.scope} className="ml-2 md:hidden" /> : null}
            </td>
            <td className="block min-w-0 pr-4 font-mono break-words text-zinc-700 md:table-cell md:py-1.5 md:align-top dark:text-zinc-300">
              {option.data}
            </td>
            {showScope ? (
              <td className="hidden md:table-cell md:py-1.5 md:align-top">
                <ScopeBadge scope={option.scope} testId="option-scope" />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ScopeBadge({
  scope,
  className = '',
  testId,
}: {
  scope: OptionScopeName;
  className?: string;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full px-2 py-0.5 align-middle font-sans text-xs font-medium ring-1 ring-inset ${SCOPE_STYLE[scope]} ${className}`}
    >
      {SCOPE_LABELS[scope]}
    </span>
  );
}
