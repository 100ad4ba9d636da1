'use client';
// The usage of every running VM, live: switches the "vm-stats" feed on in the browser's one
// stream while the page is mounted (use-feed.ts) and keeps the last minute per VM.
import { useCallback, useState } from 'react';
import type { FeedFrame } from '../../lib/live/feeds.ts';
import { useFeed } from '../../lib/live/use-feed.ts';
import { foldSample, type StatsHistory } from '../../lib/live/vm-stats-history.ts';

const FEED = { kind: 'vm-stats' } as const;
const EMPTY: StatsHistory = new Map();

/** `on` false switches the feed off (no VM runs, or QEMU is missing). */
export function useVmStats(on: boolean): StatsHistory {
  const [history, setHistory] = useState<StatsHistory>(EMPTY);
  const onFrame = useCallback((frame: FeedFrame) => {
    if (frame.kind === 'vm-stats') setHistory((before) => foldSample(before, frame.time, frame.vms));
  }, []);
  useFeed(on ? FEED : null, onFrame);
  return history;
}
