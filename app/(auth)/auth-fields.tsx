// The pieces the sign-in and setup forms share: a labelled field with its error under it, the
// alert above the form, and the submit button.
import type { InputHTMLAttributes } from 'react';
import { alertTitle, type AuthAlert } from '../lib/auth-forms.ts';

export function Field({
  label,
  error,
  hint,
  ...input
}: { label: string; error?: string | undefined; hint?: string } & InputHTMLAttributes<HTMLInputElement> & {
    name: string;
  }) {
  const id = `field-${input.name}`;
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`mt-1 block w-full rounded-md border bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus:ring-2 focus:outline-none dark:bg-zinc-950 dark:text-zinc-100 ${
          error
            ? 'border-rose-400 focus:border-rose-500 focus:ring-rose-500/30 dark:border-rose-500'
            : 'border-zinc-300 focus:border-zinc-500 focus:ring-zinc-500/30 dark:border-zinc-700 dark:focus:border-zinc-400'
        }`}
        {...input}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function FormAlert({ alert }: { alert: AuthAlert | null }) {
  if (alert === null) return null;
  return (
    <div
      role="alert"
      data-alert={alert.kind}
      className="rounded-md border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-200"
    >
      <p className="font-medium">{alertTitle(alert)}</p>
      <p className="mt-0.5 break-words text-rose-800 dark:text-rose-300">{alert.message}</p>
    </div>
  );
}

export function SubmitButton({ label, pending }: { label: string; pending: boolean }) {
  return (
    <button
      type="submit"
      disabled={pending}
      aria-busy={pending || undefined}
      className="w-full rounded-md bg-zinc-900 px-3 py-2 text-sm font-semibold text-white shadow-xs hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:cursor-wait disabled:opacity-70 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 dark:focus-visible:outline-zinc-100"
    >
      {label}
    </button>
  );
}
