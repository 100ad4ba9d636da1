// The outbox against a real Writable whose writes complete only when the test says so: it stops
// at write() === false, resumes on 'drain', counts bytes until each write completes, and refuses
// what would pass its limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type * as grpc from '@grpc/grpc-js';
import { Outbox } from './outbox.ts';

/** A Writable of two frames' capacity; each write completes when `complete()` is called. */
function slowWritable() {
  const pending: (() => void)[] = [];
  const written: Buffer[] = [];
  const stream = new Writable({
    objectMode: true,
    highWaterMark: 2,
    write(frame: Buffer, _encoding, callback) {
      written.push(frame);
      pending.push(() => callback());
    },
  });
  const calls = { write: 0 };
  const write = stream.write.bind(stream);
  stream.write = ((...args: Parameters<typeof write>) => {
    calls.write += 1;
    return write(...args);
  }) as typeof stream.write;
  return {
    call: stream as unknown as grpc.ServerWritableStream<unknown, Buffer>,
    written,
    calls,
    /** Completes the oldest write in progress. */
    complete: () => pending.shift()?.(),
  };
}

const frame = (size: number, fill = 1) => Buffer.alloc(size, fill);
const tick = () => new Promise((r) => setImmediate(r));

describe('Outbox', () => {
  test('stops writing when write() returns false and resumes on drain, in order', async () => {
    const sink = slowWritable();
    const outbox = new Outbox(sink.call, 1_000);
    for (let i = 1; i <= 5; i++) assert.ok(outbox.offer(frame(10, i)));
    // The Writable takes frames until it is full (highWaterMark 2): write() said false at the 2nd.
    assert.equal(sink.calls.write, 2);
    assert.equal(outbox.pendingBytes, 50);
    assert.equal(outbox.empty, false);
    for (let i = 0; i < 5; i++) {
      sink.complete();
      await tick();
    }
    assert.deepEqual(
      sink.written.map((f) => f[0]),
      [1, 2, 3, 4, 5],
    );
    assert.equal(outbox.pendingBytes, 0);
    assert.equal(outbox.empty, true);
  });

  test('refuses a frame that would pass the limit, but takes an oversized one when nothing is pending', () => {
    const sink = slowWritable();
    const outbox = new Outbox(sink.call, 100);
    assert.ok(outbox.offer(frame(150)), 'alone it could never go otherwise');
    assert.equal(outbox.offer(frame(1)), false);
    sink.complete();
    assert.equal(outbox.pendingBytes, 0);
    assert.ok(outbox.offer(frame(60)));
    assert.ok(outbox.offer(frame(40)));
    assert.equal(outbox.offer(frame(1)), false);
  });

  test('whenRoom waits until the pending bytes fall under half the limit', async () => {
    const sink = slowWritable();
    const outbox = new Outbox(sink.call, 100);
    outbox.push(frame(30));
    outbox.push(frame(30));
    let roomy = false;
    void outbox.whenRoom(60_000).then((outcome) => {
      assert.equal(outcome, 'room');
      roomy = true;
    });
    await tick();
    assert.equal(roomy, false, '60 of 100 pending');
    sink.complete();
    await tick();
    assert.equal(roomy, true, '30 of 100 pending');
  });

  test('whenRoom says "stalled" when no room comes in time, and a later drain wakes nobody twice', async () => {
    const sink = slowWritable();
    const outbox = new Outbox(sink.call, 100);
    outbox.push(frame(30));
    outbox.push(frame(30));
    const started = Date.now();
    assert.equal(await outbox.whenRoom(50), 'stalled');
    assert.ok(Date.now() - started >= 45, 'not before the deadline');
    const next = outbox.whenRoom(60_000);
    sink.complete();
    assert.equal(await next, 'room', 'the stalled wait left no waiter in the way of the next one');
  });

  test('discard drops what waits and wakes the waiters; flush hands everything over now', async () => {
    const sink = slowWritable();
    const outbox = new Outbox(sink.call, 100);
    for (let i = 0; i < 4; i++) outbox.push(frame(20));
    const woken = outbox.whenRoom(60_000);
    outbox.discard();
    assert.equal(await woken, 'room');
    assert.equal(outbox.empty, true);
    outbox.push(frame(5));
    assert.equal(sink.calls.write, 2, 'nothing is queued after a discard');

    const other = slowWritable();
    const flushed = new Outbox(other.call, 100);
    for (let i = 0; i < 4; i++) flushed.push(frame(20));
    assert.equal(other.calls.write, 2);
    flushed.flush();
    assert.equal(other.calls.write, 4);
    assert.equal(flushed.empty, true);
  });
});
