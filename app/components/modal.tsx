'use client';
// A native modal <dialog>: the browser traps focus, Escape closes it, and the page behind is
// inert. Opened on mount; `onClose` runs however it closes (Escape, a Cancel button, the parent).
// The control marked `data-autofocus` gets the focus (React's autoFocus runs before showModal, when
// a closed dialog takes none, and showModal would focus the first control); without one, the
// first control has it.
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function Modal({
  title,
  labelId,
  onClose,
  role,
  describedBy,
  children,
}: {
  title: string;
  /** "alertdialog" for a confirmation that interrupts (an action on a VM); the native dialog role otherwise. */
  role?: 'alertdialog';
  /** The id of the text that says what the dialog is about, read out with its title. */
  describedBy?: string;
  /** The title's id, for tests and labels elsewhere; a generated one by default. */
  labelId?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const generatedId = useId();
  const titleId = labelId ?? generatedId;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      role={role}
      aria-describedby={describedBy}
      onClose={onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:backdrop:bg-black/60"
    >
      <div className="p-5 sm:p-6">
        <h2 id={titleId} className="text-lg font-semibold tracking-tight">
          {title}
        </h2>
        {children}
      </div>
    </dialog>
  );
}

export const SECONDARY_BUTTON =
  'inline-flex h-9 items-center rounded-md border border-zinc-300 bg-white px-3.5 text-sm font-medium text-zinc-700 hover:bg-zinc-50 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800';
export const PRIMARY_BUTTON =
  'inline-flex h-9 items-center rounded-md bg-zinc-900 px-3.5 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 dark:focus-visible:ring-offset-zinc-900';
export const DANGER_BUTTON =
  'inline-flex h-9 items-center rounded-md bg-rose-600 px-3.5 text-sm font-medium text-white hover:bg-rose-500 focus-visible:ring-2 focus-visible:ring-rose-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 dark:focus-visible:ring-offset-zinc-900';
