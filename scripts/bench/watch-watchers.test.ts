// The benchmark's watchers against a real grpc-js server over the real event log: they open,
// count and time events, see their revisions in sequence, tell the daemon's ending of a stream
// from their own cancel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, TEST_TOKEN, waitFor, type Harness } from '../../server/grpc/testing/harness.ts';
import { testLease } from '../../server/grpc/testing/dhcp-world.ts';
import { WatcherSet } from './watch-watchers.ts';
import type { OpenRequest } from './watch-protocol.ts';
import { percentile } from './watch-latency.ts';

/** Commits `count` events stamped `time` (the log's clock, as the daemon's stamps its events). */
function commit(h: Harness, count: number, time = Date.now()): void {
  h.world.clock.set(time);
  for (let i = 0; i < count; i++)
    h.world.commit([{ object: 'lease', kind: 'lease.granted', lease: testLease(`10.123.0.${(i % 200) + 1}`) }]);
}

function request(h: Harness, count: number, decoding: 'lean' | 'full' = 'lean'): OpenRequest {
  return {
    op: 'open',
    target: h.server.address,
    token: TEST_TOKEN,
    count,
    sinceRevision: h.log.lastRevision() - 1,
    perChannel: 2,
    flowWindow: null,
    decoding,
    timeoutMs: 5_000,
  };
}

describe('benchmark watchers', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  for (const decoding of ['lean', 'full'] as const) {
    test(`open on a one-event replay, then count every live event in sequence (${decoding})`, async () => {
      commit(h, 5);
      const set = new WatcherSet();
      try {
        const opened = await set.open(request(h, 3, decoding));
        assert.deepEqual(opened, { opened: 3, failed: 0, firstError: null });
        await waitFor(() => set.progress(h.log.lastRevision()).behind === 0, 'the replay');
        set.mark();

        commit(h, 40, Date.now() - 30);
        await waitFor(() => set.progress(h.log.lastRevision()).behind === 0, 'the live events');
        const report = set.report();
        assert.equal(report.events, 3 * 40);
        assert.equal(report.latency.count, 3 * 40);
        assert.ok(percentile(report.latency, 0.5)! >= 30, 'latency counts from Event.time');
        assert.equal(report.missing, 0);
        assert.equal(report.duplicates, 0);
        assert.deepEqual(report.dropped, {});
        assert.equal(report.open, 3);
      } finally {
        set.close();
      }
      assert.equal(set.report().open, 0);
    });
  }

  test('a stream the server ends counts as dropped, by status; one we cancel does not', async () => {
    const own = await startHarness();
    commit(own, 2);
    const set = new WatcherSet();
    try {
      await set.open(request(own, 2));
      await own.server.shutdown(1_000);
      await waitFor(() => set.report().open === 0, 'the streams to end');
      assert.deepEqual(set.report().dropped, { UNAVAILABLE: 2 });
    } finally {
      set.close();
      await own.close();
    }
  });
});
