// Client classes at run time: each class's match compiled once (globs to regular expressions)
// into a test over the request; a request's classes are a bit mask (bit i: dhcp.classes[i]).
import type { ClassMatch, ClientClassConfig } from '../config/types.ts';
import type { Packet } from './codec/types.ts';

/** Bits of a 32-bit mask; the schema allows no more classes. */
export const MAX_CLASSES = 31;

const OPTION_USER_CLASS = 77;
const OPTION_CLIENT_ARCH = 93;

type Test = (request: Packet, mac: string) => boolean;

export class ClassMatcher {
  private readonly tests: readonly Test[];

  constructor(classes: readonly ClientClassConfig[]) {
    if (classes.length > MAX_CLASSES) throw new Error(`at most ${MAX_CLASSES} classes, got ${classes.length}`);
    this.tests = classes.map((entry) => compileMatch(entry.match));
  }

  /** The classes the request is in, as a mask; 0 at once when there are none. */
  match(request: Packet, mac: string): number {
    let mask = 0;
    for (let i = 0; i < this.tests.length; i++) if (this.tests[i]!(request, mac)) mask |= 1 << i;
    return mask;
  }
}

/** `*` any run of characters, `?` one; everything else literal. */
export function globToRegExp(glob: string, caseInsensitive = false): RegExp {
  let source = '^';
  for (const char of glob) {
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${source}$`, caseInsensitive ? 'i' : '');
}

function compileMatch(match: ClassMatch): Test {
  const tests: Test[] = [];
  if (match.vendorClass !== null) {
    const pattern = globToRegExp(match.vendorClass);
    tests.push((request) => {
      const sent = request.options.vendorClassId;
      return sent !== undefined && pattern.test(latin1(sent));
    });
  }
  if (match.userClass !== null) {
    const pattern = globToRegExp(match.userClass);
    tests.push((request) => {
      const sent = request.options.other.get(OPTION_USER_CLASS);
      return sent !== undefined && userClasses(sent).some((text) => pattern.test(text));
    });
  }
  if (match.clientArch !== null) {
    const arch = match.clientArch;
    tests.push((request) => {
      const sent = request.options.other.get(OPTION_CLIENT_ARCH);
      if (sent === undefined) return false;
      for (let at = 0; at + 1 < sent.length; at += 2) if (((sent[at]! << 8) | sent[at + 1]!) === arch) return true;
      return false;
    });
  }
  if (match.mac !== null) {
    const pattern = globToRegExp(match.mac);
    tests.push((_request, mac) => pattern.test(mac));
  }
  if (match.hostname !== null) {
    const pattern = globToRegExp(match.hostname, true);
    tests.push((request) => request.options.hostName !== undefined && pattern.test(request.options.hostName));
  }
  if (tests.length === 1) return tests[0]!;
  return (request, mac) => tests.every((test) => test(request, mac));
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * Option 77 as its whole text (iPXE sends a bare "iPXE") and, when it parses as RFC 3004's list
 * of length-prefixed classes, each class in it.
 */
function userClasses(bytes: Uint8Array): string[] {
  const texts = [latin1(bytes)];
  const parts: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = bytes[at]!;
    if (length === 0 || at + 1 + length > bytes.length) return texts;
    parts.push(latin1(bytes.subarray(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  return [...texts, ...parts];
}
