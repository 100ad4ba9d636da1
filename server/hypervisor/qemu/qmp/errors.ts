// Named QMP failures (Incus's qmp/errors.go as classes). The driver turns them into the port's
// VmCommandError/VmStartError; nothing outside qemu/ sees these.

export class QmpError extends Error {
  override name = 'QmpError';
}

/** No monitor to talk to: the socket never appeared, or refused connections, within the connect timeout. */
export class QmpConnectError extends QmpError {
  override name = 'QmpConnectError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`QMP socket ${path}: ${message}`, options);
  }
}

/** The peer broke the protocol: no greeting first, a line that is not a JSON object, an oversized line. */
export class QmpProtocolError extends QmpError {
  override name = 'QmpProtocolError';
}

/** No answer in time. `command` is the QMP command, or "greeting" while connecting. */
export class QmpTimeoutError extends QmpError {
  override name = 'QmpTimeoutError';
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`QMP ${command}: no reply within ${timeoutMs} ms`);
  }
}

/** The connection ended (QEMU exited, or we closed it) before the command got its reply. */
export class QmpDisconnectedError extends QmpError {
  override name = 'QmpDisconnectedError';
  constructor(
    readonly command: string | null,
    readonly reason: string,
  ) {
    super(command === null ? `QMP connection closed: ${reason}` : `QMP ${command}: connection closed (${reason})`);
  }
}

/** QEMU refused the command; `errorClass` and `desc` are QEMU's own ("GenericError", "CommandNotFound", ...). */
export class QmpCommandError extends QmpError {
  override name = 'QmpCommandError';
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly desc: string,
  ) {
    super(`QMP ${command}: ${errorClass}: ${desc}`);
  }
}
