import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytesToHex, hexToBytes, macToString, PacketError } from './index.ts';

describe('hex helpers', () => {
  test('macToString: lower-case, colon-separated', () => {
    assert.equal(macToString(Uint8Array.from([0x52, 0x54, 0x00, 0xaa, 0xbb, 0x0c])), '52:54:00:aa:bb:0c');
    assert.equal(macToString(new Uint8Array(0)), '');
  });

  test('bytesToHex respects the view it is given', () => {
    const bytes = Uint8Array.from([0xff, 0x01, 0xab, 0xff]);
    assert.equal(bytesToHex(bytes.subarray(1, 3)), '01ab');
  });

  test('bytesToHex: two lower-case digits a byte, short (table) and long (Buffer) alike, and hexToBytes reverses it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(8), (data, skip) => {
        const view = data.subarray(Math.min(skip, data.length));
        const hex = bytesToHex(view);
        assert.match(hex, /^(?:[0-9a-f]{2})*$/);
        assert.equal(hex.length, view.length * 2);
        assert.deepEqual(hexToBytes(hex), Uint8Array.from(view));
      }),
    );
  });

  test('hexToBytes accepts plain, colon and dash forms, any case', () => {
    for (const text of ['01aaBB', '01:aa:bb', '01-AA-bb'])
      assert.deepEqual(hexToBytes(text), Uint8Array.from([1, 0xaa, 0xbb]));
    assert.deepEqual(hexToBytes(''), new Uint8Array(0));
  });

  test('hexToBytes rejects bad digits and odd lengths with PacketError', () => {
    for (const text of ['0g', 'abc', '01 02']) {
      assert.throws(
        () => hexToBytes(text),
        (e: unknown) => e instanceof PacketError && e.field === 'hex',
      );
    }
  });
});
