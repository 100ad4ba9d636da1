// grpc.health.v1.Health: Check, Watch and List for the names the daemon serves, nothing kept for
// any other name, status changes from setServing() and shutdown, and the receive limit that
// bounds what an unauthenticated caller can hand the server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { HealthService } from './health.ts';
import { HOMEPLANE_SERVICES, STATUS_SERVICES } from './reflection.ts';
import { MAX_RECEIVE_MESSAGE_BYTES } from './server-options.ts';
import { check, healthClient, type HealthClient, type HealthStatus } from './testing/health-client.ts';
import { startHarness, waitFor } from './testing/harness.ts';

/** What the harness serves (it passes a status, as main.ts does). */
const SERVED = ['', ...HOMEPLANE_SERVICES, ...STATUS_SERVICES];

/** A grpc-js server with only a HealthService, so that the test can count its watchers. */
async function healthOnly(
  maxUnservedWatches?: number,
): Promise<{ health: HealthService; client: HealthClient; address: string; close(): Promise<void> }> {
  const server = new grpc.Server();
  const health = new HealthService(SERVED, maxUnservedWatches);
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  const client = healthClient(`127.0.0.1:${port}`);
  return {
    health,
    client,
    address: `127.0.0.1:${port}`,
    async close() {
      client.close();
      server.forceShutdown();
    },
  };
}

/** Health.Watch on a bare HTTP/2 connection, so that the test can drop the connection or stop reading. */
function bareWatch(
  address: string,
  service: string,
): { session: http2.ClientHttp2Session; stream: http2.ClientHttp2Stream } {
  const session = http2.connect(`http://${address}`);
  session.on('error', () => {});
  // HealthCheckRequest: field 1 (service), length-delimited; the name here is under 128 bytes.
  const body = Buffer.concat([Buffer.from([0x0a, service.length]), Buffer.from(service)]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  const stream = session.request({
    ':method': 'POST',
    ':path': '/grpc.health.v1.Health/Watch',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  stream.end(Buffer.concat([prefix, body]));
  return { session, stream };
}

/** A Watch that records the statuses it receives. */
function watchStatuses(client: HealthClient, service: string) {
  const statuses: string[] = [];
  const stream = client.Watch({ service });
  stream.on('data', (reply: HealthStatus) => statuses.push(reply.status));
  const ended = new Promise<grpc.ServiceError | null>((resolve) => {
    stream.on('error', (err: grpc.ServiceError) => resolve(err));
    stream.on('end', () => resolve(null));
  });
  return { statuses, stream, ended };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('health: served names', () => {
  test('Check answers SERVING for the daemon ("") and every homeplane.v1 service; List lists exactly them', async () => {
    const h = await startHarness();
    const client = healthClient(h.server.address);
    try {
      for (const name of SERVED) assert.deepEqual(await check(client, name), { status: 'SERVING' }, `"${name}"`);
      const listed = await new Promise<Record<string, HealthStatus>>((resolve, reject) =>
        client.List({}, (err, response) => (err ? reject(err) : resolve(response.statuses))),
      );
      assert.deepEqual(Object.keys(listed).sort(), [...SERVED].sort());
      assert.ok(Object.values(listed).every((s) => s.status === 'SERVING'));
    } finally {
      client.close();
      await h.close();
    }
  });

  test('setServing(false/true) reaches Check and every watcher of a served name, once per change', async () => {
    const h = await startHarness();
    const client = healthClient(h.server.address);
    try {
      const daemon = watchStatuses(client, '');
      const events = watchStatuses(client, 'homeplane.v1.EventService');
      await waitFor(() => daemon.statuses.length === 1 && events.statuses.length === 1, 'the first statuses');
      h.server.setServing(false);
      h.server.setServing(false); // no change: nothing sent
      await waitFor(() => daemon.statuses.length === 2 && events.statuses.length === 2, 'NOT_SERVING');
      assert.deepEqual(await check(client, 'homeplane.v1.LeaseService'), { status: 'NOT_SERVING' });
      h.server.setServing(true);
      await waitFor(() => daemon.statuses.length === 3 && events.statuses.length === 3, 'SERVING again');
      await sleep(50);
      for (const watch of [daemon, events]) assert.deepEqual(watch.statuses, ['SERVING', 'NOT_SERVING', 'SERVING']);
      assert.deepEqual(await check(client, ''), { status: 'SERVING' });
      daemon.stream.cancel();
      events.stream.cancel();
    } finally {
      client.close();
      await h.close();
    }
  });

  test('after shutdown began, a late setServing(true) leaves health NOT_SERVING', async () => {
    const { health, client, close } = await healthOnly();
    try {
      health.stop();
      health.setServing(true);
      assert.deepEqual(await check(client, ''), { status: 'NOT_SERVING' });
    } finally {
      await close();
    }
  });
});

describe('health: a watcher that stops reading', () => {
  test('gets the newest status when it reads again, not every change it missed', async () => {
    const { health, address, close } = await healthOnly();
    const { session, stream } = bareWatch(address, '');
    try {
      const received: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => received.push(chunk));
      stream.pause();
      await waitFor(() => health.watcherCount === 1, 'the watcher');
      // 50,000 changes, with turns of the loop between so that writes go out until its window is full.
      for (let i = 0; i < 50_000; i++) {
        health.setServing(i % 2 === 1);
        if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
      }
      stream.resume();
      // Each message: a 5-byte gRPC prefix, then field 1 (status) as a tag and a one-byte enum.
      const bytes = () => received.reduce((sum, chunk) => sum + chunk.length, 0);
      let settled = -1;
      while (settled !== bytes()) {
        settled = bytes();
        await sleep(100);
      }
      const all = Buffer.concat(received);
      const messages = all.length / 7;
      assert.ok(Number.isInteger(messages), `whole messages (${all.length} bytes)`);
      assert.ok(messages < 20_000, `changes did not pile up: ${messages} messages for 50,000 changes`);
      assert.equal(all[all.length - 1], 1, 'the last message is the newest status, SERVING');
    } finally {
      session.destroy();
      await close();
    }
  });
});

describe('health: names the daemon does not serve', () => {
  test('Check is NOT_FOUND; the message names what is served and repeats only the start of a long name', async () => {
    const h = await startHarness();
    const client = healthClient(h.server.address);
    try {
      const name = `nobody.Serves${'x'.repeat(10_000)}`;
      const { error } = await check(client, name);
      assert.equal(error?.code, grpc.status.NOT_FOUND);
      assert.match(
        error!.details,
        /^no health status for service "nobody\.Servesx+\.\.\.": ask for one of "" \(the daemon\), homeplane\.v1\.EventService, /,
      );
      assert.ok(error!.details.length < 400, `the name is not echoed whole (${error!.details.length} characters)`);
    } finally {
      client.close();
      await h.close();
    }
  });

  test('Watch gets one SERVICE_UNKNOWN and stays open, and no watcher is kept for it; served ones go on cancel and on close', async () => {
    const { health, client, address, close } = await healthOnly();
    let session: http2.ClientHttp2Session | undefined;
    try {
      const unknown = watchStatuses(client, 'nobody.Serves');
      await waitFor(() => unknown.statuses.length === 1, 'SERVICE_UNKNOWN');
      const outcome = await Promise.race([unknown.ended.then(() => 'ended'), sleep(200).then(() => 'open')]);
      assert.equal(outcome, 'open', 'the stream stays open: the name may be served later');
      assert.deepEqual(unknown.statuses, ['SERVICE_UNKNOWN']);
      health.setServing(false);
      await sleep(50);
      assert.deepEqual(unknown.statuses, ['SERVICE_UNKNOWN'], 'a status change of served names is not its business');
      assert.equal(health.watcherCount, 0);

      const cancelled = watchStatuses(client, '');
      session = bareWatch(address, 'homeplane.v1.EventService').session;
      await waitFor(() => health.watcherCount === 2, 'two watchers of served names');
      cancelled.stream.cancel();
      await waitFor(() => health.watcherCount === 1, 'the cancelled watcher to go');
      session.destroy(); // the connection goes under the stream
      await waitFor(() => health.watcherCount === 0, 'the watcher whose connection closed to go');
      unknown.stream.cancel();
      await unknown.ended;
    } finally {
      session?.destroy();
      await close();
    }
  });
});

describe('health: what a caller can make the server hold', () => {
  test('only a few Watch streams of unserved names may be open at once; one that ends frees its place', async () => {
    const { health, client, close } = await healthOnly(3);
    try {
      const open = ['a', 'b', 'c'].map((name) => watchStatuses(client, `nobody.${name}`));
      await waitFor(() => open.every((w) => w.statuses.length === 1), 'three SERVICE_UNKNOWN');
      assert.equal(health.unservedWatchCount, 3);
      const refused = watchStatuses(client, 'nobody.d');
      const error = await Promise.race([refused.ended, sleep(5_000).then(() => null)]);
      assert.equal(error?.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(
        error!.details,
        /^too many health Watch streams of names not served here \(3\); watch one of "" \(the daemon\), homeplane\.v1\.EventService, .*, or close the others$/,
      );
      assert.deepEqual(refused.statuses, []);

      const served = watchStatuses(client, 'homeplane.v1.EventService');
      await waitFor(() => served.statuses.length === 1, 'a served name is not held back by the cap');
      open[0]!.stream.cancel();
      await waitFor(() => health.unservedWatchCount === 2, 'the cancelled stream to free its place');
      const again = watchStatuses(client, 'nobody.e');
      await waitFor(() => again.statuses.length === 1, 'SERVICE_UNKNOWN in the freed place');
      assert.deepEqual(again.statuses, ['SERVICE_UNKNOWN']);
      for (const watch of [...open.slice(1), served, again]) watch.stream.cancel();
    } finally {
      await close();
    }
  });
});

describe('health: what a caller can make the server read', () => {
  test('a 1 MiB name is refused with RESOURCE_EXHAUSTED (Check and Watch); the largest name under the limit is read', async () => {
    const h = await startHarness();
    const client = healthClient(h.server.address);
    try {
      const huge = 'x'.repeat(1024 * 1024);
      const checked = await check(client, huge);
      assert.equal(checked.error?.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(checked.error!.details, new RegExp(`larger than max \\(\\d+ vs ${MAX_RECEIVE_MESSAGE_BYTES}\\)`));
      const watch = watchStatuses(client, huge);
      const ended = await Promise.race([watch.ended, sleep(5_000).then(() => 'still open after 5 s')]);
      assert.equal(typeof ended === 'string' ? ended : ended?.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.deepEqual(watch.statuses, []);
      // HealthCheckRequest.service is field 1: a tag byte and a 3-byte length precede the name.
      const largest = await check(client, 'x'.repeat(MAX_RECEIVE_MESSAGE_BYTES - 4));
      assert.equal(largest.error?.code, grpc.status.NOT_FOUND);
    } finally {
      client.close();
      await h.close();
    }
  });

  test('the server announces maxStreamsPerConnection as SETTINGS_MAX_CONCURRENT_STREAMS', async () => {
    const h = await startHarness({ maxStreamsPerConnection: 7 });
    const session = http2.connect(`http://${h.server.address}`);
    try {
      await once(session, 'remoteSettings');
      assert.equal(session.remoteSettings.maxConcurrentStreams, 7);
    } finally {
      session.destroy();
      await h.close();
    }
  });
});
