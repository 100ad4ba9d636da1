import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
