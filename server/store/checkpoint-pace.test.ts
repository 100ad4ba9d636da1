// The checkpointer's signal: the writer counts committed rows, and only a burst wakes the worker.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createCheckpointSignal,
  markSeen,
  noteCommitted,
  rowsPending,
  waitForRows,
  wakeNow,
} from './checkpoint-pace.mjs';

describe('checkpoint signal', () => {
  test('commits add up until the worker looks; only wakeRows pending wake it', () => {
    const signal = createCheckpointSignal();
    assert.equal(noteCommitted(signal, 40, 100), false);
    assert.equal(noteCommitted(signal, 59, 100), false);
    assert.equal(rowsPending(signal), 99);
    assert.equal(noteCommitted(signal, 1, 100), true);
    assert.equal(noteCommitted(signal, 3, 100), true, 'it wakes again at each commit while that many are pending');
    markSeen(signal);
    assert.equal(rowsPending(signal), 0);
    assert.equal(noteCommitted(signal, 5, 100), false);
  });

  test('the count wraps without losing what is pending', () => {
    const signal = createCheckpointSignal();
    noteCommitted(signal, 0x7fff_fff0, Infinity);
    markSeen(signal);
    noteCommitted(signal, 0x20, Infinity); // past 2^31: the slot is negative now
    assert.equal(rowsPending(signal), 0x20);
  });

  test('a waiting worker wakes when a commit brings wakeRows pending, not for fewer', { timeout: 5_000 }, async () => {
    const signal = createCheckpointSignal();
    let woken = false;
    const waiting = waitForRows(signal, 60_000, 100).then(() => (woken = true));
    noteCommitted(signal, 10, 100);
    await sleep(100);
    assert.equal(woken, false, 'ten rows do not wake it');
    noteCommitted(signal, 90, 100);
    await waiting;
    assert.equal(woken, true);
  });

  test('with enough pending already it does not wait; wakeNow ends any wait', { timeout: 5_000 }, async () => {
    const signal = createCheckpointSignal();
    noteCommitted(signal, 100, 100);
    await waitForRows(signal, 60_000, 100);
    markSeen(signal);
    const waiting = waitForRows(signal, 60_000, 100);
    wakeNow(signal);
    await waiting;
  });
});
