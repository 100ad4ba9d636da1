// EventService.Watch, LeaseService and ReservationService on the real daemon (bin/homeplane.mjs in
// a lab's server namespace, gRPC on a unix socket) while real DHCP clients (busybox udhcpc in
// client namespaces) get, renew and release leases. One lab and one daemon for the whole file;
// the tests run in order and build on each other's leases, as a long-lived watcher would see them.
//
// The continuous watcher is one Watch per daemon lifetime, each resumed from the last revision
// the previous one received: `chain` holds their frames, and folding them (strictly: a duplicated
// or out-of-order revision throws) must give exactly what a fresh ListLeases lists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { parse, stringify } from 'yaml';
import { createLab, type Lab } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import type { Event, WatchResponse } from '../../../proto/gen/homeplane/v1/event.ts';
import { LeaseState, type Lease } from '../../../proto/gen/homeplane/v1/lease.ts';
import { ReservationSource, type Reservation } from '../../../proto/gen/homeplane/v1/reservation.ts';
import type { WatchRecorder } from '../testing/harness.ts';
import { bearer } from '../testing/harness.ts';
import { DaemonApi, grpcListenIn, ok } from './daemon-api.ts';
import { FoldedState, lastEventRevision, loggedEvents } from './folded-state.ts';
import { NamedUdhcpc } from './lab-client.ts';

const SUBNET = '10.123.0.0/24';
const LEASE_SECONDS = 3600; // long: no renewal at T1 disturbs the exact sequences below
const CONFIG_RESERVATION = { mac: '52:54:00:c0:ff:ee', ip: '10.123.0.10', hostname: 'config-host' };
const RESERVED_ADDRESS = '10.123.0.20';
const STREAM_WAIT_MS = 5_000;
/** busybox udhcpc waits 3 s after a NAK before it starts over (DISCOVER). */
const MOVE_WAIT_MS = 10_000;

const clientMac = (n: number) => `52:54:00:77:00:0${n}`;
const frameCase = (f: WatchResponse) => f.payload?.$case ?? 'none';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function kindsByAddress(events: readonly Event[]): Map<string, string[]> {
  const kinds = new Map<string, string[]>();
  for (const e of events) {
    if (e.object?.$case !== 'lease') continue;
    const address = e.object.lease.address;
    kinds.set(address, [...(kinds.get(address) ?? []), e.kind]);
  }
  return kinds;
}

function leaseOf(event: Event | undefined): Lease {
  assert.equal(event?.object?.$case, 'lease', `not a lease event: ${JSON.stringify(event)}`);
  return (event!.object as { lease: Lease }).lease;
}

function reservationOf(event: Event | undefined): Reservation {
  assert.equal(event?.object?.$case, 'reservation', `not a reservation event: ${JSON.stringify(event)}`);
  return (event!.object as { reservation: Reservation }).reservation;
}

function assertStrictlyRising(revisions: readonly number[]): void {
  for (let i = 1; i < revisions.length; i++) {
    assert.ok(
      revisions[i]! > revisions[i - 1]!,
      `revision ${revisions[i]} follows ${revisions[i - 1]}: ${revisions.join(',')}`,
    );
  }
}

describe('Watch on the real daemon with real DHCP clients', { concurrency: 1 }, () => {
  let lab: Lab;
  let daemon: LabDaemon;
  let api: DaemonApi;
  const clients: NamedUdhcpc[] = [];
  /** Where each client is bound now (by index). */
  const bound = new Map<number, string>();
  /** The continuous watcher: one stream per daemon lifetime, each resumed from the one before. */
  const segments: WatchRecorder[] = [];
  const chain = (): WatchResponse[] => segments.flatMap((s) => s.frames);
  const current = (): WatchRecorder => segments.at(-1)!;
  /** The Watch opened with the continuous one, cancelled in the resume test. */
  let dropped: WatchRecorder;

  before(async () => {
    lab = await createLab({ name: 'grpc-watch', subnets: [{ clients: 5 }] });
    daemon = await LabDaemon.start(lab, (dataDir) => ({
      ...labConfig(lab, dataDir, { leaseTime: LEASE_SECONDS }, { reservations: [CONFIG_RESERVATION] }),
      grpc: { listen: grpcListenIn(dataDir) },
    }));
    api = DaemonApi.connect(daemon.dataDir);
    for (const [i, host] of lab.clients.entries())
      clients.push(await NamedUdhcpc.on(lab, host, clientMac(i + 1), `client-${i + 1}`));
  });

  after(async () => {
    api?.close();
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await daemon?.dispose();
    await lab?.destroy();
  });

  async function revisionNow(): Promise<number> {
    return ok(await api.listLeases({ pageSize: 1 }), 'ListLeases').revision;
  }

  /**
   * A DHCPRELEASE has no reply, so a client is done once it has sent one: waits (polling
   * ListLeases) until the daemon has committed up to `target`, and returns the revision then.
   */
  async function revisionReaches(target: number): Promise<number> {
    const deadline = Date.now() + STREAM_WAIT_MS;
    for (;;) {
      const revision = await revisionNow();
      if (revision >= target || Date.now() > deadline) return revision;
      await sleep(20);
    }
  }

  async function caughtUp(watch: WatchRecorder, revision?: number): Promise<void> {
    const target = revision ?? (await revisionNow());
    await watch.until((w) => lastEventRevision(w.frames) >= target, `events up to revision ${target}`, STREAM_WAIT_MS);
  }

  async function lease(index: number): Promise<string> {
    const address = await clients[index]!.lease();
    bound.set(index, address);
    return address;
  }

  async function relaunch(): Promise<void> {
    api.close();
    await daemon.launch();
    api = DaemonApi.connect(daemon.dataDir);
  }

  /** The folded chain must hold exactly the leases ListLeases lists, and the API's reservations. */
  async function assertChainMatchesList(): Promise<FoldedState> {
    const folded = new FoldedState().apply(chain());
    const listed = await api.allLeases();
    assert.equal(folded.revision, listed.revision, 'the watcher is at the revision the list reflects');
    assert.deepEqual(folded.leaseList(), listed.leases);
    const apiReservations = ok(
      await api.listReservations({ source: ReservationSource.RESERVATION_SOURCE_API }),
      'ListReservations',
    );
    assert.deepEqual(folded.reservationList(), apiReservations.reservations);
    return folded;
  }

  test('Watch streams real leases as they are granted and released, in order and in full', async () => {
    segments.push(api.watch({ sinceRevision: 0 }));
    dropped = api.watch({ sinceRevision: 0 });
    const [a1, a2, a3] = await Promise.all([lease(0), lease(1), lease(2)]);
    await Promise.all([clients[0]!.release(), clients[1]!.release()]);
    await caughtUp(current(), await revisionReaches(5));

    const events = loggedEvents(current().frames);
    // A fresh log: revisions 1..5, nothing before the first grant (no Reset either).
    assert.deepEqual(
      events.map((e) => e.revision),
      [1, 2, 3, 4, 5],
    );
    assert.equal(frameCase(current().frames[0]!), 'events');
    assert.deepEqual(
      kindsByAddress(events),
      new Map([
        [a1, ['lease.granted', 'lease.released']],
        [a2, ['lease.granted', 'lease.released']],
        [a3, ['lease.granted']],
      ]),
    );
    for (const event of events) {
      const l = leaseOf(event);
      const index = [a1, a2, a3].indexOf(l.address);
      const client = clients[index]!;
      assert.equal(l.subnet, SUBNET);
      assert.equal(l.hwAddress, client.mac);
      assert.equal(l.clientId, client.clientId);
      assert.equal(l.hostname, client.hostname);
      if (event.kind === 'lease.granted') {
        assert.equal(l.state, LeaseState.LEASE_STATE_ACTIVE);
        assert.equal(l.expiresAt!.getTime() - l.startsAt!.getTime(), LEASE_SECONDS * 1000);
      } else {
        assert.equal(l.state, LeaseState.LEASE_STATE_RELEASED);
        assert.ok(l.expiresAt!.getTime() <= Date.now(), 'a released lease ends when it is released');
      }
    }
    await assertChainMatchesList();
  });

  test('a watcher that disconnects resumes from its last revision: nothing missed, nothing twice', async () => {
    await caughtUp(dropped);
    // Cancelled while a client is getting its lease; more happen before it comes back.
    const fourth = lease(3);
    await dropped.cancel();
    assert.equal(dropped.error?.code, grpc.status.CANCELLED);
    const resumeFrom = lastEventRevision(dropped.frames);
    await fourth;
    const backAgain = lease(0);
    // Opened while the first client's DORA may be committing: the subscribe/replay seam.
    const resumed = api.watch({ sinceRevision: resumeFrom });
    const a1 = await backAgain;
    const revision = await revisionNow();
    await Promise.all([caughtUp(resumed, revision), caughtUp(current(), revision)]);

    const fresh = loggedEvents(resumed.frames);
    assert.ok(
      fresh.length > 0 && fresh[0]!.revision === resumeFrom + 1,
      `resumed at ${fresh[0]?.revision} after ${resumeFrom}`,
    );
    // Exactly the events the continuous watcher saw, payloads included.
    assert.deepEqual([...loggedEvents(dropped.frames), ...fresh], loggedEvents(current().frames));
    const folded = new FoldedState().apply(dropped.frames).apply(resumed.frames);
    assert.deepEqual(folded.leaseList(), new FoldedState().apply(current().frames).leaseList());
    // The returning client got its old address back: granted, released, granted.
    assert.deepEqual(kindsByAddress(loggedEvents(current().frames)).get(a1), [
      'lease.granted',
      'lease.released',
      'lease.granted',
    ]);
    resumed.stream.cancel();
    await assertChainMatchesList();
  });

  test('reservations: a NAK at renewal moves the client; collisions and config entries are refused; events stream', async () => {
    const c3 = clients[2]!;
    const c4 = clients[3]!;
    const start = await revisionNow();
    const created = ok(
      await api.createReservation({ mac: c3.mac.toUpperCase(), address: RESERVED_ADDRESS, hostname: 'pinned' }),
      'CreateReservation',
    ).reservation!;
    assert.ok(created.id !== '');
    assert.deepEqual(
      { ...created, id: '' },
      {
        id: '',
        subnet: SUBNET,
        mac: c3.mac,
        clientId: '',
        address: RESERVED_ADDRESS,
        hostname: 'pinned',
        source: ReservationSource.RESERVATION_SOURCE_API,
        // Created without options or boot settings: none of its own (issue 10's fields).
        options: [],
        nextServer: '',
        bootFile: '',
        serverHostname: '',
      },
    );

    const refusals: [string, Promise<{ error?: grpc.ServiceError }>, RegExp][] = [
      [
        'same MAC',
        api.createReservation({ mac: c3.mac, address: '10.123.0.21' }),
        new RegExp(`MAC ${c3.mac}.*"${created.id}"`),
      ],
      [
        'config address',
        api.createReservation({ mac: '52:54:00:99:00:01', address: CONFIG_RESERVATION.ip }),
        /address 10\.123\.0\.10.*"cfg-1".*config/,
      ],
      [
        'leased address',
        api.createReservation({ mac: '52:54:00:99:00:01', address: bound.get(3)! }),
        new RegExp(`leased to another client \\(${c4.mac}\\)`),
      ],
    ];
    for (const [what, outcome, names] of refusals) {
      const { error } = await outcome;
      assert.equal(error?.code, grpc.status.FAILED_PRECONDITION, `${what}: ${error?.details}`);
      assert.match(error!.details, names, what);
    }
    const config = (await api.allReservations()).find((r) => r.source === ReservationSource.RESERVATION_SOURCE_CONFIG)!;
    assert.equal(config.address, CONFIG_RESERVATION.ip);
    const edit = await api.updateReservation({ id: config.id, hostname: 'edited' }, ['hostname']);
    assert.equal(edit.error?.code, grpc.status.FAILED_PRECONDITION, edit.error?.details);
    const removal = await api.deleteReservation(config.id);
    assert.equal(removal.error?.code, grpc.status.FAILED_PRECONDITION, removal.error?.details);

    // The client renews now: NAKed (RFC 2131 4.3.2), it starts over and binds the reserved address.
    const from = c3.events().length;
    c3.renewNow();
    assert.equal(await c3.nextBound(from, MOVE_WAIT_MS), RESERVED_ADDRESS);
    assert.ok(
      c3
        .events()
        .slice(from)
        .some((e) => e.reason === 'nak'),
      `no NAK reached udhcpc: ${c3
        .events()
        .map((e) => e.reason)
        .join(',')}`,
    );
    const old = bound.get(2)!;
    bound.set(2, RESERVED_ADDRESS);

    const updated = ok(
      await api.updateReservation({ id: created.id, hostname: 'pinned-2' }, ['hostname']),
      'UpdateReservation',
    ).reservation!;
    const temporary = ok(
      await api.createReservation({ mac: '52:54:00:99:00:02', address: '10.123.0.22' }),
      'CreateReservation',
    ).reservation!;
    ok(await api.deleteReservation(temporary.id), 'DeleteReservation');

    await caughtUp(current());
    const events = loggedEvents(current().frames).filter((e) => e.revision > start);
    assertStrictlyRising(events.map((e) => e.revision));
    assert.deepEqual(
      events.map((e) => e.kind),
      [
        'reservation.created',
        'lease.deleted',
        'lease.granted',
        'reservation.updated',
        'reservation.created',
        'reservation.deleted',
      ],
    );
    assert.deepEqual(reservationOf(events[0]), created);
    assert.deepEqual([leaseOf(events[1]).address, leaseOf(events[1]).hwAddress], [old, c3.mac]);
    assert.deepEqual(
      [leaseOf(events[2]).address, leaseOf(events[2]).hwAddress, leaseOf(events[2]).state],
      [RESERVED_ADDRESS, c3.mac, LeaseState.LEASE_STATE_ACTIVE],
    );
    assert.deepEqual(reservationOf(events[3]), updated);
    assert.deepEqual([reservationOf(events[4]), reservationOf(events[5])], [temporary, temporary]);
    const folded = await assertChainMatchesList();
    assert.deepEqual([...folded.reservations.values()], [updated]);
  });

  test('across a graceful restart: a final Bookmark, UNAVAILABLE, then resume with revisions continuing', async () => {
    const before = await api.allLeases();
    const reservationsBefore = await api.allReservations();
    await caughtUp(current(), before.revision);
    const lastSeen = lastEventRevision(chain());
    const framesBefore = current().frames.length;
    assert.equal(await daemon.stop(), 0);
    await current().until((w) => w.error !== null || w.ended, 'the stream to end at shutdown', STREAM_WAIT_MS);
    assert.equal(current().error?.code, grpc.status.UNAVAILABLE, current().error?.details);
    const tail = current().frames.slice(framesBefore);
    assert.ok(
      tail.length > 0 && tail.every((f) => frameCase(f) === 'bookmark'),
      `after stop: ${tail.map(frameCase).join(',')}`,
    );
    assert.deepEqual(tail.at(-1)!.payload, { $case: 'bookmark', bookmark: { revision: before.revision } });

    await relaunch();
    // The tables came back as they were, API reservation included.
    assert.deepEqual(await api.allLeases(), before);
    assert.deepEqual(await api.allReservations(), reservationsBefore);
    segments.push(api.watch({ sinceRevision: lastSeen }));
    const a2 = await lease(1);
    await caughtUp(current());
    const fresh = loggedEvents(current().frames);
    assert.equal(
      fresh[0]?.revision,
      lastSeen + 1,
      'the first revision after the restart follows the last one before it',
    );
    assert.deepEqual([fresh[0]!.kind, leaseOf(fresh[0]).address], ['lease.granted', a2]);
    await assertChainMatchesList();
  });

  /** The last revision the chain saw before the kill -9. */
  let seenBeforeKill = 0;

  test('after kill -9 the daemon starts again on its unix socket', async () => {
    // A release on its way while the daemon dies: committed or not, the watcher must agree with the table.
    await clients[0]!.release();
    bound.delete(0);
    await daemon.kill();
    await current().until(
      (w) => w.error !== null || w.ended,
      'the stream to fail when the daemon dies',
      STREAM_WAIT_MS,
    );
    seenBeforeKill = lastEventRevision(chain());
    // The killed daemon left its socket file behind; the new one must clear it and start.
    await relaunch();
    assert.match(readFileSync(daemon.configFile, 'utf8'), /grpc/);
    assert.ok(
      daemon.logs.some((l) => l.msg === 'removed a stale gRPC socket file left by a daemon that did not shut down'),
    );
  });

  test('across kill -9: resume from the last revision seen, nothing missed or repeated, no revision reused', async () => {
    const seen = seenBeforeKill;
    const committed = await revisionNow();
    assert.ok(committed >= seen, `the database lost revisions the watcher saw: ${committed} < ${seen}`);
    segments.push(api.watch({ sinceRevision: seen }));
    const a5 = await lease(4);
    await caughtUp(current());
    const afterRestart = loggedEvents(current().frames).filter((e) => e.revision > committed);
    assert.equal(afterRestart.length, 1);
    assert.deepEqual([afterRestart[0]!.kind, leaseOf(afterRestart[0]).address], ['lease.granted', a5]);
    assert.ok(afterRestart[0]!.revision > seen);
    assertStrictlyRising(loggedEvents(chain()).map((e) => e.revision));
    await assertChainMatchesList();
    // A fresh watcher replays the whole log: exactly the events the resumed chain received.
    const replay = api.watch({ sinceRevision: 0 });
    await caughtUp(replay);
    assert.deepEqual(loggedEvents(replay.frames), loggedEvents(chain()));
    replay.stream.cancel();
  });

  test('a revision compacted away gets Reset, a snapshot that matches ListLeases, Synced, then live events', async () => {
    const config = parse(readFileSync(daemon.configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(daemon.configFile, stringify({ ...config, events: { retention: '1s' } }));
    const before = await api.allLeases();
    const reservationsBefore = await api.allReservations();
    await caughtUp(current(), before.revision);
    await daemon.stop();
    await sleep(1_100); // every event is now older than the retention the daemon starts with
    const logsBefore = daemon.logs.length;
    await relaunch();
    const compacted = daemon.logs.slice(logsBefore).find((l) => l.msg === 'event log compacted');
    assert.deepEqual([compacted?.removed, compacted?.firstRetained], [before.revision, before.revision + 1]);

    const reset = api.watch({ sinceRevision: 3 });
    const fromZero = api.watch({ sinceRevision: 0 }); // the log no longer starts at 1
    segments.push(api.watch({ sinceRevision: lastEventRevision(chain()) })); // still resumable
    for (const watch of [reset, fromZero]) {
      await watch.until((w) => w.cases.includes('synced'), 'Synced', STREAM_WAIT_MS);
      const synced = watch.frames.findIndex((f) => frameCase(f) === 'synced');
      assert.equal(frameCase(watch.frames[0]!), 'reset');
      const snapshot = watch.frames
        .slice(1, synced)
        .flatMap((f) => (f.payload?.$case === 'events' ? f.payload.events.events : []));
      // The current objects: every lease and reservation, and the hypervisor host (no VMs here).
      assert.equal(snapshot.length, before.leases.length + reservationsBefore.length + 1);
      assert.ok(
        snapshot.every(
          (e) => e.revision === 0 && ['lease.snapshot', 'reservation.snapshot', 'host.snapshot'].includes(e.kind),
        ),
      );
      assert.equal(snapshot.filter((e) => e.kind === 'host.snapshot').length, 1);
      assert.deepEqual(watch.frames[synced]!.payload, { $case: 'synced', synced: { revision: before.revision } });
      const folded = new FoldedState().apply(watch.frames);
      assert.deepEqual(folded.leaseList(), before.leases);
      assert.deepEqual(folded.reservationList(), reservationsBefore);
    }

    await clients[3]!.release();
    const revision = await revisionReaches(before.revision + 1);
    assert.equal(revision, before.revision + 1, 'the revision continues after compaction');
    for (const watch of [reset, fromZero, current()]) {
      await caughtUp(watch, revision);
      const live = loggedEvents(watch.frames);
      assert.deepEqual(
        live.map((e) => [e.revision, e.kind, leaseOf(e).address]),
        [[revision, 'lease.released', bound.get(3)]],
      );
    }
    assert.equal(frameCase(current().frames[0]!), 'events', 'a watcher at the newest revision is not Reset');
    assert.deepEqual(new FoldedState().apply(reset.frames).leaseList(), (await api.allLeases()).leases);
    await assertChainMatchesList();
  });

  test('missing or wrong tokens are UNAUTHENTICATED for unary calls and for Watch', async () => {
    assert.equal(statSync(join(daemon.dataDir, 'grpc.token')).mode & 0o777, 0o600);
    const bare = new grpc.Metadata();
    bare.set('authorization', api.token); // the token without the Bearer scheme
    const refusals = { none: new grpc.Metadata(), wrong: bearer(`${api.token.slice(1)}x`), 'no scheme': bare };
    for (const [what, metadata] of Object.entries(refusals)) {
      const { error } = await api.listLeases({}, metadata);
      assert.equal(error?.code, grpc.status.UNAUTHENTICATED, `ListLeases, ${what} token`);
      const watch = api.watch({ sinceRevision: 0 }, metadata);
      await watch.until((w) => w.error !== null || w.ended, `Watch, ${what} token, to fail`, STREAM_WAIT_MS);
      assert.equal(watch.error?.code, grpc.status.UNAUTHENTICATED, `Watch, ${what} token`);
      assert.deepEqual(watch.frames, []);
    }
    ok(await api.listLeases({}), 'ListLeases with the token');
  });
});
