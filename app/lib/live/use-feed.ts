'use client';
// Switches a live feed (feeds.ts: a VM's console, the VMs' usage samples) on in the browser's one
// shared event stream while the component is mounted, and hands each of its frames to `onFrame`
// (shared-stream.ts). null switches it off. A feed costs no connection of its own: the frames
// arrive in the same stream as the events, whichever tab holds it.
import { useEffect, useRef } from 'react';
import { feedKey, type Feed, type FeedFrame } from './feeds.ts';
import { subscribeFeed } from './shared-stream.ts';

export function useFeed(feed: Feed | null, onFrame: (frame: FeedFrame) => void): void {
  const handler = useRef(onFrame);
  useEffect(() => {
    handler.current = onFrame;
  }, [onFrame]);
  // The feed's key, not the object, decides: a page passing a new literal each render keeps its feed.
  const key = feed === null ? null : feedKey(feed);
  const current = useRef(feed);
  current.current = feed;

  useEffect(() => {
    const wanted = current.current;
    if (key === null || wanted === null) return;
    return subscribeFeed(wanted, (frame) => handler.current(frame));
  }, [key]);
}
