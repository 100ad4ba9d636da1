// homeplane.v1.EventService.Watch: the handler and the set of open watchers.
//
// grpc-js ignores what a handler returns, so a stream lives until the code ends it: the handler
// only starts a Watcher and returns; the Watcher ends the stream on shutdown, on overflow or on a
// failure, and leaves the feed as soon as the call is cancelled, closed or errored. A stream
// past the caps (watch-quota.ts) is refused before anything is set up for it.
import * as grpc from '@grpc/grpc-js';
import type { WatchRequest } from '../../proto/gen/homeplane/v1/event.ts';
import { parseKinds } from './kinds.ts';
import { LiveFrames } from './frames.ts';
import { peerOf } from './peer.ts';
import { statusOf } from './status.ts';
import { WatchQuota, type Admission, type WatchLimits } from './watch-quota.ts';
import { Watcher, type WatcherDeps } from './watcher.ts';

export type WatchDeps = Omit<WatcherDeps, 'liveFrames'>;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private readonly deps: WatcherDeps;
  private readonly quota: WatchQuota;
  private closing = false;

  constructor(deps: WatchDeps, limits: WatchLimits) {
    this.deps = { ...deps, liveFrames: new LiveFrames() };
    this.quota = new WatchQuota(limits);
  }

  /** How many streams are open now. */
  get size(): number {
    return this.watchers.size;
  }

  readonly watch = (call: grpc.ServerWritableStream<WatchRequest, Buffer>): void => {
    let admission: Admission | null = null;
    try {
      if (this.closing) {
        call.emit('error', {
          code: grpc.status.UNAVAILABLE,
          details: 'the daemon is shutting down; call Watch again shortly',
        });
        return;
      }
      const filter = parseKinds(call.request.kinds);
      admission = this.quota.admit(peerOf(call.getPeer()));
      if (admission.kind === 'refused') {
        call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: admission.details });
        return;
      }
      const { release } = admission;
      const watcher = new Watcher(call, filter, this.deps, (ended) => {
        this.watchers.delete(ended);
        release();
      });
      this.watchers.add(watcher);
      watcher.start(call.request.sinceRevision);
    } catch (err) {
      if (admission?.kind === 'admitted') admission.release();
      const status = statusOf(err, 'Watch', this.deps.logger);
      call.emit('error', status);
    }
  };

  /** Every open stream gets its queued frames, a last Bookmark, then UNAVAILABLE; new ones are refused. */
  shutdown(): void {
    this.closing = true;
    for (const watcher of [...this.watchers]) watcher.endForShutdown();
  }
}
