// HOMEPLANE_ADMIN_USER / HOMEPLANE_ADMIN_PASSWORD at start-up: create, update the password,
// leave alone, and never log the password.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordingLogger, type LogLine } from '../grpc/testing/harness.ts';
import { InvalidInputError } from '../errors.ts';
import { UnauthenticatedError } from './errors.ts';
import { applyEnvAdmin } from './env-admin.ts';
import { openAccountsWorld, type AccountsWorld } from './testing/accounts-world.ts';

let world: AccountsWorld;
let lines: LogLine[];
beforeEach(() => {
  world = openAccountsWorld();
  lines = [];
});
afterEach(() => world.close());

const env = (password: string) => ({ HOMEPLANE_ADMIN_USER: 'root', HOMEPLANE_ADMIN_PASSWORD: password });

test('creates the admin, then updates its password, then leaves it unchanged', async () => {
  const logger = recordingLogger(lines);
  assert.equal(await applyEnvAdmin(world.accounts, env('first password'), logger), 'created');
  assert.equal(world.accounts.adminExists(), true);
  await world.accounts.signIn('root', 'first password', '');
  assert.equal(await applyEnvAdmin(world.accounts, env('second password'), logger), 'password-updated');
  await assert.rejects(world.accounts.signIn('root', 'first password', ''), UnauthenticatedError);
  await world.accounts.signIn('root', 'second password', '');
  assert.equal(await applyEnvAdmin(world.accounts, env('second password'), logger), 'unchanged');
  const logged = JSON.stringify(lines);
  assert.equal(logged.includes('first password') || logged.includes('second password'), false);
  assert.match(logged, /"username":"root"/);
});

test('adds the admin beside a user made through first-run setup', async () => {
  await world.accounts.createAdmin('alice', 'alice password');
  assert.equal(await applyEnvAdmin(world.accounts, env('root password'), recordingLogger(lines)), 'created');
  await world.accounts.signIn('alice', 'alice password', '');
});

test('nothing set: nothing done; only one of the two: a warning and nothing done', async () => {
  assert.equal(await applyEnvAdmin(world.accounts, {}, recordingLogger(lines)), null);
  assert.equal(await applyEnvAdmin(world.accounts, { HOMEPLANE_ADMIN_USER: 'root' }, recordingLogger(lines)), null);
  assert.equal(lines[0]?.level, 'warn');
  assert.equal(world.accounts.adminExists(), false);
});

test('a short password is refused naming the variable', async () => {
  await assert.rejects(applyEnvAdmin(world.accounts, env('short'), recordingLogger(lines)), (err: unknown) => {
    assert.ok(err instanceof InvalidInputError);
    assert.equal(err.field, 'HOMEPLANE_ADMIN_PASSWORD');
    return true;
  });
});
