'use server';
// The VM pages' server actions: check the session, check the obvious locally (vm-form.ts), then
// ask VmService; a refusal comes back as messages at the form's fields or in words
// (vm-errors.ts). The pages follow the change through the event stream, so nothing here
// revalidates.
import {
  CreateVmRequest,
  DeleteVmRequest,
  PauseVmRequest,
  RebootVmRequest,
  ResumeVmRequest,
  StartVmRequest,
  StopVmRequest,
} from '../../proto/gen/homeplane/v1/vm.ts';
import { BackendError, call } from './backend.ts';
import { requireSession } from './session.ts';
import { toVmView } from './vm-convert.ts';
import { createVmErrors, vmActionError, type VmRefusal } from './vm-errors.ts';
import { checkVmForm, createRequestOf, readVmForm, type VmErrors, type VmFormValues } from './vm-form.ts';
import { isVmAction, type VmAction } from './vm-lifecycle.ts';
import type { VmView } from './vm-view.ts';

/** Trailers of server/grpc/status.ts (INVALID_FIELD_KEY, RESOURCE_KEY). */
const INVALID_FIELD_KEY = 'homeplane-invalid-field';
const RESOURCE_KEY = 'homeplane-resource';

/**
 * Deadlines of the slow calls: creating a disk and starting QEMU (seconds under TCG), and a
 * graceful stop, which waits for the guest to power off (StopVm's default timeout is 30 s, then
 * QEMU is made to quit).
 */
const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 45_000;

export type CreateVmState =
  | { status: 'idle' }
  | { status: 'invalid'; errors: VmErrors; values: VmFormValues }
  | { status: 'created'; vm: VmView };

export type VmActionState =
  | { status: 'idle' }
  | { status: 'failed'; action: VmAction; message: string }
  /** The daemon did it; `at` tells one answer from the next. */
  | { status: 'done'; action: VmAction; vm: VmView; at: number };

export async function createVm(_previous: CreateVmState, form: FormData): Promise<CreateVmState> {
  await requireSession();
  const values = readVmForm(form);
  const local = checkVmForm(values);
  if (Object.keys(local).length > 0) return { status: 'invalid', errors: local, values };
  try {
    const created = await call(
      (c) => c.vms.createVm.bind(c.vms),
      CreateVmRequest.fromPartial(createRequestOf(values)),
      { deadlineMs: START_DEADLINE_MS },
    );
    return { status: 'created', vm: toVmView(created.vm!) };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return { status: 'invalid', errors: createVmErrors(refusalOf(err)), values };
  }
}

export async function runVmAction(_previous: VmActionState, form: FormData): Promise<VmActionState> {
  await requireSession();
  const id = form.get('id');
  const action = form.get('action');
  if (!isVmAction(action)) return { status: 'idle' };
  if (typeof id !== 'string' || id === '') return { status: 'failed', action, message: 'No VM was named.' };
  try {
    const vm = await perform(action, id);
    return { status: 'done', action, vm: toVmView(vm!), at: Date.now() };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return { status: 'failed', action, message: vmActionError(refusalOf(err)) };
  }
}

async function perform(action: VmAction, id: string) {
  switch (action) {
    case 'start':
      return (
        await call((c) => c.vms.startVm.bind(c.vms), StartVmRequest.fromPartial({ id }), {
          deadlineMs: START_DEADLINE_MS,
        })
      ).vm;
    case 'shutdown':
      return (
        await call((c) => c.vms.stopVm.bind(c.vms), StopVmRequest.fromPartial({ id, force: false }), {
          deadlineMs: STOP_DEADLINE_MS,
        })
      ).vm;
    case 'force-stop':
      return (
        await call((c) => c.vms.stopVm.bind(c.vms), StopVmRequest.fromPartial({ id, force: true }), {
          deadlineMs: START_DEADLINE_MS,
        })
      ).vm;
    case 'reboot':
      return (await call((c) => c.vms.rebootVm.bind(c.vms), RebootVmRequest.fromPartial({ id }))).vm;
    case 'pause':
      return (await call((c) => c.vms.pauseVm.bind(c.vms), PauseVmRequest.fromPartial({ id }))).vm;
    case 'resume':
      return (await call((c) => c.vms.resumeVm.bind(c.vms), ResumeVmRequest.fromPartial({ id }))).vm;
    case 'delete':
      return (
        await call((c) => c.vms.deleteVm.bind(c.vms), DeleteVmRequest.fromPartial({ id }), {
          deadlineMs: START_DEADLINE_MS,
        })
      ).vm;
  }
}

function refusalOf(err: BackendError): VmRefusal {
  const field = err.metadata?.get(INVALID_FIELD_KEY)[0];
  const resource = err.metadata?.get(RESOURCE_KEY)[0];
  return {
    code: err.code,
    details: err.details,
    field: typeof field === 'string' ? field : null,
    resource: typeof resource === 'string' ? resource : null,
  };
}
