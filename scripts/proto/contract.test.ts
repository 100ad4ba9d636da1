// The homeplane.v1 contract end to end: a grpc-js server built from the generated service
// definition streams Watch frames to a client built from the generated stubs, and to a client
// that loads the .proto files at run time with proto/ as its only include path. Plus: the
// committed stubs are what the .proto files generate (`npm run proto:check`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import {
  EventServiceClient,
  EventServiceService,
  Synced,
  type Event,
  type EventServiceServer,
  type WatchRequest,
  type WatchResponse,
} from '../../proto/gen/homeplane/v1/event.ts';
import { LeaseState, type Lease } from '../../proto/gen/homeplane/v1/lease.ts';
import { ReservationSource, type Reservation } from '../../proto/gen/homeplane/v1/reservation.ts';
import { protoPaths } from './buf.ts';

const lease: Lease = {
  address: '10.123.0.57',
  subnet: '10.123.0.0/24',
  hwAddress: '52:54:00:aa:bb:cc',
  clientId: '0152540000aabbcc',
  hostname: 'nas',
  fqdn: 'nas.lab.home.',
  state: LeaseState.LEASE_STATE_ACTIVE,
  startsAt: new Date('2025-01-02T03:04:05.678Z'),
  expiresAt: new Date('2025-01-02T04:04:05.678Z'),
};

const reservation: Reservation = {
  id: 'r-1',
  subnet: '10.123.0.0/24',
  mac: '52:54:00:11:22:33',
  clientId: '',
  address: '10.123.0.10',
  hostname: 'printer',
  source: ReservationSource.RESERVATION_SOURCE_API,
  options: [],
  nextServer: '',
  bootFile: '',
  serverHostname: '',
};

function event(revision: number, kind: string, object: Event['object']): Event {
  return { revision, time: new Date('2025-01-02T03:04:06.000Z'), kind, object };
}

/** What the fake Watch sends: the Reset path of the contract, then live events and a bookmark. */
const frames: WatchResponse[] = [
  { payload: { $case: 'reset', reset: {} } },
  {
    payload: {
      $case: 'events',
      events: {
        events: [
          event(0, 'lease.snapshot', { $case: 'lease', lease }),
          event(0, 'reservation.snapshot', { $case: 'reservation', reservation }),
        ],
      },
    },
  },
  { payload: { $case: 'synced', synced: { revision: 41 } } },
  {
    payload: {
      $case: 'events',
      events: {
        events: [
          event(42, 'lease.released', { $case: 'lease', lease: { ...lease, state: LeaseState.LEASE_STATE_RELEASED } }),
          event(43, 'reservation.deleted', { $case: 'reservation', reservation }),
        ],
      },
    },
  },
  // The largest revision a JavaScript number carries exactly (forceLong=number).
  { payload: { $case: 'bookmark', bookmark: { revision: Number.MAX_SAFE_INTEGER } } },
];

/**
 * A Watch that writes `frames` and then stays open, as the contract demands, until the client
 * cancels; it records each request and each cancellation it saw.
 */
function fakeEventService(seen: { requests: WatchRequest[]; cancelled: number }): EventServiceServer {
  return {
    watch(call) {
      seen.requests.push(call.request);
      call.on('cancelled', () => {
        seen.cancelled += 1;
      });
      for (const frame of frames) call.write(frame);
    },
    // Not what this test is about: only Watch's frames are checked here.
    listEvents(_call, callback) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'not served by this fake' });
    },
  };
}

/**
 * Reads `count` frames from a server stream, then cancels it and waits for its CANCELLED end.
 * Gives up (cancelling the call) when the frames have not all come within 5 s.
 */
function readThenCancel<T>(call: grpc.ClientReadableStream<T>, count: number): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const received: T[] = [];
    const timer = setTimeout(() => {
      reject(new Error(`only ${received.length} of ${count} frames arrived within 5 s`));
      call.cancel();
    }, 5_000);
    call.on('data', (frame: T) => {
      received.push(frame);
      if (received.length === count) call.cancel();
    });
    call.on('error', (err: grpc.ServiceError) => {
      clearTimeout(timer);
      if (err.code === grpc.status.CANCELLED && received.length === count) resolve(received);
      else reject(err);
    });
    call.on('end', () => {
      clearTimeout(timer);
      reject(new Error(`stream ended by the server after ${received.length} frames`));
    });
  });
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe('EventService.Watch over grpc-js with the generated stubs', () => {
  const seen = { requests: [] as WatchRequest[], cancelled: 0 };
  const server = new grpc.Server();
  let target = '';

  before(async () => {
    server.addService(EventServiceService, fakeEventService(seen));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    target = `127.0.0.1:${port}`;
  });

  after(() => server.forceShutdown());

  test('the generated client reads Reset, snapshot, Synced, live events and Bookmark in order, exactly', async () => {
    const client = new EventServiceClient(target, grpc.credentials.createInsecure());
    try {
      const call = client.watch({ sinceRevision: 7, kinds: ['lease', 'reservation.deleted'] });
      const received = await readThenCancel(call, frames.length);
      assert.deepEqual(received, frames);
      assert.deepEqual(
        received.map((f) => f.payload?.$case),
        ['reset', 'events', 'synced', 'events', 'bookmark'],
      );
      const live = received[3]?.payload;
      assert.ok(live?.$case === 'events');
      assert.deepEqual(
        live.events.events.map((e) => e.revision),
        [42, 43],
      );
      assert.ok(live.events.events[0]?.time instanceof Date);
      assert.deepEqual(seen.requests.at(-1), { sinceRevision: 7, kinds: ['lease', 'reservation.deleted'] });
      await waitFor(() => seen.cancelled === 1, 'the server to see the cancellation');
    } finally {
      client.close();
    }
  });

  test('a client loading the .proto files with proto/ as its only include path reads the same stream', async () => {
    const files = readdirSync(join(protoPaths.protoDir, 'homeplane', 'v1'))
      .filter((f) => f.endsWith('.proto'))
      .map((f) => `homeplane/v1/${f}`);
    const definition = protoLoader.loadSync(files, {
      includeDirs: [protoPaths.protoDir],
      keepCase: true,
      longs: String,
      enums: String,
      oneofs: true,
    });
    const EventService = definition['homeplane.v1.EventService'] as grpc.ServiceDefinition;
    for (const name of ['LeaseService', 'ReservationService', 'SubnetService', 'StatsService']) {
      assert.ok(definition[`homeplane.v1.${name}`], `homeplane.v1.${name} is in the loaded contract`);
    }
    const DynamicClient = grpc.makeGenericClientConstructor(EventService, 'homeplane.v1.EventService');
    const client = new DynamicClient(target, grpc.credentials.createInsecure());
    try {
      const call = (
        client as unknown as { Watch(req: object): grpc.ClientReadableStream<Record<string, unknown>> }
      ).Watch({ since_revision: '9', kinds: [] });
      const received = await readThenCancel(call, frames.length);
      assert.deepEqual(
        received.map((f) => f.payload),
        ['reset', 'events', 'synced', 'events', 'bookmark'],
      );
      const snapshot = received[1] as { events: { events: Array<Record<string, unknown>> } };
      const first = snapshot.events.events[0] as { kind: string; object: string; lease: Record<string, unknown> };
      assert.equal(first.kind, 'lease.snapshot');
      assert.equal(first.object, 'lease');
      assert.equal(first.lease.hw_address, '52:54:00:aa:bb:cc');
      assert.equal(first.lease.state, 'LEASE_STATE_ACTIVE');
      assert.deepEqual(first.lease.expires_at, { seconds: '1735790645', nanos: 678_000_000 });
      assert.deepEqual((received[4] as { bookmark: unknown }).bookmark, { revision: '9007199254740991' });
      assert.deepEqual(seen.requests.at(-1), { sinceRevision: 9, kinds: [] });
    } finally {
      client.close();
    }
  });
});

test('a uint64 beyond 2^53 fails to decode instead of being rounded (forceLong=number)', () => {
  const bytes = new BinaryWriter()
    .uint32((1 << 3) | 0)
    .uint64(2n ** 60n)
    .finish();
  assert.throws(() => Synced.decode(bytes), /MAX_SAFE_INTEGER/);
  const exact = new BinaryWriter()
    .uint32((1 << 3) | 0)
    .uint64(2n ** 53n - 1n)
    .finish();
  assert.equal(Synced.decode(exact).revision, Number.MAX_SAFE_INTEGER);
});

describe('proto:check', () => {
  const checkScript = join(protoPaths.repoRoot, 'scripts', 'proto', 'check.ts');
  const runCheck = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', checkScript, ...args], {
      cwd: protoPaths.repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });

  test('the committed proto/gen is what the .proto files generate, and the contract is lint clean', () => {
    const result = runCheck();
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /up to date/);
  });

  test('a stale copy fails with every changed, missing and extra file named', () => {
    const stale = mkdtempSync(join(tmpdir(), 'homeplane-stale-gen-'));
    try {
      cpSync(protoPaths.genDir, stale, { recursive: true });
      appendFileSync(join(stale, 'homeplane', 'v1', 'lease.ts'), '// edited by hand\n');
      rmSync(join(stale, 'homeplane', 'v1', 'stats.ts'));
      writeFileSync(join(stale, 'homeplane', 'v1', 'removed.ts'), 'export {};\n');
      const result = runCheck(stale);
      assert.equal(result.status, 1, result.stdout);
      assert.match(result.stderr, /stale \(3 file\(s\)\)/);
      assert.match(result.stderr, /changed homeplane\/v1\/lease\.ts/);
      assert.match(result.stderr, /missing homeplane\/v1\/stats\.ts/);
      assert.match(result.stderr, /extra {3}homeplane\/v1\/removed\.ts/);
      assert.match(result.stderr, /npm run proto:generate/);
    } finally {
      rmSync(stale, { recursive: true, force: true });
    }
  });
});
