/** A row of radio buttons, one per [value, label], for a form's one-of-several choice. */
export function RadioOptions<V extends string>({
  name,
  options,
  value,
  onChange,
}: {
  name: string;
  options: readonly (readonly [V, string])[];
  value: V;
  onChange: (value: V) => void;
}) {
  return (
    <div className="mt-1.5 flex flex-wrap gap-x-5 gap-y-1 text-sm">
      {options.map(([option, label]) => (
        <label key={option} className="inline-flex items-center gap-2">
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
            className="size-4 accent-zinc-900 dark:accent-zinc-100"
          />
          {label}
        </label>
      ))}
    </div>
  );
}
