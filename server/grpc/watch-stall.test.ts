// Watch under a client that stops reading while it catches up or takes a snapshot: those frames
// are paced by the queue (not offered and dropped on overflow, as live ones are), so without a
// deadline the watcher, and the snapshot it holds, would wait as long as the connection lives.
// With grpc.watchStallTimeout the watcher is dropped, its snapshot released, and the client told.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import type { Lease } from '../dhcp/lease.ts';
import { subnetConfig, testLease } from './testing/dhcp-world.ts';
import { bareWatch } from './testing/bare-watch.ts';
import { startHarness, waitFor, WatchRecorder } from './testing/harness.ts';
import type { Snapshot } from './watcher.ts';

const HOSTNAME = 'h'.repeat(60);

/** A lease of its own client (MAC from n) in 10.123.0.0/20. */
function leaseAt(n: number): Lease {
  const mac = `52:54:00:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
  return testLease(`10.123.${(n >> 8) & 255}.${n & 255}`, {
    subnetId: '10.123.0.0/20',
    clientKey: `hw:${mac}`,
    hwAddress: mac,
    hostname: `${HOSTNAME}-${n}`,
  });
}

function isContiguousFrom(first: number, revisions: number[]): boolean {
  return revisions.every((r, i) => r === first + i);
}

describe('Watch: a client that stalls before it is live', () => {
  test('a snapshot whose client reads nothing: dropped after watchStallTimeout, stream reset, snapshot released', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const released = new Set<string>();
    const registry = new FinalizationRegistry<string>((what) => released.add(what));
    let taken = 0;
    let provide = (): Snapshot => ({ revision: 0, events: [] });
    const h = await startHarness({
      watcherQueueBytes: 64 * 1024,
      watchStallTimeoutMs: 300,
      overflowGraceMs: 200,
      snapshot: () => provide(),
      subnets: [subnetConfig('10.123.0.0/20')],
    });
    provide = () => {
      const snapshot = h.world.snapshot();
      registry.register(snapshot, 'snapshot');
      registry.register(snapshot.events, 'its events');
      taken += 1;
      return snapshot;
    };
    // Some 400 KB of snapshot: far past the HTTP/2 window and the 64 KiB queue.
    await h.world.grant(...Array.from({ length: 3000 }, (_, n) => leaseAt(n + 1)));
    const watch = bareWatch(h.server.address, { sinceRevision: 1_000_000_000 }); // beyond the newest: Reset + snapshot
    try {
      await waitFor(() => taken === 1, 'the snapshot');
      await waitFor(
        () => h.server.openWatches === 0 && h.log.subscriberCount === 0,
        'the stalled watcher to be dropped',
      );
      const warning = h.logLines.find((l) => l.level === 'warn' && /watcher dropped/.test(l.msg));
      assert.equal(warning?.msg, 'watcher dropped: it stopped reading while taking a snapshot');
      assert.equal((warning!.obj as { stallTimeoutMs?: number }).stallTimeoutMs, 300);

      const notClosed = new Promise<string>((resolve) =>
        setTimeout(() => resolve('still open after 3 s'), 3_000).unref(),
      );
      assert.equal(
        await Promise.race([watch.closed, notClosed]),
        http2.constants.NGHTTP2_ENHANCE_YOUR_CALM,
        'reset: the status could not get out',
      );
      assert.ok(!h.logLines.some((l) => /cannot reset/.test(l.msg)));

      for (let i = 0; i < 50 && released.size < 2; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual([...released].sort(), ['its events', 'snapshot'], 'nothing holds the snapshot any more');
    } finally {
      watch.destroy();
      await h.close();
    }
  });

  test('a catch-up whose client stops reading: dropped with RESOURCE_EXHAUSTED saying why and how to resume', async () => {
    // A long grace before the reset, so that the status gets out once the client reads again.
    const h = await startHarness({
      watcherQueueBytes: 32 * 1024,
      watchStallTimeoutMs: 300,
      overflowGraceMs: 10_000,
      replayChunkEvents: 50,
    });
    try {
      for (let n = 1; n <= 3000; n++) h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(n) }]);
      const watch = new WatchRecorder(h.separateEventClient(), { sinceRevision: 0 });
      watch.stream.pause();
      await waitFor(() => h.server.openWatches === 1, 'the watcher');
      await waitFor(
        () => h.server.openWatches === 0 && h.log.subscriberCount === 0,
        'the stalled watcher to be dropped',
      );
      assert.ok(
        h.logLines.some((l) => l.level === 'warn' && l.msg === 'watcher dropped: it stopped reading while catching up'),
      );

      watch.stream.resume();
      await watch.until((w) => w.error !== null, 'the status');
      assert.equal(watch.error!.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(
        watch.error!.details,
        /^this watcher read too little for 0\.3 s while catching up \(grpc\.watchStallTimeout\) and was dropped; read the stream steadily and call Watch again from your last revision$/,
      );
      assert.ok(
        watch.revisions.length > 0 && watch.revisions.length < 3000,
        `it was dropped part way (${watch.revisions.length} events)`,
      );
      assert.ok(
        isContiguousFrom(1, watch.revisions),
        'what it got has no gap: resuming from its last revision is safe',
      );
    } finally {
      await h.close();
    }
  });

  test('a client that reads in bursts, never stalling as long as the timeout, catches up and goes live', async () => {
    const h = await startHarness({ watcherQueueBytes: 32 * 1024, watchStallTimeoutMs: 2_000, replayChunkEvents: 50 });
    try {
      for (let n = 1; n <= 3000; n++) h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(n) }]);
      const watch = new WatchRecorder(h.separateEventClient(), { sinceRevision: 0 });
      const toggle = setInterval(() => (watch.stream.isPaused() ? watch.stream.resume() : watch.stream.pause()), 50);
      try {
        await watch.until((w) => w.revisions.length === 3000 || w.error !== null, 'the catch-up', 20_000);
      } finally {
        clearInterval(toggle);
        watch.stream.resume();
      }
      assert.equal(watch.error, null);
      const [live] = h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(1) }]);
      await watch.until((w) => w.revisions.at(-1) === live!.revision, 'the live event');
      assert.ok(isContiguousFrom(1, watch.revisions));
      await watch.cancel();
    } finally {
      await h.close();
    }
  });
});
