// Counters per message type received and sent, and per reason a request got no answer.
// Plain numbers on the hot path; snapshot() is what logs (and later gRPC stats) read.
import { MessageType } from './codec/types.ts';
import type { DropReason } from './outcome.ts';

export interface CounterSnapshot {
  received: Record<string, number>;
  sent: Record<string, number>;
  dropped: Record<string, number>;
  recorded: { declined: number; released: number };
  leasesCommitted: number;
}

function typeName(type: number): string {
  return MessageType[type] !== undefined ? MessageType[type]!.toLowerCase() : 'unknown';
}

/** Counts by message type number (0: no or unknown type); names are made only in snapshot(). */
function byName(counts: number[]): Record<string, number> {
  const named: Record<string, number> = {};
  counts.forEach((n, type) => {
    if (n > 0) named[typeName(type)] = (named[typeName(type)] ?? 0) + n;
  });
  return named;
}

export class DhcpCounters {
  private readonly received: number[] = new Array(256).fill(0);
  private readonly sent: number[] = new Array(256).fill(0);
  private readonly dropped = new Map<string, number>();
  declined = 0;
  released = 0;
  leasesCommitted = 0;

  countReceived(type: number | undefined): void {
    this.received[type ?? 0]!++;
  }

  countSent(type: number | undefined): void {
    this.sent[type ?? 0]!++;
  }

  countDrop(reason: DropReason | 'send-error'): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  snapshot(): CounterSnapshot {
    return {
      received: byName(this.received),
      sent: byName(this.sent),
      dropped: Object.fromEntries(this.dropped),
      recorded: { declined: this.declined, released: this.released },
      leasesCommitted: this.leasesCommitted,
    };
  }
}
