// Ports every domain of the daemon uses, declared above them (style.md: shared ports do not live
// in one domain's folder). server/main.ts builds the adapters: pino for Logger, the wall clock for
// Clock.

/** Structured log lines (pino's calling convention: an object of fields, then the message). */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The time, as epoch milliseconds. The one shape time comes in: tests give a clock they control. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
