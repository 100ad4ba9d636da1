'use client';
// Create or edit one reservation. The browser checks the obvious first (reservation-form.ts);
// the server action asks the daemon, and every refusal comes back at the field it is about.
import { useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { saveReservation, type ReservationFormState } from '../../lib/reservation-actions.ts';
import type { ReservationErrors, ReservationField } from '../../lib/reservation-errors.ts';
import {
  checkReservationForm,
  readReservationForm,
  type ClientMatch,
  type ReservationFormValues,
} from '../../lib/reservation-form.ts';
import { Modal, PRIMARY_BUTTON, SECONDARY_BUTTON } from '../../components/modal.tsx';
import { RadioOptions } from '../../components/radio-options.tsx';
import { OptionRows } from './option-rows.tsx';

const IDLE: ReservationFormState = { status: 'idle' };
const INPUT =
  'mt-1 block h-9 w-full rounded-md border bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400 focus:ring-2 focus:outline-none dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-600';
const INPUT_OK =
  'border-zinc-300 focus:border-zinc-500 focus:ring-zinc-200 dark:border-zinc-700 dark:focus:ring-zinc-700';
const INPUT_BAD =
  'border-rose-500 focus:border-rose-500 focus:ring-rose-200 dark:border-rose-500 dark:focus:ring-rose-900';

export interface ReservationDialogProps {
  initial: ReservationFormValues;
  subnets: string[];
  onClose: () => void;
}

export function ReservationDialog({ initial, subnets, onClose }: ReservationDialogProps) {
  const [state, formAction, pending] = useActionState(saveReservation, IDLE);
  const [localErrors, setLocalErrors] = useState<ReservationErrors | null>(null);
  const values = state.status === 'invalid' ? state.values : initial;
  const [match, setMatch] = useState<ClientMatch>(initial.match);
  const errors: ReservationErrors = localErrors ?? (state.status === 'invalid' ? state.errors : {});
  const creating = initial.id === '';
  const bootOpen =
    [values.nextServer, values.bootFile, values.serverHostname].some((v) => v !== '') ||
    !!(errors.nextServer || errors.bootFile || errors.serverHostname);

  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state.status === 'saved') onClose();
  }, [state, onClose]);
  // After a refusal, the keyboard goes to the first field it names, whose message is read out with it.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [localErrors, state]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const found = checkReservationForm(readReservationForm(new FormData(event.currentTarget)));
    if (Object.keys(found).length === 0) {
      setLocalErrors(null);
      return;
    }
    event.preventDefault();
    setLocalErrors(found);
  };

  const field = (name: ReservationField) => ({
    id: `reservation-${name}`,
    name,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `reservation-${name}-error` : `reservation-${name}-hint`,
    className: `${INPUT} ${errors[name] ? INPUT_BAD : INPUT_OK}`,
  });

  return (
    <Modal
      title={creating ? 'New reservation' : `Edit reservation ${initial.address}`}
      labelId="reservation-dialog-title"
      onClose={onClose}
    >
      {/* The key renews the fields' defaults with the values the action sent back. */}
      <form
        ref={form}
        key={state.status === 'invalid' ? JSON.stringify(state.values) : 'initial'}
        action={formAction}
        onSubmit={onSubmit}
        noValidate
        className="mt-4 space-y-4"
        aria-label={creating ? 'New reservation' : 'Edit reservation'}
      >
        <input type="hidden" name="id" value={initial.id} />
        {errors.form ? (
          <p
            role="alert"
            data-testid="reservation-form-error"
            className="rounded-md border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-500/40 dark:bg-rose-950/40 dark:text-rose-200"
          >
            {errors.form}
          </p>
        ) : null}

        <div>
          <label htmlFor="reservation-address" className="text-sm font-medium">
            Address
          </label>
          <input
            {...field('address')}
            defaultValue={values.address}
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            placeholder="10.123.0.10"
            required
            autoFocus
          />
          <FieldMessage name="address" error={errors.address} hint="The IPv4 address this client always gets." />
        </div>

        <div>
          <label htmlFor="reservation-subnet" className="text-sm font-medium">
            Subnet
          </label>
          <select {...field('subnet')} defaultValue={values.subnet}>
            <option value="">The address’s own subnet</option>
            {subnets.map((subnet) => (
              <option key={subnet} value={subnet}>
                {subnet}
              </option>
            ))}
          </select>
          <FieldMessage
            name="subnet"
            error={errors.subnet}
            hint="Optional: the address must lie in the subnet you pick."
          />
        </div>

        <fieldset>
          <legend className="text-sm font-medium">Recognise the client by</legend>
          <RadioOptions
            name="match"
            options={[
              ['mac', 'MAC address'],
              ['client-id', 'Client identifier'],
            ]}
            value={match}
            onChange={setMatch}
          />
        </fieldset>

        {match === 'mac' ? (
          <div>
            <label htmlFor="reservation-mac" className="text-sm font-medium">
              MAC address
            </label>
            <input
              {...field('mac')}
              defaultValue={values.mac}
              autoComplete="off"
              spellCheck={false}
              placeholder="52:54:00:aa:bb:cc"
              className={`${field('mac').className} font-mono`}
            />
            <FieldMessage name="mac" error={errors.mac} hint="Six pairs of hex digits, with colons or dashes." />
          </div>
        ) : (
          <div>
            <label htmlFor="reservation-clientId" className="text-sm font-medium">
              Client identifier
            </label>
            <input
              {...field('clientId')}
              defaultValue={values.clientId}
              autoComplete="off"
              spellCheck={false}
              placeholder="01:52:54:00:aa:bb:cc"
              className={`${field('clientId').className} font-mono`}
            />
            <FieldMessage
              name="clientId"
              error={errors.clientId}
              hint="DHCP option 61 in hex, type octet first (01 = Ethernet)."
            />
          </div>
        )}

        <div>
          <label htmlFor="reservation-hostname" className="text-sm font-medium">
            Host name <span className="font-normal text-zinc-500 dark:text-zinc-400">(optional)</span>
          </label>
          <input
            {...field('hostname')}
            defaultValue={values.hostname}
            autoComplete="off"
            spellCheck={false}
            placeholder="nas"
          />
          <FieldMessage name="hostname" error={errors.hostname} hint="Handed to the client (DHCP option 12)." />
        </div>

        <OptionRows
          initial={values.options}
          errors={errors}
          input={(invalid) => `${INPUT} ${invalid ? INPUT_BAD : INPUT_OK}`}
        />

        <details
          open={bootOpen}
          className="rounded-md border border-zinc-200 px-3 py-2 dark:border-zinc-800"
          data-testid="reservation-boot"
        >
          <summary className="cursor-pointer text-sm font-medium">
            Network boot <span className="font-normal text-zinc-500 dark:text-zinc-400">(optional)</span>
          </summary>
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            For this client instead of its class’s or subnet’s; leave empty to keep theirs.
          </p>
          <div className="mt-3 space-y-3 pb-1">
            <div>
              <label htmlFor="reservation-nextServer" className="text-sm font-medium">
                Next server
              </label>
              <input
                {...field('nextServer')}
                defaultValue={values.nextServer}
                inputMode="decimal"
                autoComplete="off"
                spellCheck={false}
                placeholder="10.123.0.5"
                className={`${field('nextServer').className} font-mono`}
              />
              <FieldMessage
                name="nextServer"
                error={errors.nextServer}
                hint="The TFTP server the client boots from (siaddr)."
              />
            </div>
            <div>
              <label htmlFor="reservation-bootFile" className="text-sm font-medium">
                Boot file
              </label>
              <input
                {...field('bootFile')}
                defaultValue={values.bootFile}
                autoComplete="off"
                spellCheck={false}
                placeholder="undionly.kpxe"
                className={`${field('bootFile').className} font-mono`}
              />
              <FieldMessage
                name="bootFile"
                error={errors.bootFile}
                hint="A file on the next server, or a URL for iPXE (option 67)."
              />
            </div>
            <div>
              <label htmlFor="reservation-serverHostname" className="text-sm font-medium">
                Boot server name
              </label>
              <input
                {...field('serverHostname')}
                defaultValue={values.serverHostname}
                autoComplete="off"
                spellCheck={false}
                placeholder="tftp.lab"
                className={`${field('serverHostname').className} font-mono`}
              />
              <FieldMessage
                name="serverHostname"
                error={errors.serverHostname}
                hint="Rarely needed: the boot server’s host name (sname)."
              />
            </div>
          </div>
        </details>

        <div className="flex justify-end gap-3 pt-2">
          <button type="button" className={SECONDARY_BUTTON} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={PRIMARY_BUTTON} disabled={pending} aria-disabled={pending}>
            {pending ? 'Saving…' : creating ? 'Create reservation' : 'Save changes'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function FieldMessage({ name, error, hint }: { name: ReservationField; error?: string; hint: string }) {
  if (error)
    return (
      <p
        id={`reservation-${name}-error`}
        data-testid={`field-error-${name}`}
        className="mt-1 text-sm text-rose-700 dark:text-rose-400"
      >
        {error}
      </p>
    );
  return (
    <p id={`reservation-${name}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
      {hint}
    </p>
  );
}
