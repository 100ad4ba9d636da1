// The messages between the watch benchmark and its watcher processes (watch-client.ts), over
// Node's IPC channel: each request carries an id, each reply the same id.
import type { FrameDecoding } from './watch-frames.ts';
import type { LatencySummary } from './watch-latency.ts';

export interface OpenRequest {
  op: 'open';
  /** The daemon's gRPC address, "unix:/path". */
  target: string;
  token: string;
  /** Watchers this process opens. */
  count: number;
  /**
   * Each calls Watch{since_revision}: the log after it is replayed, then live events follow. One
   * below the newest revision: a one-event replay tells that the stream is open, and opening
   * costs the daemon no more than a live watcher does.
   */
  sinceRevision: number;
  /** Watch streams per channel; each channel is its own HTTP/2 connection. */
  perChannel: number;
  /**
   * grpc-node.flow_control_window for each channel: the HTTP/2 stream and connection windows in
   * bytes; null leaves grpc-js's default (64 KiB, one connection window shared by its streams).
   */
  flowWindow: number | null;
  decoding: FrameDecoding;
  /** Give up waiting for a watcher's first frame after this long. */
  timeoutMs: number;
}

export type PoolRequest =
  | OpenRequest
  /** Start counting afresh: events, frames and latencies from here on. */
  | { op: 'mark' }
  /** How far the open watchers have got, against the daemon's newest revision. */
  | { op: 'progress'; revision: number }
  | { op: 'report' }
  /** Cancel every watcher and close every channel. */
  | { op: 'close' };

export type PoolEnvelope = PoolRequest & { id: number };

export interface OpenResult {
  /** Watchers whose first frame came. */
  opened: number;
  /** Watchers that ended or timed out before it. */
  failed: number;
  firstError: string | null;
}

export interface Progress {
  open: number;
  /** Open watchers that have not yet received the revision asked about. */
  behind: number;
}

export interface ClientReport {
  watchers: number;
  /** Watchers still open. */
  open: number;
  /** Since the last mark. */
  events: number;
  frames: number;
  bookmarks: number;
  latency: LatencySummary;
  /** Revisions a watcher skipped (a gap in its sequence), summed; must stay 0. */
  missing: number;
  /** Events a watcher got at or below a revision it already had, summed; must stay 0. */
  duplicates: number;
  /**
   * Watchers that ended without being cancelled by us, since they were opened, by status name
   * ("RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED (reset)" for an RST_STREAM, "OK (ended)", ...).
   */
  dropped: Record<string, number>;
}

export type PoolReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** What a watcher process sends once its message handler is installed. */
export const READY_MESSAGE = 'watch-client ready';
