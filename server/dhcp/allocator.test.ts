import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PoolAllocator } from './allocator.ts';

test('a /8 pool: 200,000 distinct addresses, each allocation taking the cursor one step (no scan)', () => {
  const alloc = new PoolAllocator([{ start: 0x0a000001, end: 0x0afffffe }]);
  const used = new Set<number>();
  let looks = 0;
  const check = { isFree: (a: number) => (looks++, !used.has(a)), hasHistory: () => false };
  for (let i = 0; i < 200_000; i++) {
    const a = alloc.allocate(check)!;
    assert.ok(!used.has(a));
    used.add(a);
  }
  assert.equal(looks, 200_000, 'one availability check per allocation: nothing already handed out is looked at again');
  assert.equal(alloc.capacity, 0xfffffe);
});

test('freed addresses come back oldest first, after never-used ones', () => {
  const alloc = new PoolAllocator([{ start: 1, end: 4 }]);
  const used = new Set<number>();
  const check = { isFree: (a: number) => !used.has(a), hasHistory: () => false };
  const take = () => {
    const a = alloc.allocate(check);
    if (a !== null) used.add(a);
    return a;
  };
  assert.deepEqual([take(), take()], [1, 2]);
  used.delete(2);
  alloc.release(2);
  used.delete(1);
  alloc.release(1);
  assert.deepEqual([take(), take(), take(), take(), take()], [3, 4, 2, 1, null]);
});

test('property: never hands out a busy address and finds every free one', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 300 }), (ops) => {
      const alloc = new PoolAllocator([
        { start: 10, end: 20 },
        { start: 30, end: 35 },
      ]);
      const used = new Set<number>();
      const check = { isFree: (a: number) => !used.has(a), hasHistory: () => false };
      for (const [allocate, n] of ops) {
        if (allocate) {
          const a = alloc.allocate(check);
          if (a === null) assert.equal(used.size, 17, 'null only when the pools are full');
          else {
            assert.ok(!used.has(a) && alloc.contains(a));
            used.add(a);
          }
        } else if (used.has(n)) {
          used.delete(n);
          alloc.release(n);
        }
      }
    }),
  );
});
