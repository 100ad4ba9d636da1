// Client FQDN option 81 (RFC 4702): both name encodings, in and out.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, emptyOptions, encode, PacketError, type ClientFqdn } from './index.ts';
import { requestHeader } from './testing/wire.ts';

function decodeFqdn(data: number[]): ClientFqdn | undefined {
  const result = decode(requestHeader().option(53, [1]).option(81, data).u8(255).build());
  if (result instanceof PacketError) assert.fail(result.message);
  return result.options.clientFqdn;
}

/** The option 81 data encode() writes for a value. */
function encodeFqdn(clientFqdn: ClientFqdn): number[] {
  const bytes = encode({
    op: 2,
    htype: 1,
    hlen: 0,
    hops: 0,
    xid: 0,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: 0,
    chaddr: new Uint8Array(0),
    sname: '',
    file: '',
    options: { ...emptyOptions(), clientFqdn },
  });
  assert.equal(bytes[240], 81);
  return [...bytes.subarray(242, 242 + bytes[241]!)];
}

const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];

describe('client FQDN', () => {
  test('wire format, fully qualified: labels then the root label', () => {
    assert.deepEqual(decodeFqdn([0x05, 0, 0, 3, ...ascii('nas'), 3, ...ascii('lab'), 0]), {
      flags: 0x05,
      rcode1: 0,
      rcode2: 0,
      name: 'nas.lab',
    });
  });

  test('wire format, partial name: no root label', () => {
    assert.equal(decodeFqdn([0x04, 0, 0, 3, ...ascii('nas')])?.name, 'nas');
  });

  test('wire format, empty name (only the root label, or nothing)', () => {
    assert.equal(decodeFqdn([0x04, 0, 0, 0])?.name, '');
    assert.equal(decodeFqdn([0x04, 0, 0])?.name, '');
  });

  test('ASCII form: the trailing dot and C terminators are dropped', () => {
    assert.equal(decodeFqdn([0x01, 0xff, 0xff, ...ascii('nas.lab.')])?.name, 'nas.lab');
    assert.equal(decodeFqdn([0x01, 0, 0, ...ascii('nas.lab.'), 0])?.name, 'nas.lab');
    assert.equal(decodeFqdn([0x00, 0, 0, ...ascii('nas')])?.name, 'nas');
  });

  test('RCODE1 and RCODE2 are kept as sent', () => {
    const fqdn = decodeFqdn([0x01, 0xff, 0x7f, ...ascii('a')]);
    assert.equal(fqdn?.rcode1, 0xff);
    assert.equal(fqdn?.rcode2, 0x7f);
  });

  test('encodes wire format fully qualified when E is set', () => {
    assert.deepEqual(encodeFqdn({ flags: 0x0d, rcode1: 0, rcode2: 0, name: 'nas.lab.home' }), [
      0x0d,
      0,
      0,
      3,
      ...ascii('nas'),
      3,
      ...ascii('lab'),
      4,
      ...ascii('home'),
      0,
    ]);
    assert.deepEqual(encodeFqdn({ flags: 0x04, rcode1: 0, rcode2: 0, name: 'nas.' }), [
      0x04,
      0,
      0,
      3,
      ...ascii('nas'),
      0,
    ]);
    assert.deepEqual(encodeFqdn({ flags: 0x04, rcode1: 0, rcode2: 0, name: '' }), [0x04, 0, 0]);
  });

  test('encodes ASCII text as given when E is clear', () => {
    assert.deepEqual(encodeFqdn({ flags: 0x01, rcode1: 255, rcode2: 255, name: 'nas.lab' }), [
      0x01,
      255,
      255,
      ...ascii('nas.lab'),
    ]);
  });
});
