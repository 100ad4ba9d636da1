'use client';
// The buttons a VM's state allows, and the confirmation each opens: a modal alertdialog naming
// the VM, confirmed by a button that repeats the action's name. After the daemon's yes, the
// dialog stays pending until the event stream shows the new state (vm-lifecycle.ts
// actionSettled), then closes; a refusal is shown in words and the dialog stays.
import { useActionState, useEffect, useId } from 'react';
import { DANGER_BUTTON, Modal, PRIMARY_BUTTON, SECONDARY_BUTTON } from '../../components/modal.tsx';
import { runVmAction, type VmActionState } from '../../lib/vm-actions.ts';
import {
  ACTION_LABELS,
  actionFailed,
  actionSettled,
  actionsFor,
  confirmText,
  confirmTitle,
  PENDING_LABELS,
  type VmAction,
} from '../../lib/vm-lifecycle.ts';
import type { VmView } from '../../lib/vm-view.ts';

const IDLE: VmActionState = { status: 'idle' };
const DESTRUCTIVE: ReadonlySet<VmAction> = new Set(['force-stop', 'delete']);

const BUTTON =
  'inline-flex h-8 items-center rounded-md border px-3 text-sm font-medium focus-visible:ring-2 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-50';
const NORMAL =
  'border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 focus-visible:ring-zinc-400 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800';
const DANGER =
  'border-rose-200 bg-white text-rose-700 hover:bg-rose-50 focus-visible:ring-rose-500 dark:border-rose-500/30 dark:bg-zinc-900 dark:text-rose-300 dark:hover:bg-rose-500/10';

/** The action buttons of one VM; `onAction` opens the confirmation. */
export function VmActionButtons({
  vm,
  disabled,
  onAction,
}: {
  vm: VmView;
  /** Why no action can run (QEMU missing): the buttons show, disabled, with this as their hint. */
  disabled?: string | null;
  onAction: (action: VmAction) => void;
}) {
  const actions = actionsFor(vm.state);
  if (actions.length === 0)
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No action while it is {vm.state}…</p>;
  return (
    <div role="group" aria-label={`Actions on ${vm.name}`} className="flex flex-wrap gap-2">
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          disabled={Boolean(disabled) && action !== 'delete'}
          title={disabled && action !== 'delete' ? disabled : undefined}
          onClick={() => onAction(action)}
          className={`${BUTTON} ${DESTRUCTIVE.has(action) ? DANGER : NORMAL}`}
        >
          {ACTION_LABELS[action]}
        </button>
      ))}
    </div>
  );
}

export function VmActionDialog({
  vm,
  current,
  action,
  onClose,
  onSettled,
}: {
  /** The VM as it was when the dialog opened (its name and facts for the text). */
  vm: VmView;
  /** The VM as the stream shows it now; undefined once deleted. */
  current: VmView | undefined;
  action: VmAction;
  onClose: () => void;
  /** After the stream confirmed the action (the detail page leaves for /vms after a delete). */
  onSettled?: (action: VmAction) => void;
}) {
  const [state, formAction, pending] = useActionState(runVmAction, IDLE);
  const textId = useId();
  const answered = state.status === 'done';
  const settled = answered && actionSettled(action, current);
  const lost = answered ? actionFailed(action, current) : null;

  useEffect(() => {
    if (!settled) return;
    onSettled?.(action);
    onClose();
  }, [settled, action, onClose, onSettled]);

  const waiting = pending || (answered && !settled && lost === null);
  const failure = state.status === 'failed' ? state.message : lost;
  const label = ACTION_LABELS[action];
  return (
    <Modal title={confirmTitle(action, vm.name)} role="alertdialog" describedBy={textId} onClose={onClose}>
      <form action={formAction} className="mt-3 space-y-4">
        <input type="hidden" name="id" value={vm.id} />
        <input type="hidden" name="action" value={action} />
        <p id={textId} className="text-sm text-zinc-600 dark:text-zinc-300">
          {confirmText(action, vm)}
        </p>
        {waiting && answered ? (
          <p role="status" className="text-sm text-zinc-600 dark:text-zinc-300">
            The daemon is on it; waiting for {vm.name} to show as {targetWord(action)}…
          </p>
        ) : null}
        {failure !== null ? (
          <p
            role="alert"
            className="rounded-md border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-500/40 dark:bg-rose-950/40 dark:text-rose-200"
          >
            {failure}
          </p>
        ) : null}
        <div className="flex justify-end gap-3">
          <button type="button" className={SECONDARY_BUTTON} onClick={onClose} data-autofocus>
            {waiting ? 'Close' : 'Cancel'}
          </button>
          <button
            type="submit"
            className={DESTRUCTIVE.has(action) ? DANGER_BUTTON : PRIMARY_BUTTON}
            disabled={waiting}
            aria-disabled={waiting}
          >
            {waiting ? PENDING_LABELS[action] : label}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function targetWord(action: VmAction): string {
  switch (action) {
    case 'start':
    case 'resume':
    case 'reboot':
      return 'running';
    case 'shutdown':
    case 'force-stop':
      return 'stopped';
    case 'pause':
      return 'paused';
    case 'delete':
      return 'gone';
  }
}
