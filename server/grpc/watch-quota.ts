// How many Watch streams may be open: in total (grpc.maxWatchers) and from one peer
// (grpc.maxWatchersPerPeer, see peer.ts). Each open watcher holds a feed subscription, a queue
// of up to watcherQueueBytes and a timer; without a cap one client could open them until the
// daemon runs out of memory. The defaults leave room for the dashboard (one peer carrying every
// browser tab's stream, at most dashboard.maxStreams) and for the watch benchmark's 1,000 idle
// watchers over one unix socket (one peer).

export interface WatchLimits {
  maxWatchers: number;
  maxWatchersPerPeer: number;
}

/** A place taken (give it back once with release()), or why none was free. */
export type Admission = { kind: 'admitted'; release: () => void } | { kind: 'refused'; details: string };

export class WatchQuota {
  private total = 0;
  private readonly byPeer = new Map<string, number>();

  constructor(private readonly limits: WatchLimits) {}

  /** Watchers from `peer` now (0 for a peer with none: no entry is kept for it). */
  countOf(peer: string): number {
    return this.byPeer.get(peer) ?? 0;
  }

  admit(peer: string): Admission {
    const { maxWatchers, maxWatchersPerPeer } = this.limits;
    const fromPeer = this.countOf(peer);
    if (fromPeer >= maxWatchersPerPeer) {
      return {
        kind: 'refused',
        details: `too many Watch streams from this peer (${maxWatchersPerPeer}, grpc.maxWatchersPerPeer); close some or raise the limit`,
      };
    }
    if (this.total >= maxWatchers) {
      return {
        kind: 'refused',
        details: `too many Watch streams open (${maxWatchers}, grpc.maxWatchers); close some or raise the limit`,
      };
    }
    this.total += 1;
    this.byPeer.set(peer, fromPeer + 1);
    let released = false;
    return {
      kind: 'admitted',
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = this.countOf(peer) - 1;
        if (left === 0) this.byPeer.delete(peer);
        else this.byPeer.set(peer, left);
      },
    };
  }
}
