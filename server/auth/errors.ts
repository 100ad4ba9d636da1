// Errors only the accounts domain raises; server/grpc/status.ts maps each to one gRPC status code.

/** Wrong credentials or an unknown, expired or revoked session (UNAUTHENTICATED). */
export class UnauthenticatedError extends Error {
  override name = 'UnauthenticatedError';
}

/** Too many failed sign-ins for a user or an address (RESOURCE_EXHAUSTED); the message says when to retry. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(
    /** Whole seconds until a sign-in is accepted again. */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}
