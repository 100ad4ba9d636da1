import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteRing } from './byte-ring.ts';

test('holds exactly the last `capacity` bytes of any sequence of chunks', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 64 }),
      fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 30 }),
      (capacity, chunks) => {
        const ring = new ByteRing(capacity);
        for (const c of chunks) ring.push(Buffer.from(c));
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        const expected = all.subarray(Math.max(0, all.length - capacity));
        assert.deepEqual(ring.contents(), expected);
        assert.equal(ring.length, expected.length);
      },
    ),
  );
});

test('contents is a copy: later pushes and changes to it do not alter what was returned', () => {
  const ring = new ByteRing(4);
  ring.push(Buffer.from('abc'));
  const before = ring.contents();
  ring.push(Buffer.from('def'));
  assert.equal(before.toString(), 'abc');
  assert.equal(ring.contents().toString(), 'cdef');
});
