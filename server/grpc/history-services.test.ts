// EventService.ListEvents, StatsService.GetLeaseActivity and StatusService.GetStatus on a real
// server over the real SQLite event log on a temporary file (a fresh one per test): paging,
// kind filters, bucket alignment and boundaries, and every INVALID_ARGUMENT the contract names.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { LeaseEventKind } from '../dhcp/lease.ts';
import type { EventDraft } from '../events/types.ts';
import { testLease, WORLD_NOW } from './testing/dhcp-world.ts';
import { call, startHarness, TEST_STATUS, waitFor, WatchRecorder, type Harness } from './testing/harness.ts';
import { INVALID_FIELD_KEY } from './status.ts';

const MINUTE = 60_000;

const leaseEvent = (kind: LeaseEventKind, address = '10.123.0.150'): EventDraft => ({
  object: 'lease',
  kind,
  lease: testLease(address),
});

const reservationEvent = (id: string): EventDraft => ({
  object: 'reservation',
  kind: 'reservation.created',
  reservation: {
    id,
    subnetId: '10.123.0.0/24',
    mac: '52:54:00:aa:bb:01',
    clientId: null,
    ip: 0x0a7b0014,
    hostname: null,
    source: 'api',
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
  },
});

describe('history services', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const listEvents = () => h.events.listEvents.bind(h.events) as never;
  const activity = () => h.stats.getLeaseActivity.bind(h.stats) as never;

  /** Commits `drafts`, each in a transaction of its own, at `time` (epoch ms). */
  const commitAt = (time: number, ...drafts: EventDraft[]): void => {
    h.world.clock.set(time);
    for (const draft of drafts) h.world.commit([draft]);
  };

  describe('EventService.ListEvents', () => {
    test('pages newest first with next_before_revision until the oldest, and reports the newest revision', async () => {
      for (let i = 0; i < 7; i += 1) commitAt(WORLD_NOW + i, leaseEvent('lease.renewed'));
      const seen: number[] = [];
      let before = 0;
      let pages = 0;
      do {
        const { response, error } = await call(listEvents(), { beforeRevision: before, pageSize: 3, kinds: [] });
        assert.equal(error, undefined);
        const page = response as {
          events: { revision: number; kind: string }[];
          nextBeforeRevision: number;
          revision: number;
        };
        assert.equal(page.revision, 7);
        seen.push(...page.events.map((e) => e.revision));
        before = page.nextBeforeRevision;
        pages += 1;
      } while (before !== 0);
      assert.deepEqual(seen, [7, 6, 5, 4, 3, 2, 1]);
      assert.equal(pages, 3);
    });

    test('carries the object and commit time as Watch does', async () => {
      commitAt(WORLD_NOW, leaseEvent('lease.granted', '10.123.0.151'));
      const { response } = await call(listEvents(), { beforeRevision: 0, pageSize: 0, kinds: [] });
      const [event] = (response as { events: { revision: number; kind: string; time: Date; object: unknown }[] })
        .events;
      assert.equal(event!.kind, 'lease.granted');
      assert.equal(event!.time.getTime(), WORLD_NOW);
      const object = event!.object as { $case: string; lease: { address: string } };
      assert.equal(object.$case, 'lease');
      assert.equal(object.lease.address, '10.123.0.151');
    });

    test('filters by full kind and by object type; a page of exactly the rest ends with 0', async () => {
      commitAt(WORLD_NOW, leaseEvent('lease.granted'), reservationEvent('1'), leaseEvent('lease.expired'));
      commitAt(WORLD_NOW, reservationEvent('2'), leaseEvent('lease.granted'));
      const kinds = async (filter: string[], pageSize = 10) => {
        const { response, error } = await call(listEvents(), { beforeRevision: 0, pageSize, kinds: filter });
        assert.equal(error, undefined);
        const page = response as { events: { revision: number; kind: string }[]; nextBeforeRevision: number };
        return { revisions: page.events.map((e) => e.revision), next: page.nextBeforeRevision };
      };
      assert.deepEqual(await kinds(['lease.granted']), { revisions: [5, 1], next: 0 });
      assert.deepEqual(await kinds(['reservation']), { revisions: [4, 2], next: 0 });
      assert.deepEqual(await kinds(['reservation', 'lease.expired']), { revisions: [4, 3, 2], next: 0 });
      assert.deepEqual(await kinds(['reservation'], 2), { revisions: [4, 2], next: 0 });
      assert.deepEqual(await kinds(['lease'], 2), { revisions: [5, 3], next: 3 });
      assert.deepEqual(await kinds(['lease.snapshot']), { revisions: [], next: 0 });
    });

    test('before_revision resumes below it; the history ends at the oldest retained event', async () => {
      for (let i = 0; i < 6; i += 1) commitAt(WORLD_NOW, leaseEvent('lease.renewed'));
      h.world.compactBefore(3);
      const { response } = await call(listEvents(), { beforeRevision: 5, pageSize: 10, kinds: [] });
      const page = response as { events: { revision: number }[]; nextBeforeRevision: number; revision: number };
      assert.deepEqual(
        page.events.map((e) => e.revision),
        [4, 3],
      );
      assert.equal(page.nextBeforeRevision, 0);
      assert.equal(page.revision, 6);
    });

    test('page_size 0 is 100, above 1000 is 1000', async () => {
      h.world.clock.set(WORLD_NOW);
      h.world.commit(Array.from({ length: 1001 }, () => leaseEvent('lease.renewed')));
      const size = async (pageSize: number) => {
        const { response } = await call(listEvents(), { beforeRevision: 0, pageSize, kinds: [] });
        const page = response as { events: unknown[]; nextBeforeRevision: number };
        return [page.events.length, page.nextBeforeRevision];
      };
      assert.deepEqual(await size(0), [100, 902]);
      assert.deepEqual(await size(5000), [1000, 2]);
    });

    test('an empty log gives an empty page, revision 0', async () => {
      const { response } = await call(listEvents(), { beforeRevision: 0, pageSize: 0, kinds: [] });
      assert.deepEqual(response, { events: [], nextBeforeRevision: 0, revision: 0 });
    });

    test('an unknown kind is INVALID_ARGUMENT naming its index, as Watch does', async () => {
      const { error } = await call(listEvents(), { beforeRevision: 0, pageSize: 0, kinds: ['lease', 'lease.grant'] });
      assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(error?.metadata.get(INVALID_FIELD_KEY)[0], 'kinds[1]');
      assert.match(error!.details, /^kinds\[1\]: "lease.grant" is not an event kind/);
    });
  });

  describe('StatsService.GetLeaseActivity', () => {
    type Bucket = {
      startTime: Date;
      granted: number;
      renewed: number;
      released: number;
      expired: number;
      declined: number;
    };
    const get = async (bucketSeconds: number, windowSeconds: number) =>
      call(activity(), { bucketSeconds, windowSeconds }) as Promise<{
        response?: { buckets: Bucket[]; retainedSince?: Date; revision: number };
        error?: grpc.ServiceError;
      }>;

    test('counts each lease kind per minute, buckets aligned to the epoch, empty ones included, the last holding now', async () => {
      // WORLD_NOW is 03:30:00.000, a minute boundary: the window is 03:26 to 03:30 (five buckets).
      const at = (hhmmss: string, ms = 0) => Date.parse(`2025-01-02T${hhmmss}Z`) + ms;
      commitAt(at('03:25:59', 999), leaseEvent('lease.granted')); // just before the window
      commitAt(at('03:26:00'), leaseEvent('lease.granted'), leaseEvent('lease.granted')); // first instant of it
      commitAt(at('03:26:59', 999), leaseEvent('lease.renewed'), reservationEvent('1')); // last instant of bucket 1
      commitAt(at('03:27:00'), leaseEvent('lease.released'), leaseEvent('lease.deleted')); // bucket 2
      commitAt(at('03:29:30'), leaseEvent('lease.expired'), leaseEvent('lease.declined'));
      commitAt(at('03:30:00'), leaseEvent('lease.granted')); // now: the last bucket
      h.world.clock.set(at('03:30:00', 400));
      const { response, error } = await get(60, 300);
      assert.equal(error, undefined);
      assert.deepEqual(
        response!.buckets.map((b) => [
          b.startTime.toISOString().slice(11, 19),
          b.granted,
          b.renewed,
          b.released,
          b.expired,
          b.declined,
        ]),
        [
          ['03:26:00', 2, 1, 0, 0, 0],
          ['03:27:00', 0, 0, 1, 0, 0],
          ['03:28:00', 0, 0, 0, 0, 0],
          ['03:29:00', 0, 0, 0, 1, 1],
          ['03:30:00', 1, 0, 0, 0, 0],
        ],
      );
      assert.equal(response!.retainedSince?.getTime(), at('03:25:59', 999));
      assert.equal(response!.revision, 10);
    });

    test('hour buckets over a day: 24 of them, each starting on the hour', async () => {
      commitAt(WORLD_NOW - 24 * 3600_000, leaseEvent('lease.granted')); // a day ago: outside
      commitAt(WORLD_NOW - 23 * 3600_000, leaseEvent('lease.granted'));
      h.world.clock.set(WORLD_NOW);
      const { response } = await get(3600, 86400);
      assert.equal(response!.buckets.length, 24);
      assert.ok(response!.buckets.every((b) => b.startTime.getTime() % 3600_000 === 0));
      assert.equal(response!.buckets[23]!.startTime.toISOString(), '2025-01-02T03:00:00.000Z');
      assert.deepEqual(
        response!.buckets.map((b) => b.granted),
        [1, ...Array.from({ length: 23 }, () => 0)],
      );
    });

    test('retained_since follows compaction and is unset for an empty log', async () => {
      const empty = await get(60, 60);
      assert.equal(empty.response!.retainedSince, undefined);
      assert.equal(empty.response!.buckets.length, 1);
      commitAt(WORLD_NOW - 5 * MINUTE, leaseEvent('lease.granted'));
      commitAt(WORLD_NOW - 2 * MINUTE, leaseEvent('lease.renewed'));
      h.world.compactBefore(2);
      const after = await get(60, 600);
      assert.equal(after.response!.retainedSince?.getTime(), WORLD_NOW - 2 * MINUTE);
      assert.equal(
        after.response!.buckets.reduce((n, b) => n + b.granted + b.renewed, 0),
        1,
        'the compacted grant is gone',
      );
    });

    for (const [bucket, window, field, reason] of [
      [0, 3600, 'bucket_seconds', /0 is outside 60-3600/],
      [59, 3600, 'bucket_seconds', /outside 60-3600/],
      [3601, 7200, 'bucket_seconds', /outside 60-3600/],
      [60, 0, 'window_seconds', /outside 60 \(bucket_seconds\)-604800/],
      [120, 60, 'window_seconds', /outside 120/],
      [60, 604860, 'window_seconds', /outside 60 \(bucket_seconds\)-604800/],
      [60, 90, 'window_seconds', /not a multiple of bucket_seconds \(60\)/],
      [60, 86460, 'window_seconds', /1441 buckets of 60 s; at most 1440/],
    ] as const) {
      test(`bucket_seconds ${bucket}, window_seconds ${window}: INVALID_ARGUMENT naming ${field}`, async () => {
        const { error } = await get(bucket, window);
        assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
        assert.equal(error?.metadata.get(INVALID_FIELD_KEY)[0], field);
        assert.match(error!.details, new RegExp(`^${field}: `));
        assert.match(error!.details, reason);
      });
    }

    test('the largest windows allowed pass: 1440 minutes, and 7 days of hours', async () => {
      assert.equal((await get(60, 86400)).response?.buckets.length, 1440);
      assert.equal((await get(3600, 604800)).response?.buckets.length, 168);
    });
  });

  describe('StatusService.GetStatus', () => {
    test('reports the version, start time and DHCP state it was given, and the newest revision', async () => {
      commitAt(WORLD_NOW, leaseEvent('lease.granted'), leaseEvent('lease.renewed'));
      const { response, error } = await call(h.status.getStatus.bind(h.status) as never, {});
      assert.equal(error, undefined);
      assert.deepEqual(response, {
        version: TEST_STATUS.version,
        startTime: new Date(TEST_STATUS.startTime),
        dhcp: { serving: true, disabledReason: '', interfaces: ['hp-test0'] },
        revision: 2,
        watchStreams: 0,
      });
    });

    test("counts the Watch streams open at the call, every client's", async () => {
      const statusWatchStreams = async (): Promise<unknown> => {
        const { response, error } = await call(h.status.getStatus.bind(h.status) as never, {});
        assert.equal(error, undefined);
        return (response as { watchStreams: unknown }).watchStreams;
      };
      const first = new WatchRecorder(h.events, {});
      const second = new WatchRecorder(h.separateEventClient(), {});
      await waitFor(() => h.server.openWatches === 2, 'both Watches open');
      assert.equal(await statusWatchStreams(), 2);
      await first.cancel();
      await waitFor(() => h.server.openWatches === 1, 'the cancelled Watch gone');
      assert.equal(await statusWatchStreams(), 1);
      await second.cancel();
      await waitFor(() => h.server.openWatches === 0, 'both Watches gone');
      assert.equal(await statusWatchStreams(), 0);
    });
  });
});

describe('StatusService.GetStatus with DHCP off', () => {
  test('gives the reason as given, no interfaces', async (t) => {
    const reason = 'DHCP disabled: /etc/homeplane.yaml has no dhcp section';
    const h = await startHarness({ status: { ...TEST_STATUS, dhcp: { serving: false, reason } } });
    t.after(() => h.close());
    const { response } = await call(h.status.getStatus.bind(h.status) as never, {});
    assert.deepEqual((response as { dhcp: unknown }).dhcp, { serving: false, disabledReason: reason, interfaces: [] });
  });
});
