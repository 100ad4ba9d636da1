// Watch caps on a real server: per peer (an IP address whatever its connections and ports; every
// unix-socket client is one peer) and in total, each refusal RESOURCE_EXHAUSTED naming its
// config key, nothing set up for a refused stream, and a place freed when a watcher goes. With the
// defaults, the watch benchmark's 1,000 idle watchers over one unix socket all open.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { EventServiceClient } from '../../proto/gen/homeplane/v1/event.ts';
import { startHarness, waitFor, WatchRecorder, type Harness } from './testing/harness.ts';

const PER_PEER =
  /^too many Watch streams from this peer \((\d+), grpc\.maxWatchersPerPeer\); close some or raise the limit$/;
const TOTAL = /^too many Watch streams open \((\d+), grpc\.maxWatchers\); close some or raise the limit$/;

/** Opens a Watch from the newest revision on a connection of its own. */
function watchOnOwnConnection(h: Harness): WatchRecorder {
  return new WatchRecorder(h.separateEventClient(), { sinceRevision: h.log.lastRevision() });
}

async function refused(watch: WatchRecorder, details: RegExp): Promise<void> {
  await watch.until((w) => w.error !== null, 'the refusal');
  assert.equal(watch.error!.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.match(watch.error!.details, details);
}

const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === '::1'));

describe('Watch caps', () => {
  const folder = mkdtempSync(join(tmpdir(), 'homeplane-watch-caps-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('past maxWatchersPerPeer one address is refused, however many connections it uses; a cancel frees a place', async () => {
    const h = await startHarness({ maxWatchersPerPeer: 2, maxWatchers: 10 });
    try {
      const first = watchOnOwnConnection(h);
      const second = watchOnOwnConnection(h);
      await waitFor(() => h.server.openWatches === 2, 'two watchers');
      const third = watchOnOwnConnection(h);
      await refused(third, PER_PEER);
      assert.equal(PER_PEER.exec(third.error!.details)![1], '2');
      assert.equal(h.log.subscriberCount, 2, 'nothing was set up for the refused stream');
      await first.cancel();
      await waitFor(() => h.server.openWatches === 1, 'the cancelled watcher to go');
      const again = watchOnOwnConnection(h);
      await waitFor(() => h.server.openWatches === 2, 'a new watcher in the freed place');
      assert.equal(again.error, null);
      await second.cancel();
      await again.cancel();
    } finally {
      await h.close();
    }
  });

  test('every unix-socket client is one peer', async () => {
    const h = await startHarness({ listen: `unix:${join(folder, 'caps.sock')}`, maxWatchersPerPeer: 2 });
    try {
      const open = [watchOnOwnConnection(h), watchOnOwnConnection(h)];
      await waitFor(() => h.server.openWatches === 2, 'two watchers');
      await refused(watchOnOwnConnection(h), PER_PEER);
      for (const watch of open) await watch.cancel();
    } finally {
      await h.close();
    }
  });

  test('two addresses are two peers', { skip: !hasIpv6Loopback && 'this machine has no ::1' }, async () => {
    const h = await startHarness({ listen: '[::]:0', maxWatchersPerPeer: 1 });
    const port = h.server.address.slice(h.server.address.lastIndexOf(':') + 1);
    const credentials = grpc.credentials.createInsecure();
    const v4 = new EventServiceClient(`127.0.0.1:${port}`, credentials);
    const v6 = new EventServiceClient(`[::1]:${port}`, credentials);
    try {
      const since = h.log.lastRevision();
      const fromV4 = new WatchRecorder(v4, { sinceRevision: since });
      const fromV6 = new WatchRecorder(v6, { sinceRevision: since });
      await waitFor(() => h.server.openWatches === 2, 'one watcher from each address');
      await refused(new WatchRecorder(v6, { sinceRevision: since }), PER_PEER);
      await fromV4.cancel();
      await fromV6.cancel();
    } finally {
      v4.close();
      v6.close();
      await h.close();
    }
  });

  test('past maxWatchers every peer is refused, naming that limit', async () => {
    const h = await startHarness({ maxWatchers: 2, maxWatchersPerPeer: 5 });
    try {
      const open = [watchOnOwnConnection(h), watchOnOwnConnection(h)];
      await waitFor(() => h.server.openWatches === 2, 'two watchers');
      const third = watchOnOwnConnection(h);
      await refused(third, TOTAL);
      assert.equal(TOTAL.exec(third.error!.details)![1], '2');
      for (const watch of open) await watch.cancel();
    } finally {
      await h.close();
    }
  });

  test('with the default caps, 1,000 idle watchers over one unix socket (npm run bench:watch) all open', async () => {
    const h = await startHarness({ listen: `unix:${join(folder, 'bench.sock')}` });
    try {
      // As the benchmark opens them: 10 streams per channel, each channel its own connection.
      const watches = Array.from({ length: 100 }, () => h.separateEventClient()).flatMap((client) =>
        Array.from({ length: 10 }, () => new WatchRecorder(client, { sinceRevision: h.log.lastRevision() })),
      );
      await waitFor(
        () => h.server.openWatches === 1_000 || watches.some((w) => w.error !== null),
        'the 1,000 watchers',
        20_000,
      );
      assert.deepEqual(
        watches
          .filter((w) => w.error !== null)
          .map((w) => w.error!.details)
          .slice(0, 1),
        [],
      );
      assert.equal(h.server.openWatches, 1_000);
      for (const watch of watches) watch.stream.cancel();
      await waitFor(() => h.server.openWatches === 0, 'every watcher to go', 20_000);
    } finally {
      await h.close();
    }
  });
});
