// Graceful shutdown: health turns NOT_SERVING, every watcher gets a last Bookmark and then
// UNAVAILABLE, and the server is gone within the deadline even when a client stopped reading.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { testLease } from './testing/dhcp-world.ts';
import { healthClient, type HealthStatus } from './testing/health-client.ts';
import { startHarness, waitFor, WatchRecorder } from './testing/harness.ts';

describe('graceful shutdown', () => {
  test('health NOT_SERVING, a last Bookmark at the newest revision, then UNAVAILABLE, within the deadline', async () => {
    const h = await startHarness();
    const health = healthClient(h.server.address);
    try {
      const statuses: string[] = [];
      const healthWatch = health.Watch({ service: 'homeplane.v1.EventService' });
      healthWatch.on('data', (r: HealthStatus) => statuses.push(r.status));
      healthWatch.on('error', () => {});

      const since = h.log.lastRevision();
      const all = new WatchRecorder(h.events, { sinceRevision: since });
      const filtered = new WatchRecorder(h.events, { sinceRevision: since, kinds: ['reservation'] });
      await waitFor(() => h.server.openWatches === 2 && statuses.length === 1, 'the watchers');
      await h.world.grant(testLease('10.123.0.7'), testLease('10.123.0.8'));
      await all.until((w) => w.revisions.length === 2, 'the events');

      const started = Date.now();
      await h.server.shutdown(2_000);
      const took = Date.now() - started;
      // The health Watch stream stays open until the deadline cuts it; the watchers do not.
      assert.ok(took < 3_000, `shutdown took ${took} ms`);

      for (const watch of [all, filtered]) {
        await watch.until((w) => w.error !== null, 'the end of the stream');
        const last = watch.frames.at(-1)?.payload;
        assert.ok(last?.$case === 'bookmark', `the last frame is a Bookmark (${watch.cases.join(',')})`);
        assert.equal(last.bookmark.revision, since + 2);
        assert.equal(watch.error!.code, grpc.status.UNAVAILABLE);
        assert.match(watch.error!.details, /shutting down; call Watch again from your last revision/);
      }
      assert.deepEqual(filtered.cases, ['bookmark'], 'the filtered watcher got only its resume point');
      assert.deepEqual(statuses.slice(0, 2), ['SERVING', 'NOT_SERVING']);
      assert.equal(h.log.subscriberCount, 0);
    } finally {
      health.close();
      await h.close();
    }
  });

  test('a client that stopped reading cannot hold the shutdown past its deadline', async () => {
    const h = await startHarness({ watcherQueueBytes: 64 * 1024 * 1024 });
    try {
      const stalled = new WatchRecorder(h.separateEventClient(), { sinceRevision: h.log.lastRevision() });
      stalled.stream.pause();
      await waitFor(() => h.log.subscriberCount === 1, 'the subscription');
      const hostname = 'h'.repeat(60);
      for (let i = 0; i < 100; i++) {
        h.world.commit(
          Array.from({ length: 50 }, (_, k) => ({
            object: 'lease',
            kind: 'lease.renewed' as const,
            lease: testLease(`10.123.0.${k + 1}`, { hostname }),
          })),
        );
      }
      const started = Date.now();
      await h.server.shutdown(300);
      const took = Date.now() - started;
      assert.ok(took >= 290 && took < 1_500, `shutdown ended at its deadline (${took} ms)`);
      assert.equal(h.server.openWatches, 0);
      assert.equal(h.log.subscriberCount, 0);
      assert.ok(h.logLines.some((l) => l.level === 'warn' && /shutdown deadline/.test(l.msg)));
    } finally {
      await h.close();
    }
  });

  test('shutting down twice is one shutdown', async () => {
    const h = await startHarness();
    const first = h.server.shutdown(1_000);
    const second = h.server.shutdown(1_000);
    assert.equal(first, second);
    await first;
    await h.close();
  });
});
