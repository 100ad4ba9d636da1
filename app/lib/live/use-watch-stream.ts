'use client';
// Follows the browser's one shared event stream (shared-stream.ts) and hands every message of
// the wanted kinds to `onMessage`, in revision order and without duplicates (stream-order.ts).
// Whichever tab holds the EventSource, it resumes from the last revision seen, so nothing is
// missed across reconnects, daemon restarts and the leader tab closing.
import { useEffect, useRef, useState } from 'react';
import { subscribe, type StreamStatus } from './shared-stream.ts';
import type { StreamMessage } from './types.ts';

export type { StreamStatus } from './shared-stream.ts';

export interface WatchStreamOptions {
  /** Revision the page's data reflects; the stream starts after it. */
  since: number;
  /** Object types or event kinds to receive ("lease", "vm.created"); empty for all. */
  kinds: readonly string[];
  onMessage: (message: StreamMessage) => void;
}

export function useWatchStream({ since, kinds, onMessage }: WatchStreamOptions): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handler = useRef(onMessage);
  useEffect(() => {
    handler.current = onMessage;
  }, [onMessage]);
  const kindList = kinds.join(',');

  useEffect(() => {
    const wanted = kindList === '' ? [] : kindList.split(',');
    const matches = (kind: string) => wanted.length === 0 || wanted.some((k) => kind === k || kind.startsWith(`${k}.`));
    return subscribe(
      {
        onMessage: (message) => {
          if (message.type === 'event' && !matches(message.event.kind)) return;
          handler.current(message);
        },
        onStatus: setStatus,
      },
      since,
    );
  }, [since, kindList]);

  return status;
}
