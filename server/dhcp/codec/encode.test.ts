// encode(): RFC 3396 splitting, option order with raw options, and the packets it refuses.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, emptyOptions, encode, MessageType, PacketError, type DhcpOptions, type Packet } from './index.ts';
import { Wire } from './testing/wire.ts';

function packet(options: Partial<DhcpOptions> = {}, header: Partial<Packet> = {}): Packet {
  return {
    op: 2,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 1,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: 0,
    chaddr: Uint8Array.from([1, 2, 3, 4, 5, 6]),
    sname: '',
    file: '',
    ...header,
    options: { ...emptyOptions(), ...options },
  };
}

/** The options field of an encoded message, up to and including END. */
function optionsField(bytes: Uint8Array): number[] {
  const all = [...bytes.subarray(240)];
  let at = 0;
  while (all[at] !== 255) at += 2 + all[at + 1]!;
  return all.slice(0, at + 1);
}

describe('RFC 3396 long options', () => {
  const long = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);

  test('a 300-byte value goes out as instances of 255 and 45 bytes', () => {
    const bytes = encode(packet({ other: new Map([[224, long]]) }), { maxMessageSize: 1500 });
    const expected = new Wire()
      .option(224, long.subarray(0, 255)) // first instance: 255 bytes
      .option(224, long.subarray(255)) // second instance: the remaining 45
      .u8(255) // END
      .build();
    assert.deepEqual(optionsField(bytes), [...expected]);
  });

  test('a value of exactly 255 bytes stays one instance', () => {
    const bytes = encode(packet({ other: new Map([[224, long.subarray(0, 255)]]) }), { maxMessageSize: 1500 });
    assert.deepEqual(optionsField(bytes), [224, 255, ...long.subarray(0, 255), 255]);
  });

  test('split typed values (70 routers = 280 bytes) join back on decode', () => {
    const routers = Array.from({ length: 70 }, (_, i) => 0x0a000001 + i);
    const bytes = encode(packet({ routers }), { maxMessageSize: 1500 });
    assert.deepEqual(optionsField(bytes).slice(0, 2), [3, 255]);
    const result = decode(bytes);
    assert.ok(!(result instanceof PacketError));
    assert.deepEqual(result.options.routers, routers);
  });

  test('an empty value is one instance of length 0', () => {
    const bytes = encode(packet({ other: new Map([[80, new Uint8Array(0)]]) })); // rapid commit (RFC 4039)
    assert.deepEqual(optionsField(bytes), [80, 0, 255]);
  });
});

describe('option order', () => {
  test('raw options merge into the ascending order; 82 stays last', () => {
    const bytes = encode(
      packet({
        relayAgentInfo: Uint8Array.from([1, 1, 9]),
        other: new Map([
          [250, Uint8Array.from([1])],
          [2, Uint8Array.from([0, 0, 0, 0])],
          [100, Uint8Array.from([2])],
        ]),
        leaseTime: 60,
        serverId: 0x0a000001,
        messageType: MessageType.Ack,
        subnetMask: 0xffffff00,
      }),
    );
    const codes: number[] = [];
    const field = optionsField(bytes);
    for (let at = 0; field[at] !== 255; at += 2 + field[at + 1]!) codes.push(field[at]!);
    assert.deepEqual(codes, [53, 54, 1, 2, 51, 100, 250, 82]);
  });
});

describe('packets with no wire form', () => {
  const cases: { why: string; packet: Packet; field: string }[] = [
    { why: 'chaddr of 17 bytes', packet: packet({}, { chaddr: new Uint8Array(17), hlen: 16 }), field: 'chaddr' },
    { why: 'hlen 17', packet: packet({}, { hlen: 17 }), field: 'hlen' },
    { why: 'op 0', packet: packet({}, { op: 0 }), field: 'op' },
    { why: 'xid beyond 32 bits', packet: packet({}, { xid: 2 ** 32 }), field: 'xid' },
    { why: 'negative secs', packet: packet({}, { secs: -1 }), field: 'secs' },
    { why: 'fractional yiaddr', packet: packet({}, { yiaddr: 1.5 }), field: 'yiaddr' },
    { why: 'sname of 65 bytes', packet: packet({}, { sname: 's'.repeat(65) }), field: 'sname' },
    { why: 'file of 129 bytes', packet: packet({}, { file: 'f'.repeat(129) }), field: 'file' },
    { why: 'sname beyond Latin-1', packet: packet({}, { sname: 'π' }), field: 'sname' },
    { why: 'empty router list', packet: packet({ routers: [] }), field: 'option 3' },
    { why: 'lease time beyond 32 bits', packet: packet({ leaseTime: 2 ** 32 }), field: 'option 51' },
    { why: 'MTU beyond 16 bits', packet: packet({ interfaceMtu: 70000 }), field: 'option 26' },
    { why: 'message type 256', packet: packet({ messageType: 256 as MessageType }), field: 'option 53' },
    { why: 'parameter code 300', packet: packet({ parameterRequestList: [1, 300] }), field: 'option 55' },
    { why: 'raw option 0 (PAD)', packet: packet({ other: new Map([[0, new Uint8Array(1)]]) }), field: 'option 0' },
    {
      why: 'raw option 52 (overload)',
      packet: packet({ other: new Map([[52, Uint8Array.from([1])]]) }),
      field: 'option 52',
    },
    {
      why: 'raw option 255 (END)',
      packet: packet({ other: new Map([[255, new Uint8Array(0)]]) }),
      field: 'option 255',
    },
    { why: 'raw option 256', packet: packet({ other: new Map([[256, new Uint8Array(0)]]) }), field: 'option 256' },
    { why: 'a typed code sent raw', packet: packet({ other: new Map([[51, new Uint8Array(4)]]) }), field: 'option 51' },
    {
      why: 'FQDN label of 64 bytes',
      packet: packet({ clientFqdn: { flags: 4, rcode1: 0, rcode2: 0, name: `${'a'.repeat(64)}.lab` } }),
      field: 'option 81',
    },
    {
      why: 'FQDN with an empty label',
      packet: packet({ clientFqdn: { flags: 4, rcode1: 0, rcode2: 0, name: 'a..lab' } }),
      field: 'option 81',
    },
    {
      why: 'FQDN name beyond Latin-1',
      packet: packet({ clientFqdn: { flags: 0, rcode1: 0, rcode2: 0, name: 'bücher.例' } }),
      field: 'option 81',
    },
    {
      why: 'FQDN flags beyond one octet',
      packet: packet({ clientFqdn: { flags: 256, rcode1: 0, rcode2: 0, name: 'a' } }),
      field: 'option 81',
    },
  ];

  for (const c of cases) {
    test(c.why, () => {
      assert.throws(
        () => encode(c.packet),
        (error: unknown) => {
          assert.ok(error instanceof PacketError, String(error));
          assert.equal(error.field, c.field, error.message);
          return true;
        },
      );
    });
  }

  test('a 64-byte sname and a 128-byte file fill their fields exactly, without NUL', () => {
    const p = packet({}, { sname: 's'.repeat(64), file: 'f'.repeat(128) });
    const result = decode(encode(p));
    assert.ok(!(result instanceof PacketError));
    assert.equal(result.sname, p.sname);
    assert.equal(result.file, p.file);
  });
});
