// A guest's serial console as a test reads it: everything the guest printed (CR dropped, so lines
// end in "\n"), waits for a pattern, and input written to the guest.
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';

export interface ConsoleMatch {
  match: RegExpExecArray;
  /** Transcript offset just past the match: pass it as `from` to wait for what comes next. */
  end: number;
  /** When the matched text arrived, in ms since the console was opened (so: since QEMU started). */
  atMs: number;
}

/** The console ended (QEMU exited) or the wait ran out before the pattern showed. */
export class ConsoleWaitError extends Error {
  override readonly name = 'ConsoleWaitError';
}

export class GuestConsole {
  private text = '';
  /** Transcript length after each chunk, and when that chunk arrived. */
  private readonly arrivals: { end: number; at: number }[] = [];
  private wakers: (() => void)[] = [];
  private endedWith: string | null = null;
  readonly openedAt = performance.now();

  constructor(
    output: Readable,
    private readonly input: Writable,
  ) {
    output.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1').replace(/\r/g, '');
      this.arrivals.push({ end: this.text.length, at: performance.now() });
      this.wake();
    });
    input.on('error', () => {}); // QEMU gone: write() calls fail silently, waits say why
  }

  /** Everything printed so far. */
  get transcript(): string {
    return this.text;
  }

  /**
   * The console will print nothing more (its process is gone): waits that have not matched fail
   * with `why`, and lines() ends. The owner calls it, as only it knows why the output stopped.
   */
  end(why: string): void {
    this.endedWith ??= why;
    this.wake();
  }

  /** Types `text` on the console (a shell needs "\n" to run a line). */
  write(text: string): void {
    this.input.write(text);
  }

  /**
   * The first match of `pattern` at offset `from` or later, printed already or yet to come. Only
   * complete lines are searched, so /^leased (\S+)$/m never matches a line that has only partly
   * arrived ("leased 10.123.0.10" of "leased 10.123.0.100"); `partial: true` searches the
   * unfinished last line too (a prompt, which no newline follows).
   */
  async waitFor(
    pattern: RegExp,
    opts: { timeoutMs?: number; from?: number; partial?: boolean } = {},
  ): Promise<ConsoleMatch> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const from = opts.from ?? 0;
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.wake();
    }, timeoutMs);
    try {
      while (true) {
        re.lastIndex = from;
        const searched = opts.partial ? this.text : this.text.slice(0, this.text.lastIndexOf('\n') + 1);
        const match = re.exec(searched);
        if (match !== null) {
          const end = match.index + match[0].length;
          return { match, end, atMs: this.arrivalOf(end) - this.openedAt };
        }
        if (this.endedWith !== null || timedOut) {
          const why = this.endedWith ?? `nothing matched within ${timeoutMs} ms`;
          throw new ConsoleWaitError(`console: no ${pattern} (${why}); last output:\n${this.text.slice(-2_000)}`);
        }
        await new Promise<void>((resolve) => this.wakers.push(resolve));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Complete lines as they arrive, from the first; ends when the console does. */
  async *lines(): AsyncGenerator<string> {
    let pos = 0;
    while (true) {
      const nl = this.text.indexOf('\n', pos);
      if (nl >= 0) {
        yield this.text.slice(pos, nl);
        pos = nl + 1;
        continue;
      }
      if (this.endedWith !== null) {
        if (pos < this.text.length) yield this.text.slice(pos);
        return;
      }
      await new Promise<void>((resolve) => this.wakers.push(resolve));
    }
  }

  private arrivalOf(offset: number): number {
    return this.arrivals.find((a) => a.end >= offset)?.at ?? performance.now();
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }
}
