// The VmService streams open now (StreamConsole, WatchVmStats). They run until the client goes, so
// a graceful shutdown must end them itself (grpc-js's tryShutdown waits for every call); Watch
// streams have WatchHub for this.

export class OpenStreams {
  private readonly ends = new Set<() => void>();
  private closing = false;

  /** Whether shutdown() began: new streams are refused with UNAVAILABLE. */
  get shuttingDown(): boolean {
    return this.closing;
  }

  get size(): number {
    return this.ends.size;
  }

  /**
   * Registers how a stream ends at shutdown (its status, UNAVAILABLE). Returns the function the
   * stream calls once it ended on its own, so nothing is kept for it.
   */
  add(endForShutdown: () => void): () => void {
    this.ends.add(endForShutdown);
    return () => this.ends.delete(endForShutdown);
  }

  /** Ends every registered stream; streams opened afterwards see shuttingDown. Safe to call twice. */
  shutdown(): void {
    this.closing = true;
    const ends = [...this.ends];
    this.ends.clear();
    for (const end of ends) end();
  }
}
