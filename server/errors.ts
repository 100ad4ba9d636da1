// Named errors shared by the daemon's domains (DHCP, hypervisor); server/grpc/status.ts maps each
// to one gRPC status code. Errors only one domain raises live beside it (hypervisor/errors.ts).

/** The request names something that does not exist (NOT_FOUND). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A field of the request is invalid (INVALID_ARGUMENT). `field` is the proto field name. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The request is valid but collides with the current state (FAILED_PRECONDITION). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The object already exists (ALREADY_EXISTS). */
export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError';
}

/** The object may not be changed through the API, e.g. a reservation from the config file (FAILED_PRECONDITION). */
export class ReadOnlyError extends Error {
  override name = 'ReadOnlyError';
}

/** The change is made in memory but the lease database is failing writes; it is retried (UNAVAILABLE). */
export class StoreBehindError extends Error {
  override name = 'StoreBehindError';
}
