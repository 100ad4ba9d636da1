'use client';
// Confirms, then deletes one reservation (made here: the others offer no delete).
import { useActionState, useEffect } from 'react';
import { deleteReservation, type DeleteState } from '../../lib/reservation-actions.ts';
import type { ReservationView } from '../../lib/reservation-view.ts';
import { DANGER_BUTTON, Modal, SECONDARY_BUTTON } from '../../components/modal.tsx';

const IDLE: DeleteState = { status: 'idle' };

export function DeleteReservationDialog({
  reservation,
  onClose,
}: {
  reservation: ReservationView;
  onClose: () => void;
}) {
  const [state, formAction, pending] = useActionState(deleteReservation, IDLE);
  useEffect(() => {
    if (state.status === 'deleted') onClose();
  }, [state, onClose]);
  const who = reservation.hostname ? `${reservation.address} (${reservation.hostname})` : reservation.address;
  return (
    <Modal title={`Delete the reservation of ${who}?`} labelId="delete-reservation-title" onClose={onClose}>
      <form action={formAction} className="mt-3 space-y-4">
        <input type="hidden" name="id" value={reservation.id} />
        <p className="text-sm text-zinc-600 dark:text-zinc-300">
          The client {reservation.mac || reservation.clientId} keeps its current lease until it runs out; after that it
          may get another address from the pool.
        </p>
        {state.status === 'failed' ? (
          <p
            role="alert"
            className="rounded-md border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-500/40 dark:bg-rose-950/40 dark:text-rose-200"
          >
            {state.message}
          </p>
        ) : null}
        <div className="flex justify-end gap-3">
          <button type="button" className={SECONDARY_BUTTON} onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="submit" className={DANGER_BUTTON} disabled={pending}>
            {pending ? 'Deleting…' : 'Delete reservation'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
