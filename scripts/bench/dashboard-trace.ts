// A Chromium timeline trace for the dashboard benchmark (--trace): what the renderer's main thread
// did during each long task, by event name (style, layout, paint, script, parsing, GC), so a long
// task whose time is the browser's own rather than the page's JavaScript can be traced to its kind.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';

/** Enough for every task's wall and thread time (RunTask): about 20 MB a minute here. */
const LEAN = ['disabled-by-default-devtools.timeline'];
/** Adds the work inside each task (script, style, layout, paint, GC): about 100 MB a minute. */
const DETAIL = [
  ...LEAN,
  'devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'disabled-by-default-v8.gc',
  'blink',
];

/** One complete (`X`) trace event; B/E pairs are folded into this form. */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the event, where Chromium recorded it: dur minus the time off the core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { functionName?: string; url?: string } };
}

export async function startTrace(cdp: CDPSession, detail: boolean): Promise<void> {
  const categories = (detail ? DETAIL : LEAN).join(',');
  await cdp.send('Tracing.start', { categories, transferMode: 'ReturnAsStream' });
}

/** Ends the trace, writes it to `file` (loadable in DevTools' Performance panel), returns the summary. */
export async function stopTrace(cdp: CDPSession, file: string, longMs = 50): Promise<string> {
  const done = new Promise<string>((resolve) => {
    cdp.once('Tracing.tracingComplete', (event: { stream?: string }) => resolve(event.stream ?? ''));
  });
  await cdp.send('Tracing.end');
  const stream = await done;
  if (stream === '') return 'trace: Chromium returned no stream';
  // One event a line (Chromium's JSON trace format): written to the file as it comes, and only the
  // renderers' main threads kept in memory, so a run of minutes stays within bounds.
  const out = openSync(file, 'w');
  const mains = new Set<string>();
  const kept: TraceEvent[] = [];
  let partial = '';
  let bytes = 0;
  const take = (line: string): void => {
    const body = line.trim().replace(/,$/, '');
    // The wrapper's lines ('{"traceEvents":[', the closing metadata) are not events.
    if (!body.startsWith('{"') || body.startsWith('{"traceEvents"')) return;
    let e: TraceEvent;
    try {
      e = JSON.parse(body) as TraceEvent;
    } catch {
      return;
    }
    if (typeof e.ph !== 'string') return;
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.add(`${e.pid}:${e.tid}`);
    else if (mains.has(`${e.pid}:${e.tid}`)) kept.push(e);
  };
  for (;;) {
    const part = (await cdp.send('IO.read', { handle: stream, size: 1 << 20 })) as {
      data: string;
      eof: boolean;
      base64Encoded?: boolean;
    };
    const text = part.base64Encoded === true ? Buffer.from(part.data, 'base64').toString('utf8') : part.data;
    writeSync(out, text);
    bytes += text.length;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) take(line);
    if (part.eof) break;
  }
  take(partial);
  closeSync(out);
  await cdp.send('IO.close', { handle: stream });
  return `trace written to ${file} (${(bytes / 1024 / 1024).toFixed(0)} MB)\n${summarise(kept, mains, longMs)}`;
}

/** X events per thread, B/E pairs turned into X, sorted by start then longest first. */
function completeEvents(events: readonly TraceEvent[], threads: Set<string>): Map<string, TraceEvent[]> {
  const byThread = new Map<string, TraceEvent[]>();
  const open = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (!threads.has(key)) continue;
    let list = byThread.get(key);
    if (list === undefined) byThread.set(key, (list = []));
    if (e.ph === 'X' && e.dur !== undefined) list.push(e);
    else if (e.ph === 'B') {
      let stack = open.get(key);
      if (stack === undefined) open.set(key, (stack = []));
      stack.push(e);
    } else if (e.ph === 'E') {
      const begin = open.get(key)?.pop();
      if (begin !== undefined) list.push({ ...begin, ph: 'X', dur: e.ts - begin.ts });
    }
  }
  for (const list of byThread.values()) list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  return byThread;
}

function label(e: TraceEvent): string {
  const fn = e.args?.data?.functionName;
  return fn ? `${e.name} ${fn}` : e.name;
}

/** Per long task (RunTask over longMs on a renderer main thread): self time by event name. */
function summarise(events: readonly TraceEvent[], mains: Set<string>, longMs: number): string {
  const lines: string[] = [];
  const total = new Map<string, number>();
  let tasks = 0;
  let busy = 0;
  let longestCpu = 0;
  for (const [thread, list] of completeEvents(events, mains)) {
    for (let i = 0; i < list.length; i++) {
      const task = list[i]!;
      if (task.name !== 'RunTask' || (task.dur ?? 0) < longMs * 1000) continue;
      tasks += 1;
      const cpu = (task.tdur ?? task.dur!) / 1000;
      longestCpu = Math.max(longestCpu, cpu);
      if (cpu > longMs) busy += 1;
      const end = task.ts + task.dur!;
      const self = new Map<string, number>();
      const stack: TraceEvent[] = [task];
      const selfOf = new Map<TraceEvent, number>([[task, task.dur!]]);
      for (let j = i + 1; j < list.length && list[j]!.ts < end; j++) {
        const e = list[j]!;
        while (stack.length > 1 && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
        const parent = stack.at(-1)!;
        selfOf.set(parent, selfOf.get(parent)! - (e.dur ?? 0));
        selfOf.set(e, e.dur ?? 0);
        stack.push(e);
      }
      for (const [e, us] of selfOf) {
        const key = e === task ? '(task itself)' : label(e);
        self.set(key, (self.get(key) ?? 0) + us / 1000);
        total.set(key, (total.get(key) ?? 0) + us / 1000);
      }
      const top = [...self.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, ms]) => `${k} ${ms.toFixed(0)}`)
        .join(', ');
      lines.push(
        `  ${thread} at ${(task.ts / 1000).toFixed(0)} ms: ${(task.dur! / 1000).toFixed(0)} ms, ` +
          `${task.tdur === undefined ? '?' : cpu.toFixed(0)} ms on the core: ${top}`,
      );
    }
  }
  const overall = [...total.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([k, ms]) => `  ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  return [
    `${tasks} main-thread tasks over ${longMs} ms in the trace (wall time); ${busy} of them over ${longMs} ms ` +
      `on the core (thread time; the longest ${longestCpu.toFixed(0)} ms); the rest waited for a core. ` +
      `Wall time by event over all of them:`,
    ...overall,
    'each (trace clock):',
    ...lines.slice(0, 40),
  ].join('\n');
}
