// Property tests: round trips for arbitrary valid packets, and totality of decode on any bytes.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decode, encode, PacketError, type Packet } from './index.ts';
import { arbitraryPacket } from './testing/arbitrary.ts';
import { fixtureHex } from './testing/wire.ts';

/** Large enough that nothing is moved or dropped: the round trip must be exact. */
const ROOMY = { maxMessageSize: 65_535 };

function decoded(bytes: Uint8Array): Packet {
  const packet = decode(bytes);
  if (packet instanceof PacketError) assert.fail(packet.message);
  return packet;
}

/**
 * decode() turns any stray exception into a catch-all PacketError ("cannot be decoded"), so
 * "returns a value" alone could never fail. Totality means every rejection is one the codec
 * meant: a PacketError naming a real field, never the catch-all.
 */
function assertDecodedOrRejected(bytes: Uint8Array): void {
  const result = decode(bytes);
  if (result instanceof PacketError)
    assert.doesNotMatch(result.message, /cannot be decoded/, `unexpected exception inside decode: ${result.message}`);
  else assert.ok(Array.isArray(result.options.parameterRequestList ?? []) && result.options.other instanceof Map);
}

const fixtures = ['udhcpc', 'dhclient', 'dhcpcd', 'dhcpcd-fqdn', 'dhclient-fqdn'].map((name) =>
  fixtureHex(readFileSync(new URL(`./testdata/${name}.hex`, import.meta.url), 'utf8')),
);

describe('round trip', () => {
  test('decode(encode(p)) equals p for any valid packet', () => {
    fc.assert(
      fc.property(arbitraryPacket, (packet) => {
        assert.deepEqual(decoded(encode(packet, ROOMY)), packet);
      }),
      { numRuns: 500 },
    );
  });

  test('under the default 548-byte limit, what survives is unchanged and only 53/54/61/82 may overflow', () => {
    fc.assert(
      fc.property(arbitraryPacket, (packet) => {
        const bytes = encode(packet);
        const result = decoded(bytes);
        assert.equal(result.xid, packet.xid);
        assert.equal(result.sname, packet.sname);
        assert.equal(result.file, packet.file);
        for (const [key, value] of Object.entries(result.options)) {
          if (key === 'other') continue;
          assert.deepEqual(value, packet.options[key as keyof typeof packet.options], key);
        }
        for (const [code, value] of result.options.other) assert.deepEqual(value, packet.options.other.get(code));
        for (const key of ['messageType', 'serverId', 'clientId', 'relayAgentInfo'] as const) {
          assert.deepEqual(result.options[key], packet.options[key], `${key} is never dropped`);
        }
        if (bytes.length > 548) {
          const kept = Object.keys(result.options).filter((k) => k !== 'other');
          assert.ok(
            kept.every((k) => ['messageType', 'serverId', 'clientId', 'relayAgentInfo'].includes(k)),
            kept.join(),
          );
          assert.equal(result.options.other.size, 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('any packet decode accepts re-encodes, and decodes to the same packet again', () => {
    const mutated = fc.tuple(fc.constantFrom(...fixtures), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }));
    fc.assert(
      fc.property(mutated, ([fixture, edits]) => {
        const bytes = fixture.slice();
        for (const [at, value] of edits) bytes[240 + (at % (bytes.length - 240))] = value;
        const first = decode(bytes);
        if (first instanceof PacketError) return;
        assert.deepEqual(decoded(encode(first, ROOMY)), first);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decode is total', () => {
  test('arbitrary bytes give a Packet or a PacketError, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        assertDecodedOrRejected(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  test('a valid header and cookie followed by arbitrary option bytes', () => {
    const header = fixtures[0]!.subarray(0, 240);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(0, 1, 2, 3), (options, overload) => {
        const bytes = new Uint8Array(240 + 3 + options.length);
        bytes.set(header);
        bytes.set([52, 1, overload], 240);
        bytes.set(options, 243);
        // Random file and sname contents too, read when overload says so.
        bytes.set(options.subarray(0, 192), 44);
        assertDecodedOrRejected(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  test('mutations and truncations of valid packets', () => {
    const sources = fc.oneof(
      fc.constantFrom(...fixtures),
      arbitraryPacket.map((p) => encode(p, ROOMY)),
    );
    fc.assert(
      fc.property(
        sources,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }),
        fc.nat(),
        (source, edits, cut) => {
          const bytes = source.slice(0, cut % (source.length + 1));
          for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
          assertDecodedOrRejected(bytes);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('every truncation point', () => {
  /** Index just past the options field's END. */
  function endOfOptions(bytes: Uint8Array): number {
    let at = 240;
    while (bytes[at] !== 255) at += bytes[at] === 0 ? 1 : 2 + bytes[at + 1]!;
    return at + 1;
  }

  const cases: [string, Uint8Array][] = [
    ...fixtures.map((bytes, i) => [`captured fixture ${i}`, bytes] as [string, Uint8Array]),
    [
      'an overloaded reply',
      encode(
        {
          op: 2,
          htype: 1,
          hlen: 6,
          hops: 0,
          xid: 7,
          secs: 0,
          flags: 0,
          ciaddr: 0,
          yiaddr: 1,
          siaddr: 0,
          giaddr: 0,
          chaddr: new Uint8Array(6),
          sname: '',
          file: '',
          options: {
            messageType: 5,
            serverId: 9,
            hostName: 'h'.repeat(60),
            message: 'm'.repeat(100),
            other: new Map(),
          },
        },
        { maxMessageSize: 300 },
      ),
    ],
  ];

  for (const [name, bytes] of cases) {
    test(`${name}: an error before END, the same packet from END on`, () => {
      const whole = decoded(bytes);
      const end = endOfOptions(bytes);
      for (let length = 0; length <= bytes.length; length++) {
        const result = decode(bytes.subarray(0, length));
        if (length < end) assert.ok(result instanceof PacketError, `length ${length} should fail`);
        else assert.deepEqual(result, whole, `length ${length} only drops padding`);
      }
    });
  }
});
