// startGrpcServer's addresses: a TCP port resolved from :0, a unix socket, a port in use.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { SubnetServiceClient, type ListSubnetsResponse } from '../../proto/gen/homeplane/v1/subnet.ts';
import { openDhcpWorld, type DhcpWorld } from './testing/dhcp-world.ts';
import { bearer, call, recordingLogger, TEST_TOKEN } from './testing/harness.ts';
import { startGrpcServer } from './server.ts';

/** One DHCP side (dhcp-world.ts) for the servers of this file; each test starts its own server on it. */
let world: DhcpWorld;

function options(listen: string) {
  return {
    listen,
    token: TEST_TOKEN,
    admin: world.admin,
    log: world.log,
    feed: world.log,
    snapshot: () => world.snapshot(),
    logger: recordingLogger([]),
  };
}

async function listSubnets(address: string): Promise<number | undefined> {
  const client = new SubnetServiceClient(address, grpc.credentials.createInsecure());
  try {
    const { response } = await call<object, ListSubnetsResponse>(
      client.listSubnets.bind(client) as never,
      {},
      bearer(),
    );
    return response?.subnets.length;
  } finally {
    client.close();
  }
}

describe('startGrpcServer', () => {
  const folder = mkdtempSync(join(tmpdir(), 'homeplane-grpc-'));
  before(async () => {
    world = await openDhcpWorld();
  });
  after(async () => {
    await world.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('port 0 resolves to the bound port', async () => {
    const server = await startGrpcServer(options('127.0.0.1:0'));
    try {
      assert.match(server.address, /^127\.0\.0\.1:[1-9]\d*$/);
      assert.equal(await listSubnets(server.address), 2);
    } finally {
      await server.shutdown(500);
    }
  });

  test('a unix socket is served at the address given', async () => {
    const listen = `unix:${join(folder, 'grpc.sock')}`;
    const server = await startGrpcServer(options(listen));
    try {
      assert.equal(server.address, listen);
      assert.equal(await listSubnets(listen), 2);
    } finally {
      await server.shutdown(500);
    }
  });

  test('a port in use is an error naming the address', async () => {
    const first = await startGrpcServer(options('127.0.0.1:0'));
    try {
      await assert.rejects(
        startGrpcServer(options(first.address)),
        new RegExp(`gRPC cannot listen on ${first.address.replaceAll('.', '\\.')}`),
      );
    } finally {
      await first.shutdown(500);
    }
  });
});
