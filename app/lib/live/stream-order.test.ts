import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamCursor, type RelayedMessage } from './stream-order.ts';
import type { StreamMessage } from './types.ts';

const ev = (revision: number): StreamMessage => ({
  type: 'event',
  event: { revision, time: null, kind: revision === 0 ? 'lease.snapshot' : 'lease.granted' },
});
const at = (stream: string, after: number, message: StreamMessage): RelayedMessage => ({ stream, after, message });

describe('StreamCursor', () => {
  test('events in revision order are applied and move the revision', () => {
    const cursor = new StreamCursor(5);
    assert.equal(cursor.accept(at('a', 5, ev(6))), 'apply');
    assert.equal(cursor.accept(at('a', 6, ev(9))), 'apply');
    assert.equal(cursor.revision, 9);
  });

  test('events at or below the revision are duplicates (a stream reopened from further back)', () => {
    const cursor = new StreamCursor(10);
    assert.equal(cursor.accept(at('b', 7, ev(8))), 'duplicate');
    assert.equal(cursor.accept(at('b', 8, ev(10))), 'duplicate');
    assert.equal(cursor.accept(at('b', 10, ev(11))), 'apply');
    assert.equal(cursor.accept(at('b', 10, ev(11))), 'duplicate', 'the same event twice');
    assert.equal(cursor.revision, 11);
  });

  test('a stream already past the revision is a gap; the rest of that stream is ignored', () => {
    const cursor = new StreamCursor(3);
    assert.equal(cursor.accept(at('a', 6, ev(7))), 'gap');
    assert.equal(cursor.accept(at('a', 7, ev(8))), 'ignored');
    assert.equal(cursor.revision, 3, 'nothing after the gap is taken');
    // The leader reopens from the revision asked for: the missed events arrive in order.
    assert.equal(cursor.accept(at('b', 3, ev(5))), 'apply');
    assert.equal(cursor.accept(at('b', 5, ev(7))), 'apply');
    assert.equal(cursor.accept(at('b', 7, ev(8))), 'apply');
    assert.equal(cursor.revision, 8);
  });

  test('bookmarks move the revision forward only', () => {
    const cursor = new StreamCursor(10);
    assert.equal(cursor.accept(at('a', 10, { type: 'bookmark', revision: 15 })), 'apply');
    assert.equal(cursor.accept(at('a', 15, { type: 'bookmark', revision: 12 })), 'duplicate');
    assert.equal(cursor.revision, 15);
    assert.equal(cursor.accept(at('a', 15, ev(14))), 'duplicate');
  });

  test('Reset, its snapshot and Synced are applied, and Synced sets the revision (even lower)', () => {
    const cursor = new StreamCursor(500);
    assert.equal(cursor.accept(at('a', 500, { type: 'reset' })), 'apply');
    assert.equal(cursor.accept(at('a', 500, ev(0))), 'apply');
    assert.equal(cursor.accept(at('a', 500, ev(0))), 'apply');
    assert.equal(cursor.accept(at('a', 500, { type: 'synced', revision: 3 })), 'apply');
    assert.equal(cursor.revision, 3);
    assert.equal(cursor.accept(at('a', 3, ev(4))), 'apply');
  });

  test('a snapshot or Synced seen without its Reset (joined mid-rebuild) is a gap', () => {
    const midSnapshot = new StreamCursor(20);
    assert.equal(midSnapshot.accept(at('a', 20, ev(0))), 'gap');
    assert.equal(midSnapshot.accept(at('a', 20, { type: 'synced', revision: 30 })), 'ignored');
    const atSynced = new StreamCursor(20);
    assert.equal(atSynced.accept(at('a', 20, { type: 'synced', revision: 30 })), 'gap');
    assert.equal(atSynced.revision, 20);
  });

  test('a rebuild whose stream ended before Synced is a gap on the next stream', () => {
    const cursor = new StreamCursor(20);
    assert.equal(cursor.accept(at('a', 20, { type: 'reset' })), 'apply');
    assert.equal(cursor.accept(at('a', 20, ev(0))), 'apply');
    assert.equal(cursor.accept(at('b', 20, ev(21))), 'gap');
    // A new Reset on a later stream starts the rebuild again.
    assert.equal(cursor.accept(at('c', 20, { type: 'reset' })), 'apply');
    assert.equal(cursor.accept(at('c', 20, { type: 'synced', revision: 25 })), 'apply');
    assert.equal(cursor.revision, 25);
  });
});
