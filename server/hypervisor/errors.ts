// The inventory's named errors; server/grpc/status.ts maps each to one gRPC status code.
import type { Resource } from './capacity.ts';

/** The host has no room for the request (FAILED_PRECONDITION), whatever its size. */
export class CapacityError extends Error {
  override name = 'CapacityError';
  constructor(
    readonly resource: Resource,
    message: string,
  ) {
    super(message);
  }
}

/** QEMU is not installed (FAILED_PRECONDITION); the message says what to install. */
export class QemuMissingError extends Error {
  override name = 'QemuMissingError';
}

/** The VM is not in a state that allows the call, e.g. StopVm on a stopped VM (FAILED_PRECONDITION). */
export class VmStateError extends Error {
  override name = 'VmStateError';
}
