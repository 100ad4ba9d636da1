// What the feed relay (feed-relay.ts) does once one of its gRPC calls has ended: what to tell
// the console's watchers, and when to open the call again. Pure, so the policy is tested apart
// from the calls.
import * as grpc from '@grpc/grpc-js';

export type Retry =
  /** The daemon restarting, or not reachable: again soon, backing off. */
  | 'backoff'
  /** The console ended or the VM is not running: again every few seconds, for its next start. */
  | 'when-running'
  /** Fell behind and was dropped: again at once (it starts over from the recent output). */
  | 'soon'
  /** The VM does not exist; VM ids are never reused. */
  | 'never';

export interface AfterEnd {
  /** The console-end reason to send (consoles only), or null for none. */
  report: string | null;
  retry: Retry;
}

/** `details`: the daemon's message; `endTrailer`: the `homeplane-console-end` trailer, if any. */
export function afterEnd(code: grpc.status, details: string, endTrailer: string | null): AfterEnd {
  switch (code) {
    case grpc.status.OK:
      return { report: endTrailer ?? 'the daemon ended the stream', retry: 'when-running' };
    case grpc.status.NOT_FOUND:
      return { report: details, retry: 'never' };
    case grpc.status.FAILED_PRECONDITION:
      return { report: details, retry: 'when-running' };
    case grpc.status.RESOURCE_EXHAUSTED:
      return { report: null, retry: 'soon' };
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
    case grpc.status.CANCELLED:
      return { report: `the daemon is not reachable (${details}); reconnecting`, retry: 'backoff' };
    default:
      return { report: `${grpc.status[code] ?? code}: ${details}; trying again`, retry: 'backoff' };
  }
}
