'use client';
// A VM's serial console in the browser: xterm.js with its default DOM renderer, so the text is
// real text (selectable, searchable with the browser's find, read by screen readers), fed by the
// console feed of the browser's one event stream (live/feeds.ts; no connection of its own).
// A feed's first frame after a (re)start of its StreamConsole has `restart`: the terminal clears
// and the recent output (up to 64 KiB) follows, then live output; so a reload, a daemon restart
// or another tab joining shows the same text. Keystrokes go to POST /api/vms/<id>/console one
// request at a time, in the order typed (live/console-input.ts).
import '@xterm/xterm/css/xterm.css';
import type { ITheme, Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { ConsoleInputQueue, outcomeOfResponse, type InputState } from '../lib/live/console-input.ts';
import type { FeedFrame } from '../lib/live/feeds.ts';
import { subscribeFeed } from '../lib/live/shared-stream.ts';

const FONT_FAMILY = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
const FONT_SIZE = 13;
/** Rows shown: a serial console has no window size to follow, so a fixed height; fewer on phones. */
const ROWS = { wide: 24, narrow: 16 };
const MIN_COLS = 20;
/** Room for the scrollbar xterm's viewport draws over the text's right edge (as @xterm/addon-fit leaves). */
const SCROLLBAR_PX = 15;

const THEMES: Record<'light' | 'dark', ITheme> = {
  light: {
    background: '#ffffff',
    foreground: '#18181b',
    cursor: '#18181b',
    cursorAccent: '#ffffff',
    selectionBackground: '#bfdbfe',
  },
  dark: {
    background: '#09090b',
    foreground: '#e4e4e7',
    cursor: '#e4e4e7',
    cursorAccent: '#09090b',
    selectionBackground: '#3f3f46',
  },
};

function scheme(): 'light' | 'dark' {
  return document.documentElement.classList.contains('dark') ? 'dark' : 'light';
}

function decodeBase64(data: string): Uint8Array {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Width of one cell of the terminal's font, measured as xterm lays it out (monospace). */
function cellWidth(): number {
  const context = document.createElement('canvas').getContext('2d');
  if (context === null) return FONT_SIZE * 0.6;
  context.font = `${FONT_SIZE}px ${FONT_FAMILY}`;
  return context.measureText('W'.repeat(32)).width / 32;
}

function inputProblem(state: InputState): string | null {
  switch (state.kind) {
    case 'idle':
    case 'sending':
      return null;
    case 'retrying':
      return `Typing is delayed, retrying: ${state.message}`;
    case 'refused':
      return `${state.droppedBytes} ${state.droppedBytes === 1 ? 'byte was' : 'bytes were'} not typed: ${state.message}`;
  }
}

export function VmConsole({ vmId, vmName, running }: { vmId: string; vmName: string; running: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  /** Frames that came before the terminal was made (xterm loads after the first render). */
  const early = useRef<FeedFrame[]>([]);
  const [ended, setEnded] = useState<string | null>(null);
  const [input, setInput] = useState<InputState>({ kind: 'idle' });

  // The terminal itself, with its input queue, fit and theme.
  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    let disposed = false;
    let cleanup = (): void => {};
    void import('@xterm/xterm').then(({ Terminal }) => {
      if (disposed) return;
      const term = new Terminal({
        fontFamily: FONT_FAMILY,
        fontSize: FONT_SIZE,
        rows: ROWS.wide,
        cols: 80,
        scrollback: 5_000,
        convertEol: false,
        screenReaderMode: true,
        theme: THEMES[scheme()],
      });
      term.open(element);
      term.textarea?.setAttribute('aria-label', `Console input of ${vmName}: keys typed here go to the VM`);
      terminal.current = term;
      for (const frame of early.current) show(term, frame);
      early.current = [];

      const queue = new ConsoleInputQueue({
        send: (bytes) =>
          fetch(`/api/vms/${encodeURIComponent(vmId)}/console`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/octet-stream' },
            body: new Blob([new Uint8Array(bytes)]),
          }).then(outcomeOfResponse),
        onState: setInput,
      });
      const encoder = new TextEncoder();
      const typed = term.onData((data) => queue.push(encoder.encode(data)));
      const binary = term.onBinary((data) => queue.push(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));

      const cell = cellWidth();
      const fit = (): void => {
        // clientWidth counts the padding; the terminal gets the content box.
        const style = getComputedStyle(element);
        const width = element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        if (width <= 0) return;
        const cols = Math.max(MIN_COLS, Math.floor((width - SCROLLBAR_PX) / cell));
        const rows = window.matchMedia('(min-width: 640px)').matches ? ROWS.wide : ROWS.narrow;
        if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
      };
      fit();
      const resized = new ResizeObserver(fit);
      resized.observe(element);
      const themed = new MutationObserver(() => (term.options.theme = THEMES[scheme()]));
      themed.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });

      cleanup = () => {
        queue.stop();
        typed.dispose();
        binary.dispose();
        resized.disconnect();
        themed.disconnect();
        terminal.current = null;
        term.dispose();
      };
    });
    return () => {
      disposed = true;
      cleanup();
    };
  }, [vmId, vmName]);

  // The feed. Switched on again when the VM starts, so its console shows from the first line
  // rather than at the relay's next retry.
  useEffect(() => {
    return subscribeFeed({ kind: 'console', vmId }, (frame) => {
      if (frame.kind === 'console-end') setEnded(frame.reason);
      else if (frame.kind === 'console') setEnded(null);
      const term = terminal.current;
      if (term === null) early.current.push(frame);
      else show(term, frame);
    });
  }, [vmId, running]);

  const problem = inputProblem(input);
  return (
    <section
      aria-label="Console"
      className="rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-950"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Console</h2>
        <p className="text-xs text-zinc-500 dark:text-zinc-400" role="status">
          {ended !== null
            ? `console ended: ${ended}`
            : running
              ? 'Serial console: click in it and type.'
              : 'The VM is not running: its console shows here once it starts.'}
        </p>
      </div>
      <div
        ref={host}
        role="group"
        aria-label={`Serial console of ${vmName}`}
        className="overflow-hidden px-2 py-2 [&_.xterm]:outline-none"
      />
      {problem !== null ? (
        <p
          role="alert"
          className="border-t border-zinc-200 px-4 py-2 text-sm text-red-700 dark:border-zinc-800 dark:text-red-400"
        >
          {problem}
        </p>
      ) : null}
    </section>
  );
}

function show(term: Terminal, frame: FeedFrame): void {
  switch (frame.kind) {
    case 'console':
      if (frame.restart) term.reset();
      term.write(decodeBase64(frame.data));
      return;
    case 'console-end':
    case 'vm-stats':
      return;
  }
}
