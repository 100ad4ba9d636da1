'use client';
// Follows /api/events in the browser with an EventSource and hands every message to `onMessage`.
//
// The EventSource reconnects by itself when the relay ends the response (daemon restart, slow
// reader), sending Last-Event-ID, so nothing is missed. When it gives up instead (the relay
// answered with an error status, or the page server was down), this hook opens a new one from
// the last revision it saw, after a pause.
import { useEffect, useRef, useState } from 'react';
import type { LiveEvent, StreamMessage } from './types.ts';

export type StreamStatus = 'connecting' | 'live' | 'resyncing' | 'reconnecting';

/** Pause before opening a new EventSource after the browser gave up on the old one. */
const REOPEN_DELAY_MS = 3_000;

export interface WatchStreamOptions {
  /** Revision the page's data reflects; the stream starts after it. */
  since: number;
  /** Event kinds or object types to receive ("lease"); empty for all. */
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
    let revision = since;
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | null = null;
    let resyncing = false;

    const deliver = (message: StreamMessage): void => handler.current(message);
    const open = (): void => {
      const params = new URLSearchParams({ since: String(revision) });
      if (kindList !== '') params.set('kinds', kindList);
      const current = new EventSource(`/api/events?${params}`);
      source = current;
      current.onopen = () => setStatus(resyncing ? 'resyncing' : 'live');
      current.addEventListener('event', (e) => {
        const event = JSON.parse(e.data) as LiveEvent;
        if (event.revision > 0) revision = event.revision;
        deliver({ type: 'event', event });
      });
      current.addEventListener('reset', () => {
        resyncing = true;
        setStatus('resyncing');
        deliver({ type: 'reset' });
      });
      current.addEventListener('synced', (e) => {
        revision = (JSON.parse(e.data) as { revision: number }).revision;
        resyncing = false;
        setStatus('live');
        deliver({ type: 'synced', revision });
      });
      current.addEventListener('bookmark', (e) => {
        revision = Math.max(revision, (JSON.parse(e.data) as { revision: number }).revision);
        deliver({ type: 'bookmark', revision });
      });
      current.onerror = () => {
        setStatus('reconnecting');
        if (current.readyState !== EventSource.CLOSED) return; // the browser retries by itself
        current.close();
        reopen = setTimeout(open, REOPEN_DELAY_MS);
      };
    };

    open();
    return () => {
      if (reopen !== null) clearTimeout(reopen);
      (source as EventSource | null)?.close();
    };
  }, [since, kindList]);

  return status;
}
