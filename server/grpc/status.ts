// The one place domain errors become gRPC status codes (style.md: errors are named classes in the
// domain, translated in one place), and the wrapper that keeps an async handler's rejection from
// ever reaching the process: grpc-js ignores what a handler returns, so a rejected promise would
// be an unhandled rejection, which ends a Node 20 process.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../ports.ts';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ReadOnlyError,
  StoreBehindError,
} from '../errors.ts';
import { CapacityError, QemuMissingError, VmStateError } from '../hypervisor/errors.ts';
import {
  VmAlreadyRunningError,
  VmCommandError,
  VmNotRunningError,
  VmSpecError,
  VmStartError,
} from '../hypervisor/hypervisor-port.ts';
import { DiskError } from '../hypervisor/qemu-img.ts';
import { RateLimitedError, UnauthenticatedError } from '../auth/errors.ts';

/** Trailing metadata naming the request field an INVALID_ARGUMENT is about (proto field path). */
export const INVALID_FIELD_KEY = 'homeplane-invalid-field';

/** Trailing metadata naming the resource a capacity refusal is about ("vcpus", "memory_mib", "disk_gib"). */
export const RESOURCE_KEY = 'homeplane-resource';

/** Trailing metadata of a RESOURCE_EXHAUSTED sign-in refusal: whole seconds until a retry is accepted. */
export const RETRY_AFTER_KEY = 'homeplane-retry-after-seconds';

export interface StatusFailure {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

/**
 * The status for an error thrown while serving `method`. Anything that is not a domain error is
 * a bug or an outage on our side: the client gets INTERNAL with a generic message (the details
 * may hold paths or SQL), the log gets the error itself.
 */
export function statusOf(err: unknown, method: string, logger: Logger): StatusFailure {
  const metadata = new grpc.Metadata();
  if (err instanceof InvalidInputError) {
    // Domain errors name fields as the proto does ("address", "client_id"): details "field: reason".
    metadata.set(INVALID_FIELD_KEY, err.field);
    return { code: grpc.status.INVALID_ARGUMENT, details: err.message, metadata };
  }
  if (err instanceof NotFoundError) return { code: grpc.status.NOT_FOUND, details: err.message, metadata };
  if (err instanceof AlreadyExistsError) return { code: grpc.status.ALREADY_EXISTS, details: err.message, metadata };
  if (err instanceof ConflictError || err instanceof ReadOnlyError) {
    return { code: grpc.status.FAILED_PRECONDITION, details: err.message, metadata };
  }
  if (err instanceof StoreBehindError) return { code: grpc.status.UNAVAILABLE, details: err.message, metadata };
  if (err instanceof UnauthenticatedError) return { code: grpc.status.UNAUTHENTICATED, details: err.message, metadata };
  if (err instanceof RateLimitedError) {
    metadata.set(RETRY_AFTER_KEY, String(err.retryAfterSeconds));
    return { code: grpc.status.RESOURCE_EXHAUSTED, details: err.message, metadata };
  }
  const hypervisor = hypervisorStatus(err, metadata);
  if (hypervisor !== null) return hypervisor;
  logger.error({ err, method }, 'gRPC handler failed');
  return {
    code: grpc.status.INTERNAL,
    details: 'internal error while serving the request; the daemon log has the details',
    metadata,
  };
}

/**
 * The hypervisor's errors. Their messages are written for the operator (QEMU's own words where it
 * gave any), so they go out as they are.
 * - CapacityError, QemuMissingError, VmStateError, VmNotRunningError, VmAlreadyRunningError:
 *   FAILED_PRECONDITION, the system is not in a state that allows the call.
 * - VmStartError: FAILED_PRECONDITION. QEMU refusing to start is nearly always the VM's or the
 *   host's configuration (a boot file QEMU cannot read, a tap that is missing, KVM taken), which
 *   a retry does not fix; the message carries QEMU's stderr.
 * - VmCommandError: UNAVAILABLE. The VM's QEMU did not carry out a command: its monitor timed out
 *   or went away (QEMU exiting), or QEMU refused; the call may succeed once QEMU answers again,
 *   and StopVm with force remains.
 * - VmSpecError: INVALID_ARGUMENT (the spec built from the request cannot run).
 * - DiskError: FAILED_PRECONDITION: qemu-img refused the disk (a base image of another format, a
 *   chained base, one larger than disk_gib, qemu-utils missing); the message says what to do.
 */
function hypervisorStatus(err: unknown, metadata: grpc.Metadata): StatusFailure | null {
  if (err instanceof CapacityError) {
    metadata.set(RESOURCE_KEY, err.resource);
    return { code: grpc.status.FAILED_PRECONDITION, details: err.message, metadata };
  }
  if (
    err instanceof QemuMissingError ||
    err instanceof VmStateError ||
    err instanceof VmNotRunningError ||
    err instanceof VmAlreadyRunningError ||
    err instanceof VmStartError ||
    err instanceof DiskError
  ) {
    return { code: grpc.status.FAILED_PRECONDITION, details: err.message, metadata };
  }
  if (err instanceof VmCommandError) return { code: grpc.status.UNAVAILABLE, details: err.message, metadata };
  if (err instanceof VmSpecError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message, metadata };
  return null;
}

/**
 * A unary handler from a function of the request that may throw or reject: its result or its
 * mapped error reaches the callback exactly once, and nothing escapes.
 */
export function unary<Request, Response>(
  method: string,
  logger: Logger,
  serve: (request: Request) => Response | Promise<Response>,
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    new Promise<Response>((resolve) => resolve(serve(call.request)))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(statusOf(err, method, logger)),
      )
      .catch((err: unknown) => logger.error({ err, method }, 'gRPC callback failed'));
  };
}
