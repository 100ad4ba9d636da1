// Last-resort handlers for the daemon process. Every known failure is handled where it happens
// (packets are counted and dropped, gRPC handlers map errors to statuses); these catch the
// unknown ones so that none is silent. A rejected promise nobody awaited is logged and the daemon
// goes on: Node 20 would otherwise end the process, and with it DHCP for the whole network. An
// uncaught exception leaves state unknown (Node's documentation: not safe to resume), so it is
// logged as fatal and the process exits 1 for its supervisor to restart it.
import type { Logger } from './ports.ts';

export interface ProcessEvents {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
}

export function installLastResortHandlers(
  proc: ProcessEvents,
  logger: Logger & { fatal(obj: object, msg: string): void; flush?(): void },
  exit: (code: number) => void,
): void {
  proc.on('unhandledRejection', (reason) => {
    logger.error(
      { err: reason },
      'unhandled promise rejection (a bug in homeplane; please report it); the daemon keeps running',
    );
  });
  proc.on('uncaughtException', (err) => {
    logger.fatal(
      { err },
      'uncaught exception (a bug in homeplane; please report it); exiting so the daemon restarts clean',
    );
    logger.flush?.();
    exit(1);
  });
}
