import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busiestThread, threadTimes } from './thread-wait.ts';

test('the busiest thread is the one that ran most between the snapshots; its wait comes with it', () => {
  const before = new Map([
    ['1/1', { runNs: 1e9, waitNs: 1e8 }],
    ['1/2', { runNs: 5e9, waitNs: 0 }],
    ['1/3', { runNs: 0, waitNs: 0 }],
  ]);
  const after = new Map([
    ['1/1', { runNs: 4e9, waitNs: 6e8 }], // ran 3 s, waited 0.5 s
    ['1/2', { runNs: 6e9, waitNs: 1e9 }], // ran 1 s: more in all, less in the step
    ['1/4', { runNs: 9e9, waitNs: 0 }], // started meanwhile: no start to count from
  ]);
  assert.deepEqual(busiestThread(before, after), { runSeconds: 3, waitSeconds: 0.5 });
  assert.equal(busiestThread(new Map(), after), null);
});

test("this process's threads are read, and the one spinning is the busiest", () => {
  const before = threadTimes([process.pid]);
  assert.ok(before.has(`${process.pid}/${process.pid}`), 'the main thread is listed');
  for (const until = performance.now() + 50; performance.now() < until;);
  const busiest = busiestThread(before, threadTimes([process.pid]));
  assert.ok(busiest !== null && busiest.runSeconds >= 0.04, `ran ${busiest?.runSeconds} s`);
  assert.equal(threadTimes([2 ** 22 + 1]).size, 0, 'a process that is not there has no threads');
});
