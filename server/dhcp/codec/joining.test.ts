// RFC 3396 joining under hostile input: the instances of a code are concatenated in the order
// options, file, sname (RFC 3396 6, RFC 2131 4.1), and the work is linear in the message: each
// received data byte is copied once, however many instances carry it. Work is counted in bytes
// copied (testing/copies.ts), not timed; the time is in testing/bench.ts.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode, PacketError, type Packet } from './index.ts';
import { countCopies } from './testing/copies.ts';
import { MAX_UDP_PAYLOAD, oneByteInstances, RAW_CODES } from './testing/hostile.ts';
import { requestHeader, Wire } from './testing/wire.ts';

/** requestHeader()'s chaddr: decode copies hlen bytes of it. */
const CHADDR_BYTES = 6;

function decodedCountingCopies(bytes: Uint8Array): { packet: Packet; copied: number } {
  const { result, bytes: copied } = countCopies(() => decode(bytes));
  if (result instanceof PacketError) assert.fail(result.message);
  return { packet: result, copied };
}

/** Instances after the DISCOVER's 53 in a oneByteInstances() datagram. */
function instanceCount(bytes: Uint8Array): number {
  let count = 0;
  for (let at = 243; bytes[at] !== 255; at += 2 + bytes[at + 1]!) count++;
  return count;
}

describe('joining many instances of a code', () => {
  test('a maximal datagram of 1-byte instances of one raw code: joined in order, each byte copied once', () => {
    const bytes = oneByteInstances(() => 224);
    const n = instanceCount(bytes);
    assert.equal(bytes.length, MAX_UDP_PAYLOAD);
    assert.equal(n, 21_754);
    const { packet, copied } = decodedCountingCopies(bytes);
    assert.deepEqual(
      packet.options.other.get(224),
      Uint8Array.from({ length: n }, (_, i) => i & 0xff),
    );
    assert.equal(copied, CHADDR_BYTES + n, 'chaddr, then each instance byte once');
  });

  test('a maximal datagram of 1-byte instances of every raw code in turn: each code joined once', () => {
    const codeOf = (i: number) => RAW_CODES[i % RAW_CODES.length]!;
    const bytes = oneByteInstances(codeOf);
    const n = instanceCount(bytes);
    const expected = new Map<number, number[]>();
    for (let i = 0; i < n; i++) expected.set(codeOf(i), [...(expected.get(codeOf(i)) ?? []), i & 0xff]);
    const { packet, copied } = decodedCountingCopies(bytes);
    assert.deepEqual(packet.options.other, new Map([...expected].map(([code, data]) => [code, Uint8Array.from(data)])));
    assert.equal(copied, CHADDR_BYTES + n);
  });

  test('a typed opaque option (61) in 1-byte pieces: joined once, then copied out of the join once', () => {
    const bytes = oneByteInstances(() => 61);
    const n = instanceCount(bytes);
    const { packet, copied } = decodedCountingCopies(bytes);
    assert.equal(packet.options.clientId?.length, n);
    assert.ok(copied <= CHADDR_BYTES + 2 * n, `${copied} bytes copied for ${n} data bytes`);
  });

  test('pieces in options, file and sname (overload 3) join in that order, each copied once', () => {
    const header = requestHeader().build().subarray(0, 44);
    const bytes = new Wire()
      .bytes(header) // op .. chaddr
      .bytes(new Wire().option(224, [0x63]).u8(255).padTo(64).build()) // sname: 224 "c", END
      .bytes(new Wire().option(224, [0x62]).option(225, [0x79]).u8(255).padTo(128).build()) // file: 224 "b", 225 "y", END
      .cookie()
      .option(53, [1]) // message type: DISCOVER
      .option(52, [3]) // overload: file and sname
      .option(225, [0x78]) // 225 "x"
      .option(224, [0x61]) // 224 "a"
      .u8(255) // END
      .build();
    const { packet, copied } = decodedCountingCopies(bytes);
    assert.deepEqual(
      packet.options.other,
      new Map([
        [225, Uint8Array.from(Buffer.from('xy'))],
        [224, Uint8Array.from(Buffer.from('abc'))],
      ]),
    );
    assert.equal(copied, CHADDR_BYTES + 5);
  });
});

/** One instance: PADs before it, its code (a few raw codes, so codes repeat) and its data. */
interface Piece {
  pads: number;
  code: number;
  data: Uint8Array;
}

const piece: fc.Arbitrary<Piece> = fc.record({
  pads: fc.integer({ min: 0, max: 2 }),
  code: fc.constantFrom(224, 225, 250, 254),
  data: fc.uint8Array({ maxLength: 12 }),
});

/** The instances that fit in `room` bytes, in order. */
function fitting(instances: Piece[], room: number): Piece[] {
  let used = 0;
  return instances.filter((i) => {
    const size = i.pads + 2 + i.data.length;
    if (used + size > room) return false;
    used += size;
    return true;
  });
}

function field(instances: Piece[], size: number): Uint8Array {
  const wire = new Wire();
  for (const i of instances) wire.zeros(i.pads).option(i.code, i.data);
  return wire.u8(255).padTo(size).build();
}

describe('property: any instances over options, file and sname', () => {
  test("decode to each code's data joined in field order, every data byte copied exactly once", () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.array(piece),
        fc.array(piece),
        (inOptions, inFile, inSname) => {
          const file = fitting(inFile, 127); // 128 bytes, END included
          const sname = fitting(inSname, 63); // 64 bytes, END included
          const options = new Wire().option(52, [3]); // overload: file and sname
          for (const i of inOptions) options.zeros(i.pads).option(i.code, i.data);
          const bytes = new Wire()
            .bytes(requestHeader().build().subarray(0, 44)) // op .. chaddr
            .bytes(field(sname, 64))
            .bytes(field(file, 128))
            .cookie()
            .bytes(options.u8(255).build())
            .build();
          const expected = new Map<number, number[]>();
          for (const i of [...inOptions, ...file, ...sname])
            expected.set(i.code, [...(expected.get(i.code) ?? []), ...i.data]);
          const { packet, copied } = decodedCountingCopies(bytes);
          assert.deepEqual(
            packet.options.other,
            new Map([...expected].map(([code, data]) => [code, Uint8Array.from(data)])),
          );
          const dataBytes = [...expected.values()].reduce((sum, data) => sum + data.length, 0);
          assert.equal(copied, CHADDR_BYTES + dataBytes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
