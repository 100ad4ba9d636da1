// The checkpointer's signal: the writer counts committed rows, and only a burst wakes the worker;
// while the worker checkpoints, the writer can see it and wait for its end.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import {
  afterCheckpoint,
  checkpointEnded,
  checkpointRunning,
  checkpointStarted,
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

describe('checkpoint running', () => {
  test(
    'the writer sees a running checkpoint, and its wait ends when the worker ends it',
    { timeout: 5_000 },
    async () => {
      const signal = createCheckpointSignal();
      assert.equal(checkpointRunning(signal), false);
      await afterCheckpoint(signal, 60_000); // none running: at once
      checkpointStarted(signal);
      assert.equal(checkpointRunning(signal), true);
      let ended = false;
      const waiting = afterCheckpoint(signal, 60_000).then(() => (ended = true));
      await sleep(100);
      assert.equal(ended, false, 'the wait lasts while the checkpoint runs');
      checkpointEnded(signal);
      await waiting;
      assert.equal(checkpointRunning(signal), false);
    },
  );

  test('a checkpoint that never ends holds the writer only for the time it gave', { timeout: 5_000 }, async () => {
    const signal = createCheckpointSignal();
    checkpointStarted(signal);
    const started = performance.now();
    // Atomics.waitAsync's timeout keeps no process alive on its own (the daemon has its sockets).
    const alive = setTimeout(() => undefined, 5_000);
    await afterCheckpoint(signal, 50);
    clearTimeout(alive);
    assert.ok(performance.now() - started >= 45, 'it waited about the time given');
    assert.equal(checkpointRunning(signal), true, 'the checkpoint itself is still marked running');
  });
});
