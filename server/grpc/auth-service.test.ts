// AuthService on a real server over the real accounts domain and SQLite store (fresh per test):
// the first-run flow, sign-in, sessions, and every status code the contract names.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import {
  AuthServiceClient,
  type CheckSessionRequest,
  type CheckSessionResponse,
  type ListSessionsRequest,
  type ListSessionsResponse,
  type SignInRequest,
  type SignInResponse,
} from '../../proto/gen/homeplane/v1/auth.ts';
import { INCORRECT_CREDENTIALS } from '../auth/accounts.ts';
import { openAccountsWorld, type AccountsWorld } from '../auth/testing/accounts-world.ts';
import { bearer, call, startHarness, type Harness } from './testing/harness.ts';
import { INVALID_FIELD_KEY, RETRY_AFTER_KEY } from './status.ts';
import { check, healthClient } from './testing/health-client.ts';

let world: AccountsWorld;
let harness: Harness;
let auth: AuthServiceClient;

beforeEach(async () => {
  world = openAccountsWorld();
  harness = await startHarness({ auth: world.accounts });
  auth = new AuthServiceClient(harness.server.address, grpc.credentials.createInsecure());
});
afterEach(async () => {
  auth.close();
  await harness.close();
  world.close();
});

const admin = { username: 'admin', password: 'correct horse' };

test('first run: no admin, CreateAdmin once, then FAILED_PRECONDITION', async () => {
  assert.deepEqual((await call(auth.getSetupState.bind(auth), {})).response, { adminExists: false });
  assert.deepEqual((await call(auth.createAdmin.bind(auth), admin)).response, {});
  assert.deepEqual((await call(auth.getSetupState.bind(auth), {})).response, { adminExists: true });
  const again = await call(auth.createAdmin.bind(auth), { username: 'other', password: 'other password' });
  assert.equal(again.error?.code, grpc.status.FAILED_PRECONDITION);
});

test('CreateAdmin with a bad username: INVALID_ARGUMENT naming the field', async () => {
  const { error } = await call(auth.createAdmin.bind(auth), { username: 'Not Valid', password: 'long enough' });
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
  assert.deepEqual(error?.metadata.get(INVALID_FIELD_KEY), ['username']);
  assert.match(error?.details ?? '', /^username: must be 1 to 64 characters/);
});

test('sign in, check, list, sign out', async () => {
  await call(auth.createAdmin.bind(auth), admin);
  const wrong = await call<SignInRequest, SignInResponse>(auth.signIn.bind(auth), {
    ...admin,
    password: 'wrong horse',
    clientAddress: '192.0.2.1',
  });
  assert.equal(wrong.error?.code, grpc.status.UNAUTHENTICATED);
  assert.equal(wrong.error?.details, INCORRECT_CREDENTIALS);

  const signedIn = (
    await call<SignInRequest, SignInResponse>(auth.signIn.bind(auth), { ...admin, clientAddress: '192.0.2.1' })
  ).response;
  assert.ok(signedIn?.session);
  assert.match(signedIn.sessionToken, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(signedIn.session.username, 'admin');
  assert.equal(signedIn.session.clientAddress, '192.0.2.1');
  assert.equal(signedIn.session.createdTime?.getTime(), world.clock.now());

  const checked = await call<CheckSessionRequest, CheckSessionResponse>(auth.checkSession.bind(auth), {
    sessionToken: signedIn.sessionToken,
  });
  assert.equal(checked.response?.session?.id, signedIn.session.id);
  const listed = await call<ListSessionsRequest, ListSessionsResponse>(auth.listSessions.bind(auth), {});
  assert.deepEqual(
    listed.response?.sessions.map((s) => s.id),
    [signedIn.session.id],
  );

  assert.deepEqual((await call(auth.signOut.bind(auth), { sessionToken: signedIn.sessionToken })).response, {});
  const after = await call<CheckSessionRequest, CheckSessionResponse>(auth.checkSession.bind(auth), {
    sessionToken: signedIn.sessionToken,
  });
  assert.equal(after.error?.code, grpc.status.UNAUTHENTICATED);
});

test('RevokeSession ends the session; an unknown id is NOT_FOUND', async () => {
  await call(auth.createAdmin.bind(auth), admin);
  const signedIn = (await call<SignInRequest, SignInResponse>(auth.signIn.bind(auth), { ...admin, clientAddress: '' }))
    .response;
  assert.ok(signedIn?.session);
  assert.deepEqual((await call(auth.revokeSession.bind(auth), { id: signedIn.session.id })).response, {});
  const checked = await call<CheckSessionRequest, CheckSessionResponse>(auth.checkSession.bind(auth), {
    sessionToken: signedIn.sessionToken,
  });
  assert.equal(checked.error?.code, grpc.status.UNAUTHENTICATED);
  const again = await call(auth.revokeSession.bind(auth), { id: signedIn.session.id });
  assert.equal(again.error?.code, grpc.status.NOT_FOUND);
});

test('too many failures: RESOURCE_EXHAUSTED with the seconds to wait', async () => {
  await call(auth.createAdmin.bind(auth), admin);
  for (let i = 0; i < 5; i++) {
    const { error } = await call<SignInRequest, SignInResponse>(auth.signIn.bind(auth), {
      ...admin,
      password: 'wrong horse',
      clientAddress: '',
    });
    assert.equal(error?.code, grpc.status.UNAUTHENTICATED);
  }
  const { error } = await call<SignInRequest, SignInResponse>(auth.signIn.bind(auth), { ...admin, clientAddress: '' });
  assert.equal(error?.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.match(error?.details ?? '', /try again in 900 seconds/);
  assert.deepEqual(error?.metadata.get(RETRY_AFTER_KEY), ['900']);
});

test('the gRPC bearer token still guards AuthService', async () => {
  const { error } = await call(auth.getSetupState.bind(auth), {}, bearer('wrong-token'));
  assert.equal(error?.code, grpc.status.UNAUTHENTICATED);
});

test('health reports AuthService SERVING', async () => {
  const health = healthClient(harness.server.address);
  try {
    assert.deepEqual(await check(health, 'homeplane.v1.AuthService'), { status: 'SERVING' });
  } finally {
    health.close();
  }
});
