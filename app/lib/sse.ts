// Server-Sent Events framing (HTML Living Standard, "Server-sent events", 9.2.5-9.2.6): fields
// are "name: value" lines, a blank line ends a message, a line starting with ":" is a comment.
// `id` sets the EventSource's last event ID, which it sends back as Last-Event-ID when it
// reconnects; `retry` sets its reconnection delay in milliseconds.

export interface SseFrame {
  id?: number | string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

export function encodeSseFrame(frame: SseFrame): string {
  const lines: string[] = [];
  if (frame.comment !== undefined) lines.push(...splitLines(frame.comment).map((line) => `: ${line}`));
  if (frame.retry !== undefined) lines.push(`retry: ${Math.max(0, Math.trunc(frame.retry))}`);
  if (frame.id !== undefined) lines.push(`id: ${oneLine(String(frame.id))}`);
  if (frame.event !== undefined) lines.push(`event: ${oneLine(frame.event)}`);
  // A value with line breaks becomes several data lines; the browser joins them with "\n".
  if (frame.data !== undefined) lines.push(...splitLines(frame.data).map((line) => `data: ${line}`));
  return `${lines.join('\n')}\n\n`;
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** id and event must not break the frame (an id containing NUL is ignored by browsers). */
function oneLine(text: string): string {
  return text.replace(/[\r\n\0]/g, ' ');
}

/** The resume point a reconnecting EventSource reports, or the page's own `?since=`. */
export function resumeRevision(lastEventId: string | null, since: string | null): number | { error: string } {
  const text = lastEventId?.trim() || since?.trim() || '0';
  if (!/^\d{1,16}$/.test(text)) {
    return { error: `resume revision "${text}" is not a non-negative integer (Last-Event-ID header or ?since=)` };
  }
  return Number(text);
}
