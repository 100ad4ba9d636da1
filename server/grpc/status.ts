// The one place domain errors become gRPC status codes (style.md: errors are named classes in the
// domain, translated in one place), and the wrapper that keeps an async handler's rejection from
// ever reaching the process: grpc-js ignores what a handler returns, so a rejected promise would
// be an unhandled rejection, which ends a Node 20 process.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../dhcp/server.ts';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ReadOnlyError,
  StoreBehindError,
} from '../dhcp/errors.ts';

/** Trailing metadata naming the request field an INVALID_ARGUMENT is about (proto field path). */
export const INVALID_FIELD_KEY = 'homeplane-invalid-field';

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
  logger.error({ err, method }, 'gRPC handler failed');
  return {
    code: grpc.status.INTERNAL,
    details: 'internal error while serving the request; the daemon log has the details',
    metadata,
  };
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
