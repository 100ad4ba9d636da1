// EventService.Watch on a real grpc-js server over the real SQLite event log (dhcp-world.ts): replay
// then live with no gap and no duplicate, resume, the Reset path, kinds, bookmarks, cancellation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { subnetConfig, testLease } from './testing/dhcp-world.ts';
import { startHarness, waitFor, WatchRecorder, type Harness } from './testing/harness.ts';
import type { Lease } from '../dhcp/lease.ts';

function leaseAt(n: number, changes: Partial<Lease> = {}): Lease {
  return testLease(`10.123.${(n >> 8) & 255}.${n & 255}`, changes);
}

/** Commits `count` single-event transactions of lease.renewed. */
function commitMany(h: Harness, count: number, from = 0): void {
  for (let i = 0; i < count; i++)
    h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(from + i) }]);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('Watch: replay, live, resume', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ replayChunkEvents: 50 });
  });
  after(() => h.close());

  test('since 0 replays the whole log in order, then streams live batches as committed', async () => {
    commitMany(h, 120);
    const watch = new WatchRecorder(h.events, { sinceRevision: 0 });
    await watch.until((w) => w.revisions.length === 120, 'the replay');
    assert.deepEqual(watch.revisions, range(1, 120));
    assert.ok(
      watch.cases.every((c) => c === 'events'),
      'no Reset when the log starts at 1',
    );
    // Replay frames hold at most one read's worth of events.
    assert.deepEqual(
      watch.frames.map((f) => (f.payload?.$case === 'events' ? f.payload.events.events.length : 0)),
      [50, 50, 20],
    );

    h.world.commit([
      { object: 'lease', kind: 'lease.granted', lease: leaseAt(500) },
      { object: 'lease', kind: 'lease.released', lease: leaseAt(501, { state: 'released' }) },
    ]);
    await watch.until((w) => w.revisions.length === 122, 'the live batch');
    const live = watch.frames.at(-1)!.payload;
    assert.ok(live?.$case === 'events');
    assert.equal(live.events.events.length, 2, 'one commit, one EventBatch');
    const [granted, released] = live.events.events;
    assert.equal(granted!.kind, 'lease.granted');
    assert.equal(granted!.revision, 121);
    assert.ok(granted!.time instanceof Date);
    assert.ok(granted!.object?.$case === 'lease');
    assert.equal(granted!.object.lease.address, '10.123.1.244');
    assert.equal(granted!.object.lease.hwAddress, '52:54:00:00:00:f4');
    assert.ok(released!.object?.$case === 'lease');
    assert.equal(released!.object.lease.state, 2 /* LEASE_STATE_RELEASED */);
    await watch.cancel();
  });

  test('resuming from a revision sends exactly the events after it', async () => {
    const newest = h.log.lastRevision();
    commitMany(h, 10);
    const watch = new WatchRecorder(h.events, { sinceRevision: newest + 3 });
    await watch.until((w) => w.revisions.length === 7, 'the replay');
    assert.deepEqual(watch.revisions, range(newest + 4, newest + 10));
    assert.ok(!watch.cases.includes('reset'));
    await watch.cancel();
  });

  test('resuming from the newest revision sends nothing until the next commit', async () => {
    const watch = new WatchRecorder(h.events, { sinceRevision: h.log.lastRevision() });
    await waitFor(() => h.server.openWatches === 1, 'the watcher');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(watch.frames.length, 0);
    const [event] = h.world.commit([
      { object: 'lease', kind: 'lease.expired', lease: leaseAt(9, { state: 'expired' }) },
    ]);
    await watch.until((w) => w.revisions.length === 1, 'the live event');
    assert.deepEqual(watch.revisions, [event!.revision]);
    await watch.cancel();
  });
});

describe('Watch: the seam under load', () => {
  test('no gap and no duplicate while commits keep coming during the replay', async () => {
    // A small queue makes each replay wait for the client between reads, so commits land
    // between the reads and during the switch to live.
    const h = await startHarness({ replayChunkEvents: 50, watcherQueueBytes: 32 * 1024 });
    const newestAtRead: number[] = [];
    const readSince = h.log.readSince.bind(h.log);
    h.log.readSince = (since, limit) => {
      newestAtRead.push(h.log.lastRevision());
      return readSince(since, limit);
    };
    try {
      commitMany(h, 3000);
      const start = 0;
      let running = true;
      let committed = 0;
      // Commit on every turn of the event loop while the watchers catch up, some in batches of 3.
      const hammer = (async () => {
        while (running) {
          if (committed % 7 === 0) {
            h.world.commit(
              [0, 1, 2].map((k) => ({ object: 'lease', kind: 'lease.renewed' as const, lease: leaseAt(k) })),
            );
            committed += 3;
          } else {
            commitMany(h, 1, committed);
            committed += 1;
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      const watchers = [0, 1, 2, 3].map(
        (i) => new WatchRecorder(i % 2 === 0 ? h.events : h.separateEventClient(), { sinceRevision: start + i * 500 }),
      );
      // Past half of the replay, and (on a loaded machine, whose turns are long) enough commits.
      await waitFor(
        () => watchers.every((w) => w.revisions.length > 3000 - 1500) && committed > 100,
        'the watchers to catch up',
        10_000,
      );
      await new Promise((r) => setTimeout(r, 100));
      running = false;
      await hammer;
      const newest = h.log.lastRevision();
      for (const [i, watch] of watchers.entries()) {
        await watch.until((w) => w.revisions.at(-1) === newest, `watcher ${i} to reach ${newest}`, 10_000);
        assert.deepEqual(
          watch.revisions,
          range(start + i * 500 + 1, newest),
          `watcher ${i}: every revision exactly once, in order`,
        );
        assert.equal(watch.error, null);
        await watch.cancel();
      }
      assert.ok(committed > 100, `the hammer committed while the watchers caught up (${committed})`);
      assert.ok(
        new Set(newestAtRead).size > 10,
        `commits landed between replay reads (${new Set(newestAtRead).size} distinct newest revisions)`,
      );
    } finally {
      await h.close();
    }
  });
});

describe('Watch: the Reset path', () => {
  test('a compacted revision gets Reset, the current objects, Synced, then live events', async () => {
    const h = await startHarness({
      replayChunkEvents: 2,
      subnets: [
        subnetConfig('10.123.0.0/24', {
          reservations: [
            {
              mac: '52:54:00:aa:bb:cc',
              clientId: null,
              ip: 0x0a7b000a,
              hostname: 'nas',
              options: [],
              nextServer: null,
              bootFile: null,
              serverHostname: null,
            },
          ],
        }),
      ],
    });
    try {
      await h.world.grant(leaseAt(1), leaseAt(2), leaseAt(3));
      h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(1) }]);
      h.world.compactBefore(4);
      assert.equal(h.log.firstRetainedRevision(), 4);

      const watch = new WatchRecorder(h.events, { sinceRevision: 2 });
      await watch.until((w) => w.cases.includes('synced'), 'Synced');
      assert.equal(watch.cases[0], 'reset');
      assert.equal(watch.cases.at(-1), 'synced');
      const snapshot = watch.frames
        .slice(1, -1)
        .flatMap((f) => (f.payload?.$case === 'events' ? f.payload.events.events : []));
      assert.deepEqual(snapshot.map((e) => e.kind).sort(), [
        'lease.snapshot',
        'lease.snapshot',
        'lease.snapshot',
        'reservation.snapshot',
      ]);
      assert.ok(snapshot.every((e) => e.revision === 0));
      assert.equal(watch.frames.length, 1 + 2 + 1, 'snapshot frames of at most replayChunk events');
      const synced = watch.frames.at(-1)!.payload;
      assert.ok(synced?.$case === 'synced');
      assert.equal(synced.synced.revision, 4);

      const [next] = h.world.commit([
        { object: 'lease', kind: 'lease.declined', lease: leaseAt(2, { state: 'declined' }) },
      ]);
      await watch.until((w) => w.revisions.includes(next!.revision), 'the live event');
      assert.deepEqual(
        watch.revisions.filter((r) => r > 0),
        [5],
      );
      await watch.cancel();
    } finally {
      await h.close();
    }
  });

  test('compaction overtaking a running replay turns it into Reset, snapshot, Synced, then live', async () => {
    const h = await startHarness({ replayChunkEvents: 50, watcherQueueBytes: 16 * 1024 });
    try {
      await h.world.grant(leaseAt(1));
      commitMany(h, 3000);
      const watch = new WatchRecorder(h.events, { sinceRevision: 0 });
      watch.stream.pause();
      await waitFor(() => h.log.subscriberCount === 1, 'the subscription');
      await new Promise((r) => setTimeout(r, 50));
      h.world.compactBefore(2500);
      watch.stream.resume();
      await watch.until((w) => w.cases.includes('synced'), 'Synced');
      const reset = watch.cases.indexOf('reset');
      assert.ok(reset > 0, 'some events were replayed before the compaction');
      const before = watch.frames
        .slice(0, reset)
        .flatMap((f) => (f.payload?.$case === 'events' ? f.payload.events.events.map((e) => e.revision) : []));
      assert.deepEqual(before, range(1, before.length), 'the replay before the Reset had no gap');
      assert.ok(before.length < 2499, `the replay was overtaken (${before.length} events before the Reset)`);
      const synced = watch.frames.at(-1)!.payload;
      assert.ok(synced?.$case === 'synced');
      assert.equal(synced.synced.revision, 3001);
      const [next] = h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(1) }]);
      await watch.until((w) => w.revisions.at(-1) === next!.revision, 'the live event');
      await watch.cancel();
    } finally {
      await h.close();
    }
  });

  test('a revision beyond the newest (a replaced database) gets Reset, then Synced at the newest', async () => {
    const h = await startHarness();
    try {
      await h.world.grant(leaseAt(1));
      const watch = new WatchRecorder(h.events, { sinceRevision: 99 });
      await watch.until((w) => w.cases.includes('synced'), 'Synced');
      assert.deepEqual(watch.cases, ['reset', 'events', 'synced']);
      const synced = watch.frames[2]!.payload;
      assert.ok(synced?.$case === 'synced' && synced.synced.revision === 1);
      await watch.cancel();
    } finally {
      await h.close();
    }
  });

  test('since 0 on a log that no longer starts at 1 gets a Reset', async () => {
    const h = await startHarness();
    try {
      // Forty revisions, all compacted away: the log's next revision is 41.
      commitMany(h, 40);
      h.world.compactBefore(41);
      await h.world.grant(leaseAt(1));
      assert.equal(h.log.firstRetainedRevision(), 41);
      const watch = new WatchRecorder(h.events, { sinceRevision: 0 });
      await watch.until((w) => w.cases.includes('synced'), 'Synced');
      assert.deepEqual(watch.cases, ['reset', 'events', 'synced']);
      await watch.cancel();
    } finally {
      await h.close();
    }
  });

  test('an empty log resumes from 0 without a Reset', async () => {
    const h = await startHarness();
    try {
      const watch = new WatchRecorder(h.events, { sinceRevision: 0 });
      await waitFor(() => h.server.openWatches === 1, 'the watcher');
      await h.world.grant(leaseAt(1));
      await watch.until((w) => w.revisions.length === 1, 'the first event');
      assert.deepEqual(watch.cases, ['events']);
      await watch.cancel();
    } finally {
      await h.close();
    }
  });
});

describe('Watch: kinds, bookmarks, errors', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ bookmarkIntervalMs: 100 });
  });
  after(() => h.close());

  test('kinds keeps the events asked for, by full kind or by object type', async () => {
    const since = h.log.lastRevision();
    h.world.commit([{ object: 'lease', kind: 'lease.granted', lease: leaseAt(1) }]);
    h.world.commit([{ object: 'lease', kind: 'lease.released', lease: leaseAt(1, { state: 'released' }) }]);
    const reservation = {
      id: 'api-9',
      subnetId: '10.123.0.0/24',
      mac: '52:54:00:aa:bb:01',
      clientId: null,
      ip: 0x0a7b0014,
      hostname: null,
      source: 'api' as const,
      options: [],
      nextServer: null,
      bootFile: null,
      serverHostname: null,
    };
    h.world.commit([{ object: 'reservation', kind: 'reservation.created', reservation }]);
    const released = new WatchRecorder(h.events, { sinceRevision: since, kinds: ['lease.released'] });
    const reservations = new WatchRecorder(h.events, { sinceRevision: since, kinds: ['reservation'] });
    const both = new WatchRecorder(h.events, { sinceRevision: since, kinds: ['lease.granted', 'reservation.created'] });
    await released.until((w) => w.revisions.length === 1, 'lease.released');
    await reservations.until((w) => w.revisions.length === 1, 'the reservation');
    await both.until((w) => w.revisions.length === 2, 'both kinds');
    assert.deepEqual(released.revisions, [since + 2]);
    assert.deepEqual(reservations.revisions, [since + 3]);
    assert.deepEqual(both.revisions, [since + 1, since + 3]);
    for (const w of [released, reservations, both]) await w.cancel();
  });

  test('an idle watcher gets Bookmarks at the newest revision, filtered-out events included', async () => {
    const watch = new WatchRecorder(h.events, { sinceRevision: h.log.lastRevision(), kinds: ['reservation'] });
    await waitFor(() => h.server.openWatches === 1, 'the watcher');
    const [skipped] = h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(3) }]);
    await watch.until((w) => w.cases.filter((c) => c === 'bookmark').length >= 2, 'two bookmarks');
    assert.ok(
      watch.cases.every((c) => c === 'bookmark'),
      'only bookmarks: the lease event was filtered out',
    );
    const last = watch.frames.at(-1)!.payload;
    assert.ok(last?.$case === 'bookmark');
    assert.equal(last.bookmark.revision, skipped!.revision);
    await watch.cancel();
  });

  test('a busy watcher gets no Bookmark', async () => {
    const watch = new WatchRecorder(h.events, { sinceRevision: h.log.lastRevision() });
    await waitFor(() => h.server.openWatches === 1, 'the watcher');
    for (let i = 0; i < 20; i++) {
      h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(i) }]);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(watch.revisions.length, 20);
    assert.ok(!watch.cases.includes('bookmark'), `no bookmark while events flow: ${watch.cases.join(',')}`);
    await watch.cancel();
  });

  test('an unknown kind is INVALID_ARGUMENT naming the entry, and subscribes nothing', async () => {
    const watch = new WatchRecorder(h.events, { kinds: ['lease', 'vm.exploded'] });
    await watch.until((w) => w.error !== null, 'the error');
    assert.equal(watch.error!.code, grpc.status.INVALID_ARGUMENT);
    assert.match(watch.error!.details, /^kinds\[1\]: "vm\.exploded" is not an event kind/);
    assert.equal(h.log.subscriberCount, 0);
  });

  test('cancelling removes the subscriber at once', async () => {
    const watch = new WatchRecorder(h.events, { sinceRevision: h.log.lastRevision() });
    await waitFor(() => h.log.subscriberCount === 1, 'the subscription');
    await watch.cancel();
    assert.equal(watch.error?.code, grpc.status.CANCELLED);
    await waitFor(() => h.log.subscriberCount === 0 && h.server.openWatches === 0, 'the subscriber to go');
  });
});

describe('Watch: a Bookmark one interval after the last frame', () => {
  // The old rule ("a tick with nothing sent since the previous tick") put the first Bookmark after
  // a replay up to two intervals late; it must come one interval after the last frame. 600 ms
  // leaves 400 ms of slack for a loaded machine below the two-interval mark.
  const INTERVAL_MS = 600;

  test('after a replay, the first Bookmark comes after one interval of silence, well before two', async (t) => {
    const h = await startHarness({ bookmarkIntervalMs: INTERVAL_MS });
    try {
      commitMany(h, 3);
      const asked = Date.now();
      const watch = new WatchRecorder(h.events, { sinceRevision: h.log.lastRevision() - 1 });
      await watch.until((w) => w.revisions.length === 1, 'the replay');
      const replayed = Date.now();
      await watch.until((w) => w.cases.includes('bookmark'), 'the first Bookmark', 3 * INTERVAL_MS);
      const bookmarked = Date.now();
      t.diagnostic(`Bookmark ${bookmarked - replayed} ms after the replay (interval ${INTERVAL_MS} ms)`);
      assert.deepEqual(watch.cases, ['events', 'bookmark']);
      assert.ok(
        bookmarked - asked >= INTERVAL_MS,
        `not before an interval of silence (${bookmarked - asked} ms after Watch)`,
      );
      assert.ok(
        bookmarked - replayed < 1.67 * INTERVAL_MS,
        `one interval after the replay, not two (${bookmarked - replayed} ms)`,
      );
      const bookmark = watch.frames.at(-1)!.payload;
      assert.ok(bookmark?.$case === 'bookmark');
      assert.equal(bookmark.bookmark.revision, h.log.lastRevision());
      await watch.cancel();
    } finally {
      await h.close();
    }
  });

  test('after a live event, the next Bookmark comes one interval after it, well before two', async (t) => {
    const h = await startHarness({ bookmarkIntervalMs: INTERVAL_MS });
    try {
      const watch = new WatchRecorder(h.events, { sinceRevision: h.log.lastRevision() });
      await watch.until((w) => w.cases.includes('bookmark'), 'the first Bookmark of an idle stream', 3 * INTERVAL_MS);
      // Just after a Bookmark: the old rule skipped the next tick and waited for the one after.
      const [event] = h.world.commit([{ object: 'lease', kind: 'lease.renewed', lease: leaseAt(1) }]);
      await watch.until((w) => w.revisions.length === 1, 'the live event');
      const sent = Date.now();
      await watch.until((w) => w.cases.length === 3, 'the next Bookmark', 3 * INTERVAL_MS);
      const bookmarked = Date.now();
      t.diagnostic(`Bookmark ${bookmarked - sent} ms after the event (interval ${INTERVAL_MS} ms)`);
      assert.deepEqual(watch.cases, ['bookmark', 'events', 'bookmark']);
      assert.ok(
        bookmarked - sent < 1.67 * INTERVAL_MS,
        `one interval after the event, not two (${bookmarked - sent} ms)`,
      );
      const bookmark = watch.frames.at(-1)!.payload;
      assert.ok(bookmark?.$case === 'bookmark' && bookmark.bookmark.revision === event!.revision);
      await watch.cancel();
    } finally {
      await h.close();
    }
  });
});
