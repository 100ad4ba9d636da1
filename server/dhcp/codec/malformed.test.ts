// Malformed messages: each yields a PacketError naming the field (and offset) at fault.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, PacketError } from './index.ts';
import { requestHeader, Wire } from './testing/wire.ts';

/** A header whose bytes are patched after building (op, hlen, cookie). */
function patched(offset: number, ...values: number[]): Uint8Array {
  const bytes = requestHeader().option(53, [1]).u8(255).padTo(300).build();
  bytes.set(values, offset);
  return bytes;
}

/** A request header followed by the given option bytes. */
function withOptions(build: (wire: Wire) => Wire): Uint8Array {
  return build(requestHeader()).build();
}

/** A header whose file (and sname) fields carry the given bytes, options pointing at them. */
function overloaded(file: number[], sname: number[] = []): Uint8Array {
  const bytes = requestHeader()
    .option(53, [1])
    .option(52, [sname.length > 0 ? 3 : 1])
    .u8(255)
    .build();
  bytes.set(file, 108);
  bytes.set(sname, 44);
  return bytes;
}

interface Case {
  why: string;
  bytes: Uint8Array;
  field: string;
  offset?: number;
  message?: RegExp;
}

const CASES: Case[] = [
  { why: 'empty input', bytes: new Uint8Array(0), field: 'packet', offset: 0 },
  { why: 'truncated inside the header', bytes: requestHeader().build().subarray(0, 100), field: 'packet' },
  {
    why: 'truncated before the cookie ends',
    bytes: requestHeader().build().subarray(0, 239),
    field: 'packet',
    offset: 239,
  },
  {
    why: 'wrong magic cookie',
    bytes: patched(236, 99, 130, 83, 98),
    field: 'cookie',
    offset: 236,
    message: /0x63825362/,
  },
  { why: 'op 0', bytes: patched(0, 0), field: 'op', offset: 0 },
  { why: 'op 3', bytes: patched(0, 3), field: 'op', offset: 0 },
  { why: 'hlen 17', bytes: patched(2, 17), field: 'hlen', offset: 2, message: /17 exceeds/ },
  {
    why: 'header and cookie but no options at all',
    bytes: requestHeader().build(),
    field: 'options',
    offset: 240,
    message: /no END/,
  },
  {
    why: 'option length runs past the buffer',
    bytes: withOptions((w) => w.option(53, [1]).u8(61, 20, 1, 2, 3)),
    field: 'options',
    offset: 245,
    message: /option 61 data needs 20 byte\(s\), 3 left in the options field at offset 245/,
  },
  {
    why: 'option code with no length byte',
    bytes: withOptions((w) => w.option(53, [1]).u8(12)),
    field: 'options',
    offset: 244,
  },
  { why: 'missing END', bytes: withOptions((w) => w.option(53, [1]).zeros(40)), field: 'options', message: /no END/ },
  {
    why: 'garbage after END',
    bytes: withOptions((w) => w.option(53, [1]).u8(255).zeros(10).u8(7).zeros(5)),
    field: 'options',
    offset: 254,
    message: /non-zero byte 7 after END/,
  },
  {
    why: 'lease time of 3 bytes',
    bytes: withOptions((w) => w.option(53, [1]).u8(0).option(51, [0, 0, 1]).u8(255)),
    field: 'option 51',
    offset: 244,
    message: /^option 51 \(lease time\): length 3, expected 4 at offset 244$/,
  },
  {
    why: 'message type of 2 bytes',
    bytes: withOptions((w) => w.option(53, [1, 1]).u8(255)),
    field: 'option 53',
    offset: 240,
  },
  { why: 'server id of 0 bytes', bytes: withOptions((w) => w.option(54, []).u8(255)), field: 'option 54' },
  { why: 'max message size of 1 byte', bytes: withOptions((w) => w.option(57, [2]).u8(255)), field: 'option 57' },
  {
    why: 'routers not a multiple of 4',
    bytes: withOptions((w) => w.option(3, [10, 0, 0, 1, 10, 0]).u8(255)),
    field: 'option 3',
  },
  { why: 'empty DNS server list', bytes: withOptions((w) => w.option(6, []).u8(255)), field: 'option 6' },
  {
    why: 'lease time repeated: instances join to 8 bytes (RFC 3396)',
    bytes: withOptions((w) => w.option(51, [0, 0, 0, 1]).option(51, [0, 0, 0, 2]).u8(255)),
    field: 'option 51',
    offset: 240,
    message: /length 8, expected 4/,
  },
  {
    why: 'client FQDN shorter than 3 bytes',
    bytes: withOptions((w) => w.option(81, [4, 0]).u8(255)),
    field: 'option 81',
  },
  {
    why: 'client FQDN with a compression pointer',
    bytes: withOptions((w) => w.option(81, [4, 0, 0, 0xc0, 0x0c]).u8(255)),
    field: 'option 81',
    message: /compression/,
  },
  {
    why: 'client FQDN label running past the option',
    bytes: withOptions((w) => w.option(81, [4, 0, 0, 5, 0x61, 0x62]).u8(255)),
    field: 'option 81',
  },
  {
    why: 'client FQDN with bytes after the root label',
    bytes: withOptions((w) => w.option(81, [4, 0, 0, 1, 0x61, 0, 1]).u8(255)),
    field: 'option 81',
  },
  { why: 'overload of 2 bytes', bytes: withOptions((w) => w.option(52, [1, 1]).u8(255)), field: 'option 52' },
  {
    why: 'overload value 4',
    bytes: withOptions((w) => w.option(52, [4]).u8(255)),
    field: 'option 52',
    message: /value 4/,
  },
  {
    why: 'overloaded file without END',
    bytes: overloaded([12, 1, 0x61]),
    field: 'file',
    offset: 236,
    message: /no END/,
  },
  { why: 'overloaded file with garbage after END', bytes: overloaded([255, 0, 9]), field: 'file', offset: 110 },
  {
    why: 'overloaded sname without END',
    bytes: overloaded([255], [12, 1, 0x61]),
    field: 'sname',
    offset: 108,
  },
  {
    why: 'overloaded file option running past the field',
    bytes: overloaded([...new Array(125).fill(0), 12, 9, 0x61]),
    field: 'file',
  },
  { why: 'option 52 inside the file field', bytes: overloaded([52, 1, 1, 255]), field: 'file', offset: 108 },
];

describe('malformed messages', () => {
  for (const c of CASES) {
    test(c.why, () => {
      const result = decode(c.bytes);
      assert.ok(result instanceof PacketError, `expected a PacketError, got ${JSON.stringify(result)}`);
      assert.equal(result.field, c.field, result.message);
      if (c.offset !== undefined) assert.equal(result.offset, c.offset, result.message);
      if (c.message !== undefined) assert.match(result.message, c.message);
      assert.equal(result.name, 'PacketError');
    });
  }

  test('zero padding after END is accepted', () => {
    const result = decode(withOptions((w) => w.option(53, [1]).u8(255).zeros(60)));
    assert.ok(!(result instanceof PacketError), String(result));
  });

  test('a message of exactly 240 bytes + END is accepted (options need not fill 300 bytes)', () => {
    const result = decode(withOptions((w) => w.u8(255)));
    assert.ok(!(result instanceof PacketError), String(result));
  });
});
