// Ordering of the one shared event stream as each consumer sees it (use-watch-stream.ts).
//
// The leader tab relays every message of its EventSource with the stream it came from and the
// revision that stream had reached just before it (`after`). A consumer whose own revision is at
// least `after` has seen everything up to this message, so the message is next in line; one that
// is behind has a gap (it joined late, or a new leader opened from a later revision) and asks the
// leader for a stream from its own revision, ignoring the rest of the stream it fell behind on.
// Events at or below the consumer's revision are duplicates (a stream reopened from an older
// revision replays them). Reset starts a rebuild: the snapshot (revision 0 events) and Synced are
// taken only after the Reset they belong to was seen.
import type { StreamMessage } from './types.ts';

export interface RelayedMessage {
  /** Which EventSource (of which leader) the message came from. */
  stream: string;
  /** The stream's revision just before this message. */
  after: number;
  message: StreamMessage;
}

/** apply: hand it to the cache; duplicate/ignored: drop it; gap: drop it and ask to catch up. */
export type Verdict = 'apply' | 'duplicate' | 'ignored' | 'gap';

export class StreamCursor {
  private rebuildingIn: string | null = null;
  private gappedIn: string | null = null;

  constructor(private current: number) {}

  /** The revision of the last change this consumer took: where it resumes from. */
  get revision(): number {
    return this.current;
  }

  accept({ stream, after, message }: RelayedMessage): Verdict {
    if (stream === this.gappedIn) return 'ignored';
    if (message.type === 'reset') {
      this.rebuildingIn = stream;
      return 'apply';
    }
    if (this.rebuildingIn !== null && this.rebuildingIn !== stream) {
      // The stream that was rebuilding ended before Synced: its snapshot is incomplete.
      this.rebuildingIn = null;
      return this.gap(stream);
    }
    if (this.rebuildingIn === stream) {
      if (message.type === 'synced') {
        this.rebuildingIn = null;
        this.current = message.revision;
        return 'apply';
      }
      if (message.type === 'event' && message.event.revision === 0) return 'apply';
    }
    // Snapshot parts or Synced without their Reset: this consumer joined mid-rebuild.
    if (message.type === 'synced' || (message.type === 'event' && message.event.revision === 0))
      return this.gap(stream);
    if (after > this.current) return this.gap(stream);
    if (message.type === 'bookmark') {
      if (message.revision <= this.current) return 'duplicate';
      this.current = message.revision;
      return 'apply';
    }
    if (message.event.revision <= this.current) return 'duplicate';
    this.current = message.event.revision;
    return 'apply';
  }

  private gap(stream: string): Verdict {
    this.gappedIn = stream;
    return 'gap';
  }
}
