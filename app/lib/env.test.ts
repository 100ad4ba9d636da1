import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverEnv, ServerEnvError } from './env.ts';

test('accepts host:port, [v6]:port and unix targets with an absolute token file', () => {
  for (const target of ['127.0.0.1:50051', 'localhost:50051', '[::1]:50051', 'unix:/run/homeplane/grpc.sock']) {
    assert.equal(
      serverEnv({ HOMEPLANE_GRPC_TARGET: target, HOMEPLANE_GRPC_TOKEN_FILE: '/data/grpc.token' }).HOMEPLANE_GRPC_TARGET,
      target,
    );
  }
});

test('names every variable that is missing or wrong', () => {
  assert.throws(
    () => serverEnv({}),
    (err: unknown) => {
      assert.ok(err instanceof ServerEnvError);
      assert.match(err.message, /HOMEPLANE_GRPC_TARGET: is not set; run the dashboard through `npm start`/);
      assert.match(err.message, /HOMEPLANE_GRPC_TOKEN_FILE: is not set/);
      return true;
    },
  );
  assert.throws(
    () => serverEnv({ HOMEPLANE_GRPC_TARGET: 'http://x', HOMEPLANE_GRPC_TOKEN_FILE: 'data/grpc.token' }),
    /HOMEPLANE_GRPC_TARGET: must be "host:port"[\s\S]*HOMEPLANE_GRPC_TOKEN_FILE: must be an absolute path/,
  );
});

const daemon = { HOMEPLANE_GRPC_TARGET: '127.0.0.1:50051', HOMEPLANE_GRPC_TOKEN_FILE: '/data/grpc.token' };

test('the dashboard settings default to no extra host names and 256 streams, as the config does', () => {
  const env = serverEnv(daemon);
  assert.deepEqual(env.HOMEPLANE_ALLOWED_HOSTS, []);
  assert.equal(env.HOMEPLANE_MAX_STREAMS, 256);
});

test('allowed hosts are a comma-separated list of names, lower-cased', () => {
  const env = serverEnv({
    ...daemon,
    HOMEPLANE_ALLOWED_HOSTS: 'Homeplane.Lab.Home, [fd00::10],,10.0.0.2 ',
    HOMEPLANE_MAX_STREAMS: '8',
  });
  assert.deepEqual(env.HOMEPLANE_ALLOWED_HOSTS, ['homeplane.lab.home', '[fd00::10]', '10.0.0.2']);
  assert.equal(env.HOMEPLANE_MAX_STREAMS, 8);
});

test('names a wrong host name or stream cap with the config key it comes from', () => {
  assert.throws(
    () => serverEnv({ ...daemon, HOMEPLANE_ALLOWED_HOSTS: 'ok.lab,https://lab.example,lab:3000' }),
    (err: unknown) => {
      assert.ok(err instanceof ServerEnvError);
      assert.match(
        err.message,
        /HOMEPLANE_ALLOWED_HOSTS: "https:\/\/lab\.example" is not a host name; list names without scheme or port/,
      );
      assert.match(err.message, /HOMEPLANE_ALLOWED_HOSTS: "lab:3000" is not a host name[^\n]*dashboard\.allowedHosts/);
      return true;
    },
  );
  for (const cap of ['0', '10001', '-1', '2.5', 'many', '']) {
    assert.throws(
      () => serverEnv({ ...daemon, HOMEPLANE_MAX_STREAMS: cap }),
      new RegExp(`HOMEPLANE_MAX_STREAMS: "${cap}" is not a whole number 1-10000 \\(from dashboard\\.maxStreams\\)`),
    );
  }
});
