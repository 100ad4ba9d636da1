// Watch under abuse: a client that stops reading is dropped (RESOURCE_EXHAUSTED, or a reset when
// flow control holds the status back) without hurting the others, and 10,000 connects and
// cancels leave no subscriber and no growing heap behind.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { testLease } from './testing/dhcp-world.ts';
import { bareWatch } from './testing/bare-watch.ts';
import { startHarness, waitFor, WatchRecorder } from './testing/harness.ts';

function isContiguous(revisions: number[]): boolean {
  return revisions.every((r, i) => i === 0 || r === revisions[i - 1]! + 1);
}

describe('Watch: a slow consumer', () => {
  test('a client that does not read is dropped with RESOURCE_EXHAUSTED; the subscriber goes, others are unaffected', async () => {
    const drops: string[] = [];
    const h = await startHarness({
      watcherQueueBytes: 64 * 1024,
      overflowGraceMs: 200,
      observer: { callEnded: () => undefined, watchDropped: (reason) => drops.push(reason) },
    });
    try {
      const since = h.log.lastRevision();
      const healthy = new WatchRecorder(h.separateEventClient(), { sinceRevision: since });
      const stalled = new WatchRecorder(h.separateEventClient(), { sinceRevision: since });
      stalled.stream.pause();
      await waitFor(() => h.log.subscriberCount === 2, 'both subscriptions');

      // About 20 MB of events, far beyond the HTTP/2 windows and the 64 KiB queue.
      const hostname = 'h'.repeat(60);
      let committed = 0;
      for (let batch = 0; batch < 400 && h.log.subscriberCount === 2; batch++) {
        h.world.commit(
          Array.from({ length: 50 }, (_, i) => ({
            object: 'lease',
            kind: 'lease.renewed' as const,
            lease: testLease(`10.123.0.${i + 1}`, { hostname, fqdn: `${hostname}.lab.home` }),
          })),
        );
        committed += 50;
        // Paced on the healthy reader, so that only the stalled one can fall behind.
        await healthy.until((w) => w.revisions.length === committed, 'the healthy watcher to keep up');
      }
      await waitFor(
        () => h.log.subscriberCount === 1 && h.server.openWatches === 1,
        'the stalled watcher to be dropped',
      );
      assert.ok(
        h.logLines.some((l) => l.level === 'warn' && /watcher dropped/.test(l.msg)),
        'the drop is logged',
      );
      assert.deepEqual(drops, ['slow-reader'], 'and told to the metrics');

      await healthy.until((w) => w.revisions.length === committed, 'the healthy watcher to get every event', 10_000);
      assert.ok(isContiguous(healthy.revisions));
      assert.equal(healthy.error, null);

      // Reading again, the stalled client finds its stream ended: it resumes from its last revision.
      stalled.stream.resume();
      await stalled.until((w) => w.error !== null, 'the stalled stream to end', 5_000);
      assert.equal(stalled.error!.code, grpc.status.RESOURCE_EXHAUSTED);
      // A grpc-js client buffers 16 messages even unread, as many as the server has in flight:
      // the status follows the data.
      assert.match(
        stalled.error!.details,
        /fell more than 65536 bytes behind and was dropped; call Watch again from your last revision/,
      );
      assert.ok(!h.logLines.some((l) => /cannot reset/.test(l.msg)));
      assert.ok(stalled.revisions.length < committed, 'it was dropped before the end');
      assert.ok(isContiguous(stalled.revisions), 'what it got has no gap, so resuming from its last revision is safe');
      assert.deepEqual(stalled.revisions.slice(0, 1), [since + 1]);
      await healthy.cancel();
    } finally {
      await h.close();
    }
  });

  test('when flow control holds the status back (a client that reads nothing at all), the stream is reset', async () => {
    const h = await startHarness({ watcherQueueBytes: 512 * 1024, overflowGraceMs: 200 });
    const watch = bareWatch(h.server.address, { sinceRevision: h.log.lastRevision() });
    try {
      const { closed } = watch;
      await waitFor(() => h.log.subscriberCount === 1, 'the subscription');

      const hostname = 'h'.repeat(60);
      for (let batch = 0; batch < 400 && h.log.subscriberCount === 1; batch++) {
        h.world.commit(
          Array.from({ length: 50 }, (_, i) => ({
            object: 'lease',
            kind: 'lease.renewed' as const,
            lease: testLease(`10.123.0.${i + 1}`, { hostname }),
          })),
        );
        await new Promise((r) => setImmediate(r));
      }
      await waitFor(() => h.log.subscriberCount === 0 && h.server.openWatches === 0, 'the watcher to be dropped');
      const droppedAt = Date.now();
      const notClosed = new Promise<string>((resolve) =>
        setTimeout(() => resolve('still open after 3 s'), 3_000).unref(),
      );
      assert.equal(
        await Promise.race([closed, notClosed]),
        http2.constants.NGHTTP2_ENHANCE_YOUR_CALM,
        'reset: grpc-js clients read RESOURCE_EXHAUSTED',
      );
      assert.ok(Date.now() - droppedAt < 2_000, 'the reset came after the grace period, not at some later time');
      assert.ok(!h.logLines.some((l) => /cannot reset/.test(l.msg)));
    } finally {
      watch.destroy();
      await h.close();
    }
  });
});

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('Watch: no leak', () => {
  test('10,000 connects and cancels leave no subscriber, no watcher and no growing heap', async (t) => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const h = await startHarness();
    try {
      await h.world.grant(testLease('10.123.0.5'));
      const since = h.log.lastRevision() - 1;
      // nghttp2 (Node >= 20.9) closes a connection whose client resets more than 1,000 streams
      // in a burst (the HTTP/2 "rapid reset" defence), so the clients take a new connection
      // every 250 watches, which also churns connections on the server.
      const cycle = async (count: number) => {
        const parallel = 50;
        let client = h.separateEventClient();
        for (let done = 0; done < count; done += parallel) {
          if (done % 250 === 0) {
            client.close();
            client = h.separateEventClient();
          }
          await Promise.all(
            Array.from({ length: parallel }, async (_, i) => {
              const watch = new WatchRecorder(client, { sinceRevision: since });
              // Half cancel as soon as they can, racing the server's set-up; half once the replay
              // arrived. "As soon as they can" is one macrotask after watch(): grpc-js 1.14.7's
              // client opens the HTTP/2 stream in a promise callback of ResolvingCall.getConfig()
              // that does not check whether the call ended, so a cancel() in the same tick ends
              // the call locally but leaves that stream open and never reset (the server rightly
              // sees a live watcher, until the connection closes).
              if (i % 2 === 0) await watch.until((w) => w.revisions.length === 1, 'the replayed event');
              else await new Promise((r) => setImmediate(r));
              await watch.cancel();
              assert.equal(watch.error?.code, grpc.status.CANCELLED);
            }),
          );
        }
        client.close();
        await waitFor(() => h.log.subscriberCount === 0 && h.server.openWatches === 0, 'every subscriber to go');
      };
      await cycle(1_000); // warm-up: lazy allocations, JIT, pools
      const before = heapAfterGc(gc);
      await cycle(9_000);
      const grown = heapAfterGc(gc) - before;
      t.diagnostic(`heap grew by ${(grown / 1024).toFixed(0)} KiB over 9,000 watches`);
      assert.equal(h.log.subscriberCount, 0);
      assert.equal(h.server.openWatches, 0);
      // A leak of even 500 bytes per call would show as 4.5 MB.
      assert.ok(grown < 4 * 1024 * 1024, `heap grew by ${(grown / 1024 / 1024).toFixed(1)} MiB over 9,000 watches`);
    } finally {
      await h.close();
    }
  });
});
