// Malformed requests for the conformance suite, each derived from a valid DISCOVER by one defect,
// so the daemon's drop can only be due to that defect. The codec's own table
// (codec/malformed.test.ts) checks the exact errors; here the point is the daemon's behaviour.

export interface MalformedRequest {
  why: string;
  bytes: Uint8Array;
}

const HEADER_AND_COOKIE = 240;
const DISCOVER_TYPE = [53, 1, 1];
const END = 255;

/** @param discover a valid encoded DISCOVER (options start at byte 240) */
export function malformedRequests(discover: Uint8Array): MalformedRequest[] {
  const header = discover.subarray(0, HEADER_AND_COOKIE);
  const withOptions = (options: number[]): Uint8Array => Uint8Array.from([...header, ...options]);
  const patched = (offset: number, value: number): Uint8Array => {
    const copy = Uint8Array.from(discover);
    copy[offset] = value;
    return copy;
  };
  return [
    { why: 'truncated inside the header', bytes: discover.slice(0, 100) },
    // Option 61 claims 20 bytes; 3 follow.
    { why: 'option length past the end', bytes: withOptions([...DISCOVER_TYPE, 61, 20, 1, 2, 3]) },
    { why: 'no END option', bytes: withOptions([...DISCOVER_TYPE, ...new Array<number>(40).fill(0)]) },
    { why: 'hlen 17 (chaddr is 16 bytes)', bytes: patched(2, 17) },
    {
      why: 'non-zero byte after END',
      bytes: withOptions([...DISCOVER_TYPE, END, ...new Array<number>(10).fill(0), 7, 0, 0]),
    },
    { why: 'op 3 (neither BOOTREQUEST nor BOOTREPLY)', bytes: patched(0, 3) },
    { why: 'magic cookie 99.130.83.98', bytes: patched(239, 98) },
    { why: '300 random bytes', bytes: randomBytes(300, 0x5eed) },
  ];
}

/** Deterministic noise (xorshift32), so a failure can be replayed. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}
