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

function typeName(type: number | undefined): string {
  return type !== undefined && MessageType[type] !== undefined ? MessageType[type]!.toLowerCase() : 'unknown';
}

export class DhcpCounters {
  private readonly received = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  declined = 0;
  released = 0;
  leasesCommitted = 0;

  countReceived(type: number | undefined): void {
    const name = typeName(type);
    this.received.set(name, (this.received.get(name) ?? 0) + 1);
  }

  countSent(type: number | undefined): void {
    const name = typeName(type);
    this.sent.set(name, (this.sent.get(name) ?? 0) + 1);
  }

  countDrop(reason: DropReason | 'send-error'): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  snapshot(): CounterSnapshot {
    return {
      received: Object.fromEntries(this.received),
      sent: Object.fromEntries(this.sent),
      dropped: Object.fromEntries(this.dropped),
      recorded: { declined: this.declined, released: this.released },
      leasesCommitted: this.leasesCommitted,
    };
  }
}
