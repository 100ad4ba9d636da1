'use client';
// The reservation form's DHCP options: a row per option (its name or code, a type for a code,
// its value, always-send), rows added and removed in place. Inputs are uncontrolled; their names
// carry the row's position (option-N-...), which is what the server action reads back.
import { useRef, useState } from 'react';
import {
  OPTION_TYPES,
  TYPE_EXAMPLES,
  EMPTY_ROW,
  isCode,
  optionFieldName,
  type OptionErrorKey,
  type OptionPart,
  type OptionRow,
} from '../../lib/reservation-options.ts';
import { SECONDARY_BUTTON } from '../../components/modal.tsx';

export interface OptionRowsProps {
  initial: readonly OptionRow[];
  errors: Partial<Record<OptionErrorKey, string>>;
  /** Input classes: the form's, ok or invalid. */
  input: (invalid: boolean) => string;
}

export function OptionRows({ initial, errors, input }: OptionRowsProps) {
  const nextId = useRef(initial.length);
  const [rows, setRows] = useState(() => initial.map((row, id) => ({ id, row })));
  // Messages name rows by position: once a row is removed they would point at the wrong one, so
  // the messages of that round are hidden (the next submit brings a new set).
  const [shiftedFor, setShiftedFor] = useState<OptionRowsProps['errors'] | null>(null);
  const shown = shiftedFor === errors ? {} : errors;

  const add = () => setRows((current) => [...current, { id: nextId.current++, row: EMPTY_ROW }]);
  const remove = (id: number) => {
    setShiftedFor(errors);
    setRows((current) => current.filter((r) => r.id !== id));
  };

  return (
    <fieldset data-testid="reservation-options">
      <legend className="text-sm font-medium">
        DHCP options <span className="font-normal text-zinc-500 dark:text-zinc-400">(optional)</span>
      </legend>
      <p id="reservation-options-hint" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        Handed to this client instead of its subnet’s. Name an option as Kea does (domain-name-servers,
        classless-static-route) or give its code and type; write the value as in Kea’s config.
      </p>
      {rows.length === 0 ? null : (
        <ol className="mt-2 space-y-3">
          {rows.map(({ id, row }, index) => (
            <OptionRowFields
              key={id}
              index={index}
              row={row}
              errors={shown}
              input={input}
              onRemove={() => remove(id)}
            />
          ))}
        </ol>
      )}
      <button type="button" className={`${SECONDARY_BUTTON} mt-2`} onClick={add}>
        Add option
      </button>
    </fieldset>
  );
}

function OptionRowFields({
  index,
  row,
  errors,
  input,
  onRemove,
}: {
  index: number;
  row: OptionRow;
  errors: Partial<Record<OptionErrorKey, string>>;
  input: (invalid: boolean) => string;
  onRemove: () => void;
}) {
  const [option, setOption] = useState(row.option);
  const [type, setType] = useState(row.type);
  const number = index + 1;
  const id = (part: OptionPart | 'always') => `reservation-${optionFieldName(index, part)}`;
  const error = (part: OptionPart) => errors[`option-${index}-${part}`];
  const rowError = errors[`option-${index}`];
  const described = (part: OptionPart) => (error(part) ? `${id(part)}-error` : undefined);
  const example = type !== '' && type in TYPE_EXAMPLES ? TYPE_EXAMPLES[type as keyof typeof TYPE_EXAMPLES] : null;
  const byCode = isCode(option.trim());

  return (
    <li
      role="group"
      aria-label={`Option ${number}`}
      data-testid={`option-row-${index}`}
      className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0">
          <label htmlFor={id('option')} className="text-sm font-medium">
            Option {number}
          </label>
          <input
            id={id('option')}
            name={optionFieldName(index, 'option')}
            defaultValue={row.option}
            onChange={(e) => setOption(e.currentTarget.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder="domain-name-servers or 252"
            aria-invalid={error('option') ? true : undefined}
            aria-describedby={described('option')}
            className={`${input(!!error('option'))} font-mono`}
          />
          <RowMessage
            id={`${id('option')}-error`}
            text={error('option')}
            testId={`field-error-option-${index}-option`}
          />
        </div>
        <div className="min-w-0">
          <label htmlFor={id('type')} className="text-sm font-medium">
            Type
          </label>
          <select
            id={id('type')}
            name={optionFieldName(index, 'type')}
            defaultValue={row.type}
            onChange={(e) => setType(e.currentTarget.value)}
            aria-invalid={error('type') ? true : undefined}
            aria-describedby={described('type')}
            className={input(!!error('type'))}
          >
            <option value="">{byCode ? 'Choose (needed for a code)' : 'The option’s own'}</option>
            {OPTION_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <RowMessage id={`${id('type')}-error`} text={error('type')} testId={`field-error-option-${index}-type`} />
        </div>
      </div>
      <div className="mt-3">
        <label htmlFor={id('data')} className="text-sm font-medium">
          Value of option {number}
        </label>
        <input
          id={id('data')}
          name={optionFieldName(index, 'data')}
          defaultValue={row.data}
          autoComplete="off"
          spellCheck={false}
          placeholder={example ?? '10.0.0.53'}
          aria-invalid={error('data') ? true : undefined}
          aria-describedby={described('data')}
          className={`${input(!!error('data'))} font-mono`}
        />
        <RowMessage id={`${id('data')}-error`} text={error('data')} testId={`field-error-option-${index}-data`} />
      </div>
      {rowError ? (
        <p data-testid={`field-error-option-${index}`} className="mt-2 text-sm text-rose-700 dark:text-rose-400">
          {rowError}
        </p>
      ) : null}
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
        <label htmlFor={id('always')} className="inline-flex items-center gap-2 text-sm">
          <input
            id={id('always')}
            type="checkbox"
            name={optionFieldName(index, 'always')}
            defaultChecked={row.always}
            className="size-4 accent-zinc-900 dark:accent-zinc-100"
          />
          Send even when not asked for
        </label>
        <button
          type="button"
          onClick={onRemove}
          aria-label={`Remove option ${number}`}
          className="rounded-md px-2 py-1 text-sm font-medium text-rose-700 hover:bg-rose-50 focus-visible:ring-2 focus-visible:ring-rose-300 focus-visible:outline-none dark:text-rose-400 dark:hover:bg-rose-950/40"
        >
          Remove
        </button>
      </div>
    </li>
  );
}

function RowMessage({ id, text, testId }: { id: string; text?: string; testId: string }) {
  if (!text) return null;
  return (
    <p id={id} data-testid={testId} className="mt-1 text-sm text-rose-700 dark:text-rose-400">
      {text}
    </p>
  );
}
