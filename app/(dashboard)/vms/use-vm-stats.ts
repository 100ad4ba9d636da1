'use client';
// The usage of every running VM, live: switches the "vm-stats" feed on in the browser's one
// stream while the page is mounted (use-feed.ts) and keeps the last minute per VM.
//
// PLACEHOLDER until the stream helper's use-feed.ts is in main: no samples arrive yet, so the
// pages show "sampling…". The real body (useFeed(on ? FEED : null, onFrame) folding each
// vm-stats frame with foldSample) replaces this as soon as useFeed lands.
import { useState } from 'react';
import type { StatsHistory } from '../../lib/live/vm-stats-history.ts';

const EMPTY: StatsHistory = new Map();

/** `on` false switches the feed off (no VM runs, or QEMU is missing). */
export function useVmStats(on: boolean): StatsHistory {
  void on;
  const [history] = useState<StatsHistory>(EMPTY);
  return history;
}
