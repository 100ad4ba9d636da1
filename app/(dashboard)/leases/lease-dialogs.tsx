'use client';
// The two row actions' dialogs: Reserve (pre-filled from the lease; confirm is one click when the
// operator keeps the address) and Release (a confirmation). Both are native <dialog>s opened
// modal: focus moves in, Escape closes, the page behind is inert. They call the server actions
// (app/lib/lease-actions.ts) and close on success: the row itself changes when the daemon's event
// arrives on the stream, not from the action's answer.
import { useId, useState, useTransition, type FormEvent } from 'react';
import { Modal } from '../../components/modal.tsx';
import type { ActionResult, ReserveField } from '../../lib/lease-action-result.ts';
import { releaseLease, reserveLease } from '../../lib/lease-actions.ts';
import type { LeaseRow } from '../../lib/live/types.ts';

const BUTTON =
  'inline-flex h-9 items-center rounded-md px-3.5 text-sm font-medium focus-visible:ring-2 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 dark:focus-visible:ring-offset-zinc-900';
const SECONDARY = `${BUTTON} border border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 focus-visible:ring-sky-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800`;
const INPUT =
  'h-9 w-full rounded-md border bg-white px-2.5 text-sm text-zinc-900 shadow-xs focus:ring-2 focus:outline-none dark:bg-zinc-950 dark:text-zinc-100';

function FormError({ id, message }: { id: string; message: string | null }) {
  if (message === null) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-xs text-rose-700 dark:text-rose-300">
      {message}
    </p>
  );
}

export function ReserveDialog({ lease, onClose }: { lease: LeaseRow; onClose: () => void }) {
  const [address, setAddress] = useState(lease.address);
  const [hostname, setHostname] = useState(lease.hostname);
  const [failure, setFailure] = useState<{ field: ReserveField | null; message: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const ids = { address: useId(), hostname: useId(), error: useId() };
  const client = lease.clientId !== '' ? `client id ${lease.clientId}` : `MAC ${lease.hwAddress}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const result: ActionResult = await reserveLease({ leaseAddress: lease.address, address, hostname });
      if (result.ok) onClose();
      else setFailure({ field: result.field, message: result.message });
    });
  };
  const fieldError = (field: ReserveField) => (failure?.field === field ? failure.message : null);
  const border = (field: ReserveField) =>
    failure?.field === field
      ? 'border-rose-400 focus:ring-rose-500/30 dark:border-rose-500/60'
      : 'border-zinc-300 focus:border-sky-500 focus:ring-sky-500/30 dark:border-zinc-700';

  return (
    <Modal title={`Reserve ${lease.address}`} onClose={onClose}>
      <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
        The client ({client}) keeps this address for good; it moves to a new one at its next renewal if you change it.
      </p>
      <form onSubmit={submit} className="mt-4 space-y-3" noValidate>
        <div>
          <label htmlFor={ids.address} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Address
          </label>
          <input
            id={ids.address}
            name="address"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            inputMode="decimal"
            spellCheck={false}
            aria-invalid={fieldError('address') !== null}
            aria-describedby={fieldError('address') ? `${ids.address}-error` : undefined}
            className={`${INPUT} font-mono ${border('address')}`}
          />
          <FormError id={`${ids.address}-error`} message={fieldError('address')} />
        </div>
        <div>
          <label htmlFor={ids.hostname} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Host name
          </label>
          <input
            id={ids.hostname}
            name="hostname"
            value={hostname}
            onChange={(e) => setHostname(e.target.value)}
            spellCheck={false}
            placeholder="none"
            aria-invalid={fieldError('hostname') !== null}
            aria-describedby={fieldError('hostname') ? `${ids.hostname}-error` : undefined}
            className={`${INPUT} ${border('hostname')}`}
          />
          <FormError id={`${ids.hostname}-error`} message={fieldError('hostname')} />
        </div>
        <FormError id={ids.error} message={failure !== null && failure.field === null ? failure.message : null} />
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" onClick={onClose} className={SECONDARY}>
            Cancel
          </button>
          <button
            type="submit"
            data-autofocus
            disabled={pending}
            className={`${BUTTON} bg-violet-600 text-white hover:bg-violet-500 focus-visible:ring-violet-500`}
          >
            {pending ? 'Reserving…' : 'Reserve'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function ReleaseDialog({ lease, onClose }: { lease: LeaseRow; onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const errorId = useId();
  const who = lease.hostname !== '' ? `${lease.hostname} (${lease.hwAddress})` : lease.hwAddress;
  const release = () =>
    startTransition(async () => {
      const result = await releaseLease(lease.address);
      if (result.ok) onClose();
      else setError(result.message);
    });
  return (
    <Modal title={`Release ${lease.address}?`} onClose={onClose}>
      <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
        The address goes back to the pool now. The client {who} is not told: at its next renewal it is refused and asks
        for an address again.
      </p>
      <FormError id={errorId} message={error} />
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" onClick={onClose} className={SECONDARY}>
          Cancel
        </button>
        <button
          type="button"
          data-autofocus
          onClick={release}
          disabled={pending}
          className={`${BUTTON} bg-rose-600 text-white hover:bg-rose-500 focus-visible:ring-rose-500`}
        >
          {pending ? 'Releasing…' : 'Release'}
        </button>
      </div>
    </Modal>
  );
}
