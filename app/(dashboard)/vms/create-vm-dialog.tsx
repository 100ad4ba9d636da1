'use client';
// The Create VM form: Name, vCPUs, Memory (MiB), Disk (GiB), the boot source (Kernel with its
// Kernel, Initrd and Command line; ISO; Disk image), Start after create, Autostart. The browser
// checks the obvious first (vm-form.ts); the server action asks the daemon, and every refusal
// comes back at the field it is about, or, when it is no field's (capacity, QEMU missing), in an
// alert naming the resource and what is free, in the daemon's words.
import { useActionState, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Modal, PRIMARY_BUTTON, SECONDARY_BUTTON } from '../../components/modal.tsx';
import { RadioOptions } from '../../components/radio-options.tsx';
import { imagesFor, optionLabels, type ImageView } from '../../lib/image-view.ts';
import { createVm, type CreateVmState } from '../../lib/vm-actions.ts';
import {
  checkVmForm,
  EMPTY_VM_FORM,
  readVmForm,
  type BootChoice,
  type VmErrors,
  type VmField,
} from '../../lib/vm-form.ts';
import { formatBytes } from '../../lib/vm-view.ts';

const IDLE: CreateVmState = { status: 'idle' };
const INPUT =
  'mt-1 block h-9 w-full rounded-md border bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400 focus:ring-2 focus:outline-none dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-600';
const INPUT_OK =
  'border-zinc-300 focus:border-zinc-500 focus:ring-zinc-200 dark:border-zinc-700 dark:focus:ring-zinc-700';
const INPUT_BAD =
  'border-rose-500 focus:border-rose-500 focus:ring-rose-200 dark:border-rose-500 dark:focus:ring-rose-900';
const BOOTS: readonly [BootChoice, string][] = [
  ['kernel', 'Kernel'],
  ['iso', 'ISO'],
  ['disk', 'Disk image'],
];

export interface CreateVmDialogProps {
  /** The image folders' files (ImageService.ListImages), or why they could not be read. */
  images: { ok: true; images: ImageView[]; imageDirs: string[] } | { ok: false; reason: string };
  onClose: () => void;
}

export function CreateVmDialog({ images, onClose }: CreateVmDialogProps) {
  const [state, formAction, pending] = useActionState(createVm, IDLE);
  const [localErrors, setLocalErrors] = useState<VmErrors | null>(null);
  const files = images.ok ? images.images : [];
  const kernels = imagesFor(files, 'kernel');
  const initrds = imagesFor(files, 'initrd');
  const isos = imagesFor(files, 'iso');
  const disks = imagesFor(files, 'disk');
  const initial = {
    ...EMPTY_VM_FORM,
    kernelPath: kernels[0]?.path ?? '',
    initrdPath: initrds[0]?.path ?? '',
    isoPath: isos[0]?.path ?? '',
    imagePath: disks[0]?.path ?? '',
  };
  const values = state.status === 'invalid' ? state.values : initial;
  const [boot, setBoot] = useState<BootChoice>(values.boot);
  const errors: VmErrors = localErrors ?? (state.status === 'invalid' ? state.errors : {});
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state.status === 'created') onClose();
  }, [state, onClose]);
  // After a refusal, the keyboard goes to the first field it names (its message is read with it),
  // or to the alert when it is no field's.
  useEffect(() => {
    const target =
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form.current?.querySelector<HTMLElement>('[data-form-error]');
    target?.focus();
  }, [localErrors, state]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const found = checkVmForm(readVmForm(new FormData(event.currentTarget)));
    if (Object.keys(found).length === 0) {
      setLocalErrors(null);
      return;
    }
    event.preventDefault();
    setLocalErrors(found);
  };

  const field = (name: VmField, hint: boolean) => ({
    id: `vm-${name}`,
    name,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `vm-${name}-error` : hint ? `vm-${name}-hint` : undefined,
    className: `${INPUT} ${errors[name] ? INPUT_BAD : INPUT_OK}`,
  });
  const dirs = images.ok ? images.imageDirs.join(', ') : '';
  const noFiles = (what: string) =>
    images.ok
      ? `No ${what} in the image folders (${dirs || 'none configured'}). Put one there; the list is read when this form opens.`
      : `The image folders could not be listed: ${images.reason}`;

  return (
    <Modal title="Create VM" labelId="create-vm-title" onClose={onClose}>
      <form
        ref={form}
        key={state.status === 'invalid' ? JSON.stringify(state.values) : 'initial'}
        action={formAction}
        onSubmit={onSubmit}
        noValidate
        aria-label="Create VM"
        className="mt-4 space-y-4"
      >
        {errors.form ? (
          <p
            role="alert"
            tabIndex={-1}
            data-form-error
            data-testid="create-vm-error"
            className="rounded-md border border-rose-200 bg-rose-50 p-3 text-sm break-words text-rose-800 focus:outline-none dark:border-rose-500/40 dark:bg-rose-950/40 dark:text-rose-200"
          >
            {errors.form}
          </p>
        ) : null}

        <Field
          label="Name"
          name="name"
          error={errors.name}
          hint="A DNS label such as web-1: its host name on the network."
        >
          <input
            {...field('name', true)}
            defaultValue={values.name}
            autoComplete="off"
            spellCheck={false}
            placeholder="web-1"
            data-autofocus
          />
        </Field>

        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="vCPUs" name="vcpus" error={errors.vcpus}>
            <input {...field('vcpus', false)} defaultValue={values.vcpus} inputMode="numeric" autoComplete="off" />
          </Field>
          <Field label="Memory (MiB)" name="memoryMib" error={errors.memoryMib}>
            <input
              {...field('memoryMib', false)}
              defaultValue={values.memoryMib}
              inputMode="numeric"
              autoComplete="off"
            />
          </Field>
          <Field label="Disk (GiB)" name="diskGib" error={errors.diskGib}>
            <input {...field('diskGib', false)} defaultValue={values.diskGib} inputMode="numeric" autoComplete="off" />
          </Field>
        </div>

        <fieldset aria-describedby={errors.boot ? 'vm-boot-error' : undefined}>
          <legend className="text-sm font-medium">Boot from</legend>
          <RadioOptions name="boot" options={BOOTS} value={boot} onChange={setBoot} />
          {errors.boot ? <ErrorText name="boot" text={errors.boot} /> : null}
        </fieldset>

        {boot === 'kernel' ? (
          <div className="space-y-4 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <Field
              label="Kernel"
              name="kernelPath"
              error={errors.kernelPath}
              hint={kernels.length === 0 ? noFiles('kernel') : undefined}
            >
              <select {...field('kernelPath', kernels.length === 0)} defaultValue={values.kernelPath}>
                {kernels.length === 0 ? <option value="">No kernel found</option> : null}
                <ImageOptions images={kernels} />
              </select>
            </Field>
            <Field label="Initrd" name="initrdPath" error={errors.initrdPath}>
              <select {...field('initrdPath', false)} defaultValue={values.initrdPath}>
                <option value="">None</option>
                <ImageOptions images={initrds} />
              </select>
            </Field>
            <Field
              label="Command line"
              name="cmdline"
              error={errors.cmdline}
              hint="console=ttyS0 puts the boot messages on the console."
            >
              <input
                {...field('cmdline', true)}
                defaultValue={values.cmdline}
                autoComplete="off"
                spellCheck={false}
                className={`${field('cmdline', true).className} font-mono`}
              />
            </Field>
          </div>
        ) : boot === 'iso' ? (
          <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <Field
              label="ISO image"
              name="isoPath"
              error={errors.isoPath}
              hint={
                isos.length === 0
                  ? noFiles('ISO image')
                  : 'The VM boots from it as a CD-ROM; its own disk starts blank.'
              }
            >
              <select {...field('isoPath', true)} defaultValue={values.isoPath}>
                {isos.length === 0 ? <option value="">No ISO image found</option> : null}
                <ImageOptions images={isos} />
              </select>
            </Field>
          </div>
        ) : (
          <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <Field
              label="Base image"
              name="imagePath"
              error={errors.imagePath}
              hint={
                disks.length === 0
                  ? noFiles('qcow2 or raw image')
                  : 'The VM’s disk starts as a copy-on-write layer over it; the base is never written.'
              }
            >
              <select {...field('imagePath', true)} defaultValue={values.imagePath}>
                {disks.length === 0 ? <option value="">No base image found</option> : null}
                <ImageOptions images={disks} />
              </select>
            </Field>
          </div>
        )}

        <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <label className="inline-flex items-center gap-2">
            <input
              type="checkbox"
              name="start"
              defaultChecked={values.start}
              className="size-4 accent-zinc-900 dark:accent-zinc-100"
            />
            Start after create
          </label>
          <label className="inline-flex items-center gap-2">
            <input
              type="checkbox"
              name="autostart"
              defaultChecked={values.autostart}
              className="size-4 accent-zinc-900 dark:accent-zinc-100"
            />
            Autostart
          </label>
        </div>

        <div className="flex justify-end gap-3 pt-2">
          <button type="button" className={SECONDARY_BUTTON} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={PRIMARY_BUTTON} disabled={pending} aria-disabled={pending}>
            {pending ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ImageOptions({ images }: { images: ImageView[] }) {
  const labels = optionLabels(images);
  return images.map((image) => (
    <option key={image.path} value={image.path} title={`${image.path} (${formatBytes(image.sizeBytes)})`}>
      {labels.get(image.path)}
    </option>
  ));
}

function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: VmField;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={`vm-${name}`} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <ErrorText name={name} text={error} />
      ) : hint ? (
        <p id={`vm-${name}-hint`} className="mt-1 text-xs break-words text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function ErrorText({ name, text }: { name: VmField; text: string }) {
  return (
    <p
      id={`vm-${name}-error`}
      data-testid={`field-error-${name}`}
      className="mt-1 text-sm break-words text-rose-700 dark:text-rose-400"
    >
      {text}
    </p>
  );
}
