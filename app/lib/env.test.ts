import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverEnv, ServerEnvError } from './env.ts';

test('accepts host:port, [v6]:port and unix targets with an absolute token file', () => {
  for (const target of ['127.0.0.1:50051', 'localhost:50051', '[::1]:50051', 'unix:/run/homeplane/grpc.sock']) {
    assert.equal(serverEnv({ HOMEPLANE_GRPC_TARGET: target, HOMEPLANE_GRPC_TOKEN_FILE: '/data/grpc.token' }).HOMEPLANE_GRPC_TARGET, target);
  }
});

test('names every variable that is missing or wrong', () => {
  assert.throws(() => serverEnv({}), (err: unknown) => {
    assert.ok(err instanceof ServerEnvError);
    assert.match(err.message, /HOMEPLANE_GRPC_TARGET: is not set; run the dashboard through `npm start`/);
    assert.match(err.message, /HOMEPLANE_GRPC_TOKEN_FILE: is not set/);
    return true;
  });
  assert.throws(
    () => serverEnv({ HOMEPLANE_GRPC_TARGET: 'http://x', HOMEPLANE_GRPC_TOKEN_FILE: 'data/grpc.token' }),
    /HOMEPLANE_GRPC_TARGET: must be "host:port"[\s\S]*HOMEPLANE_GRPC_TOKEN_FILE: must be an absolute path/,
  );
});
