// Every call needs `authorization: Bearer <token>`: unary, Watch and reflection alike; health
// checks are open. The token never reaches the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { check, healthClient } from './testing/health-client.ts';
import { bearer, call, startHarness, TEST_TOKEN, WatchRecorder, type Harness } from './testing/harness.ts';

function withAuthorization(value: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', value);
  return metadata;
}

type ReflectionResponse = { list_services_response?: { service: { name: string }[] } };

function reflectionClient(address: string) {
  const protoFile = fileURLToPath(
    import.meta.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'),
  );
  const definition = protoLoader.loadSync(protoFile, { keepCase: true });
  const Client = grpc.makeGenericClientConstructor(
    definition['grpc.reflection.v1.ServerReflection'] as grpc.ServiceDefinition,
    'ServerReflection',
  );
  return new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    ServerReflectionInfo(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, ReflectionResponse>;
  };
}

/** Asks reflection for the service list; resolves with the names or the error. */
function listServices(
  address: string,
  metadata: grpc.Metadata,
): Promise<{ names?: string[]; error?: grpc.ServiceError }> {
  const client = reflectionClient(address);
  return new Promise((resolve) => {
    const stream = client.ServerReflectionInfo(metadata);
    stream.on('data', (response: ReflectionResponse) => {
      resolve({ names: response.list_services_response?.service.map((s) => s.name) ?? [] });
      stream.end();
      client.close();
    });
    stream.on('error', (error: grpc.ServiceError) => {
      resolve({ error });
      client.close();
    });
    stream.write({ list_services: '' });
  });
}

describe('authentication', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const refusals: [string, grpc.Metadata][] = [
    ['no authorization', new grpc.Metadata()],
    ['a wrong token', bearer('not-the-token-at-all-0123456789')],
    ['the token with a character missing', bearer(TEST_TOKEN.slice(0, -1))],
    ['the token without the Bearer scheme', withAuthorization(TEST_TOKEN)],
    ['another scheme', withAuthorization(`Basic ${TEST_TOKEN}`)],
  ];

  for (const [what, metadata] of refusals) {
    test(`a unary call with ${what} is UNAUTHENTICATED and never reaches the handler`, async () => {
      h.faults.failNextWith = new Error('the handler ran');
      const { error } = await call(h.subnets.listSubnets.bind(h.subnets), {}, metadata);
      assert.equal(error?.code, grpc.status.UNAUTHENTICATED);
      assert.match(error.details, /Bearer <token>/);
      assert.notEqual(h.faults.failNextWith, null, 'the handler did not run');
      h.faults.failNextWith = null;
    });
  }

  test('the right token passes; the scheme is case-insensitive (RFC 7235 2.1)', async () => {
    for (const metadata of [bearer(), withAuthorization(`bearer ${TEST_TOKEN}`)]) {
      const { response, error } = await call<object, { subnets: object[] }>(
        h.subnets.listSubnets.bind(h.subnets) as never,
        {},
        metadata,
      );
      assert.equal(error, undefined);
      assert.equal(response?.subnets.length, 2);
    }
  });

  test('Watch without the token is UNAUTHENTICATED and subscribes nothing', async () => {
    const watch = new WatchRecorder(h.events, {}, bearer('wrong-token-0123456789abcdef'));
    await watch.until((w) => w.error !== null, 'the refusal');
    assert.equal(watch.error!.code, grpc.status.UNAUTHENTICATED);
    assert.equal(h.log.subscriberCount, 0);
  });

  test('reflection needs the token and lists the homeplane.v1 services', async () => {
    const refused = await listServices(h.server.address, new grpc.Metadata());
    assert.equal(refused.error?.code, grpc.status.UNAUTHENTICATED);
    const allowed = await listServices(h.server.address, bearer());
    assert.equal(allowed.error, undefined);
    for (const name of [
      'homeplane.v1.EventService',
      'homeplane.v1.LeaseService',
      'homeplane.v1.ReservationService',
      'homeplane.v1.SubnetService',
      'homeplane.v1.StatsService',
      'homeplane.v1.StatusService',
      'grpc.health.v1.Health',
    ]) {
      assert.ok(allowed.names?.includes(name), `${name} in ${allowed.names?.join(', ')}`);
    }
  });

  test('health checks answer without a token, per service', async () => {
    const client = healthClient(h.server.address);
    try {
      for (const service of ['', 'homeplane.v1.EventService', 'homeplane.v1.LeaseService']) {
        assert.deepEqual(await check(client, service), { status: 'SERVING' }, `health of "${service}"`);
      }
    } finally {
      client.close();
    }
  });

  test('the token never appears in the log', () => {
    assert.ok(h.logLines.length > 0);
    assert.ok(
      !JSON.stringify(h.logLines, (_k, v: unknown) => (v instanceof Error ? v.message : v)).includes(TEST_TOKEN),
    );
  });
});
