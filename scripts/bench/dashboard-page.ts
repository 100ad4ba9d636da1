// What the dashboard benchmark measures inside the browser page: a probe installed before any of
// the page's own scripts run (BrowserContext.addInitScript), read back at the end, plus the heap
// and DOM counters Chromium gives over CDP after a forced garbage collection.
import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';

/** A task or frame: when it began (ms since navigation start) and how long it took. */
export type Span = [start: number, duration: number];

export interface PageProbe {
  /** performance.now() when the first `[data-address]` row was in the DOM and visible; null until then. */
  firstRowAt: number | null;
  /** Every long task (> 50 ms, the browser's own threshold) the page ran. */
  longTasks: Span[];
  /** Every gap over 50 ms between two animation frames. */
  slowFrames: Span[];
  /** Animation frames seen. */
  frames: number;
  /** performance.now() when the probe was read. */
  now: number;
}

/**
 * Runs in the page before its scripts (in every document of the context): a long-task observer,
 * a requestAnimationFrame loop recording gaps over 50 ms, and a MutationObserver that notes when
 * the first lease row appears (disconnected then, so it costs nothing during the measured run).
 * JavaScript text, not a function: scripts/ typecheck without the DOM library.
 */
export const PROBE_SCRIPT = `(() => {
  const probe = { firstRowAt: null, longTasks: [], slowFrames: [], frames: 0 };
  window.__dashboardBench = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  let last = null;
  const frame = (time) => {
    if (last !== null && time - last > 50) probe.slowFrames.push([last, time - last]);
    last = time;
    probe.frames += 1;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const rowShown = () => {
    const row = document.querySelector('[data-address]');
    return row !== null && row.checkVisibility();
  };
  const rows = new MutationObserver(() => {
    if (probe.firstRowAt === null && rowShown()) {
      probe.firstRowAt = performance.now();
      rows.disconnect();
    }
  });
  rows.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

export async function readProbe(page: Page): Promise<PageProbe> {
  const probe = (await page.evaluate(
    '(() => window.__dashboardBench && { ...window.__dashboardBench, now: performance.now() })()',
  )) as PageProbe | undefined;
  if (probe === undefined) throw new Error('the page has no benchmark probe (PROBE_SCRIPT was not added)');
  return probe;
}

export interface MemorySample {
  /** Bytes of JS heap in use after a full garbage collection. */
  heapUsed: number;
  /** DOM nodes alive (CDP Memory.getDOMCounters). */
  domNodes: number;
  /** `[data-address]` rows in the document. */
  rows: number;
}

/** Forces a garbage collection (so only what the page holds is counted), then reads heap and DOM counters. */
export async function sampleMemory(cdp: CDPSession, page: Page): Promise<MemorySample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = (await cdp.send('Memory.getDOMCounters')) as { nodes: number };
  const rows = (await page.evaluate("document.querySelectorAll('[data-address]').length")) as number;
  return { heapUsed: heap.usedSize, domNodes: dom.nodes, rows };
}

/** The spans that began at or after `from` (ms since navigation start). */
export function after(spans: readonly Span[], from: number): Span[] {
  return spans.filter(([start]) => start >= from);
}

/** Starts the page's JavaScript CPU profiler (sampling every 500 µs). */
export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

/**
 * Stops the profiler, writes the profile to `file` and returns the functions with the most self
 * time, one a line (ms, share, name, where: url:line:column, 1-based, of the served script).
 */
export async function stopProfile(cdp: CDPSession, file: string, top = 25): Promise<string> {
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  writeFileSync(file, JSON.stringify(profile));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    // A sample's time is the gap to the next one (the last has none to count).
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = nodes.get(id)!.callFrame;
    const where =
      frame.url === ''
        ? ''
        : `${frame.url.replace(/^https?:\/\/[^/]+/, '')}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    const key = `${frame.functionName || '(anonymous)'}  ${where}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    total += ms;
  });
  const lines = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  return [`CPU profile written to ${file}: ${(total / 1000).toFixed(1)} s sampled; most self time:`, ...lines].join(
    '\n',
  );
}
