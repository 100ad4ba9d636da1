// Where a daemon's CPU time went: self time per function and per source file, read from the
// .cpuprofile V8 writes when Node runs with --cpu-prof (a sampled call tree, see the Chrome
// DevTools protocol's Profiler.Profile: nodes, samples and the microseconds between them).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds, on the profiler's clock. */
  startTime: number;
  endTime: number;
  /** Node id sampled at each tick. */
  samples: number[];
  /** Microseconds since the previous sample (the first one: since startTime). */
  timeDeltas: number[];
}

export interface SelfTime {
  /** "functionName file:line", or a V8 pseudo-frame such as "(garbage collector)". */
  name: string;
  ms: number;
  /** Share of the busy time (everything but "(idle)"), percent. */
  percent: number;
}

export interface ProfileSummary {
  /** Milliseconds inside the window that the thread was not idle. */
  busyMs: number;
  idleMs: number;
  functions: SelfTime[];
  files: SelfTime[];
}

export function readCpuProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * Self time inside a window of the profile: from `skipMs` after it started (start-up and module
 * loading left out) to its end. A sample stands for the time until the next one.
 */
export function summariseProfile(profile: CpuProfile, skipMs = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const perFunction = new Map<string, number>();
  const perFile = new Map<string, number>();
  let at = profile.startTime;
  let idle = 0;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const span = profile.timeDeltas[i + 1] ?? 0;
    if (at - profile.startTime < skipMs * 1000) continue;
    const frame = byId.get(profile.samples[i]!)?.callFrame;
    if (frame === undefined) continue;
    if (frame.functionName === '(idle)') {
      idle += span;
      continue;
    }
    busy += span;
    add(perFunction, functionLabel(frame), span);
    add(perFile, fileLabel(frame), span);
  }
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    functions: ranked(perFunction, busy),
    files: ranked(perFile, busy),
  };
}

function add(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros);
}

function ranked(map: Map<string, number>, busyMicros: number): SelfTime[] {
  return [...map.entries()]
    .map(([name, micros]) => ({ name, ms: micros / 1000, percent: busyMicros === 0 ? 0 : (100 * micros) / busyMicros }))
    .sort((a, b) => b.ms - a.ms);
}

function functionLabel(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return frame.functionName || '(native)';
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function fileLabel(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native code)';
  return shortUrl(frame.url);
}

/** Paths from the repository or node_modules on, not the whole file URL. */
function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '').replace(/\?.*$/, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + 1);
  const project = /\/(server|scripts|drizzle|bin)\//.exec(path);
  return project === null ? path : path.slice(project.index + 1);
}

export function formatProfile(summary: ProfileSummary, top = 25): string {
  const line = (s: SelfTime): string =>
    `${s.ms.toFixed(0).padStart(8)} ms ${s.percent.toFixed(1).padStart(5)}%  ${s.name}`;
  return [
    `busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms`,
    `self time by function (top ${top}):`,
    ...summary.functions.slice(0, top).map(line),
    'self time by file (top 15):',
    ...summary.files.slice(0, 15).map(line),
  ].join('\n');
}
