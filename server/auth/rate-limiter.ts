// Counts failed sign-ins per key ("user:<name>", "address:<ip>") in a sliding window. In memory:
// a restart forgets the counts, which costs an attacker a daemon restart per window.
import type { Clock } from '../ports.ts';

export interface RateLimit {
  /** Failures allowed within the window; the next attempt is refused. */
  maxFailures: number;
  windowMs: number;
}

/** Keys beyond which a failure first sweeps out keys with nothing left in their window. */
const SWEEP_ABOVE_KEYS = 10_000;

export class RateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limit.maxFailures) return 0;
    // The attempt is allowed again once the oldest failure that keeps the count at the limit leaves the window.
    const oldest = recent[recent.length - this.limit.maxFailures] ?? 0;
    return Math.max(1, oldest + this.limit.windowMs - this.clock.now());
  }

  recordFailure(key: string): void {
    if (this.failures.size > SWEEP_ABOVE_KEYS) this.sweep();
    const recent = this.recent(key);
    recent.push(this.clock.now());
    this.failures.set(key, recent);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.clock.now() - this.limit.windowMs;
    const recent = (this.failures.get(key) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    return recent;
  }

  private sweep(): void {
    for (const key of [...this.failures.keys()]) this.recent(key);
  }
}
