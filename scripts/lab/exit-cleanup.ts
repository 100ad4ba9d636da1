// Last-chance cleanup for a lab when the process ends without calling destroy(): normal exit,
// an uncaught exception, or Ctrl-C / kill. Only synchronous work runs in these handlers.

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Registers `cleanup` for process exit and termination signals; returns the unregister call. */
export function onProcessEnd(cleanup: () => void): () => void {
  const onExit = (): void => cleanup();
  const onSignal = (signal: NodeJS.Signals): void => {
    unregister();
    cleanup();
    // Re-raise so the process ends as it would have: with no other listener left, Node's
    // default action terminates it with this signal.
    process.kill(process.pid, signal);
  };
  const unregister = (): void => {
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return unregister;
}
