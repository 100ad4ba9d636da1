import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { SCHED_IDLE, yieldHelperThreads } from './helper-threads.ts';

/** Each thread's scheduling policy, from field 41 of /proc/self/task/<tid>/stat (proc(5)). */
function policies(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${entry}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 on
    out.set(Number(entry), Number(fields[41 - 3]));
  }
  return out;
}

test('every thread but the main one is put under SCHED_IDLE; one started afterwards is not', async () => {
  const started = new Worker('setInterval(() => {}, 1000)', { eval: true });
  await once(started, 'online');
  try {
    const before = policies();
    assert.ok(before.size >= 3, `the main thread, V8's workers and the Worker: ${before.size} threads`);
    const result = yieldHelperThreads();
    assert.deepEqual(result.failed, []);
    const after = policies();
    assert.equal(after.get(process.pid), 0, 'the main thread keeps SCHED_OTHER');
    const helpers = [...after].filter(([tid]) => tid !== process.pid);
    assert.equal(result.idle, before.size - 1);
    assert.ok(
      helpers.every(([, policy]) => policy === SCHED_IDLE),
      `policies: ${JSON.stringify(helpers)}`,
    );

    const later = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await once(later, 'online');
    try {
      const fresh = [...policies()].filter(([tid]) => !after.has(tid));
      assert.ok(fresh.length > 0, 'the new Worker has threads of its own');
      assert.ok(
        fresh.every(([, policy]) => policy === 0),
        `a thread the main thread starts takes its policy: ${JSON.stringify(fresh)}`,
      );
    } finally {
      await later.terminate();
    }
  } finally {
    await started.terminate();
  }
});
