// QMP on the wire (QEMU docs/interop/qmp-spec): UTF-8 JSON objects, one per line. QEMU ends each
// message with "\r\n"; it accepts our commands with a plain "\n". Four kinds of server message:
//   greeting  {"QMP": {"version": {"qemu": {"major", "minor", "micro"}, "package"}, "capabilities": [...]}}
//   success   {"return": <any>, "id": <ours>}
//   error     {"error": {"class": "GenericError", "desc": "..."}, "id": <ours>}  (no id if our JSON was unreadable)
//   event     {"event": "STOP", "data": {...}?, "timestamp": {"seconds", "microseconds"}}
import { QmpProtocolError } from './errors.ts';

export type QmpMessage =
  | {
      kind: 'greeting';
      version: { major: number; minor: number; micro: number };
      package: string;
      capabilities: string[];
    }
  | { kind: 'return'; id: unknown; value: unknown }
  | { kind: 'error'; id: unknown; errorClass: string; desc: string }
  | { kind: 'event'; event: string; data: Record<string, unknown>; timestampMicros: number };

/** Replies to query-qmp-schema run to a few hundred KiB; anything near this limit is not QEMU. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** Reassembles lines from socket chunks split anywhere (also inside a multi-byte character). */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** The complete lines in this chunk (without "\r\n"); throws QmpProtocolError past MAX_LINE_BYTES. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.pending.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      start = nl + 1;
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (text.trim() !== '') lines.push(text);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > MAX_LINE_BYTES)
        throw new QmpProtocolError(`QMP line longer than ${MAX_LINE_BYTES} bytes`);
    }
    return lines;
  }
}

/** One command line: {"execute", "arguments"?, "id"}. */
export function encodeCommand(id: number, execute: string, args?: Record<string, unknown>): Buffer {
  const message = args === undefined ? { execute, id } : { execute, arguments: args, id };
  return Buffer.from(`${JSON.stringify(message)}\n`, 'utf8');
}

/** One server line as a message, or the QmpProtocolError saying why it is none. */
export function parseMessage(line: string): QmpMessage | QmpProtocolError {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return new QmpProtocolError(`QMP line is not JSON: ${preview(line)}`);
  }
  if (!isObject(value)) return new QmpProtocolError(`QMP line is not a JSON object: ${preview(line)}`);
  if (isObject(value.QMP)) return greeting(value.QMP, line);
  if (Object.hasOwn(value, 'return')) return { kind: 'return', id: value.id, value: value.return };
  if (isObject(value.error)) {
    const { class: errorClass, desc } = value.error;
    return { kind: 'error', id: value.id, errorClass: String(errorClass ?? 'unknown'), desc: String(desc ?? '') };
  }
  if (typeof value.event === 'string') {
    const ts = isObject(value.timestamp) ? value.timestamp : {};
    const micros = Number(ts.seconds ?? 0) * 1_000_000 + Number(ts.microseconds ?? 0);
    return { kind: 'event', event: value.event, data: isObject(value.data) ? value.data : {}, timestampMicros: micros };
  }
  return new QmpProtocolError(`QMP message of no known kind: ${preview(line)}`);
}

function greeting(qmp: Record<string, unknown>, line: string): QmpMessage | QmpProtocolError {
  const version = isObject(qmp.version) ? qmp.version : {};
  const qemu = isObject(version.qemu) ? version.qemu : null;
  if (qemu === null) return new QmpProtocolError(`QMP greeting without a version: ${preview(line)}`);
  return {
    kind: 'greeting',
    version: { major: Number(qemu.major), minor: Number(qemu.minor), micro: Number(qemu.micro) },
    package: String(version.package ?? ''),
    capabilities: Array.isArray(qmp.capabilities) ? qmp.capabilities.map(String) : [],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(line: string): string {
  return line.length > 120 ? `${line.slice(0, 120)}...` : line;
}
