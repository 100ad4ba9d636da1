// The accounts rules on the real SQLite store and real argon2id: first-run admin, sign-in,
// rate limits (with a test clock), sessions (expiry, sliding, sign-out, revoke, list), the admin
// from the environment, and what the tables hold.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { DEFAULT_SESSION_TTL_MS, INCORRECT_CREDENTIALS, tokenHashOf } from './accounts.ts';
import { RateLimitedError, UnauthenticatedError } from './errors.ts';
import { openAccountsWorld, type AccountsWorld } from './testing/accounts-world.ts';

const MINUTE = 60_000;
let world: AccountsWorld;

beforeEach(() => {
  world = openAccountsWorld();
});
afterEach(() => world.close());

async function withAdmin(): Promise<void> {
  await world.accounts.createAdmin('admin', 'correct horse');
}

describe('first-run setup', () => {
  test('no admin on a fresh database; one after CreateAdmin', async () => {
    assert.equal(world.accounts.adminExists(), false);
    await withAdmin();
    assert.equal(world.accounts.adminExists(), true);
  });

  test('CreateAdmin works once: a second is a conflict', async () => {
    await withAdmin();
    await assert.rejects(world.accounts.createAdmin('other', 'another password'), ConflictError);
  });

  test('two CreateAdmin racing: exactly one wins', async () => {
    const results = await Promise.allSettled([
      world.accounts.createAdmin('one', 'password one'),
      world.accounts.createAdmin('two', 'password two'),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((world.sqlite.raw.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n, 1);
  });

  const invalid: { username: string; password: string; field: string; why: string }[] = [
    { username: '', password: 'long enough', field: 'username', why: 'empty' },
    { username: 'Admin', password: 'long enough', field: 'username', why: 'uppercase' },
    { username: 'a b', password: 'long enough', field: 'username', why: 'space' },
    { username: 'a'.repeat(65), password: 'long enough', field: 'username', why: '65 characters' },
    { username: 'admin', password: 'short', field: 'password', why: 'under 8 characters' },
  ];
  for (const c of invalid)
    test(`CreateAdmin refuses ${c.why} (${c.field})`, async () => {
      await assert.rejects(world.accounts.createAdmin(c.username, c.password), (err: unknown) => {
        assert.ok(err instanceof InvalidInputError);
        assert.equal(err.field, c.field);
        return true;
      });
      assert.equal(world.accounts.adminExists(), false);
    });

  test('usernames of 64 characters of [a-z0-9._-] are accepted', async () => {
    await world.accounts.createAdmin('a.b_c-9'.padEnd(64, 'z'), 'long enough');
  });
});

describe('sign-in', () => {
  beforeEach(withAdmin);

  test('the right password opens a session with a 32-byte base64url token', async () => {
    const { token, session } = await world.accounts.signIn('admin', 'correct horse', '192.0.2.7');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session.username, 'admin');
    assert.equal(session.clientAddress, '192.0.2.7');
    assert.equal(session.createdAt, world.clock.now());
    assert.equal(session.expiresAt, world.clock.now() + DEFAULT_SESSION_TTL_MS);
  });

  for (const [username, password] of [
    ['admin', 'wrong horse'],
    ['nobody', 'correct horse'],
  ] as const)
    test(`${username}/${password}: the same UNAUTHENTICATED message`, async () => {
      await assert.rejects(world.accounts.signIn(username, password, '192.0.2.7'), (err: unknown) => {
        assert.ok(err instanceof UnauthenticatedError);
        assert.equal(err.message, INCORRECT_CREDENTIALS);
        return true;
      });
    });

  test('empty username or password: INVALID_ARGUMENT naming the field', async () => {
    await assert.rejects(world.accounts.signIn('', 'x', ''), { field: 'username' });
    await assert.rejects(world.accounts.signIn('admin', '', ''), { field: 'password' });
  });
});

describe('rate limits', () => {
  beforeEach(withAdmin);

  const fail = (username: string, address: string): Promise<unknown> =>
    world.accounts.signIn(username, 'wrong password', address).catch((err: unknown) => err);

  test('5 failures for a user within 15 minutes: the 6th attempt is refused, even with the right password', async () => {
    for (let i = 0; i < 5; i++) assert.ok((await fail('admin', `192.0.2.${i}`)) instanceof UnauthenticatedError);
    world.clock.advance(MINUTE);
    const refused = await world.accounts.signIn('admin', 'correct horse', '192.0.2.99').catch((err: unknown) => err);
    assert.ok(refused instanceof RateLimitedError);
    assert.equal(refused.retryAfterSeconds, 14 * 60);
    assert.match(refused.message, /this user; try again in 840 seconds \(after .*Z\)/);
    world.clock.advance(14 * MINUTE);
    await world.accounts.signIn('admin', 'correct horse', '192.0.2.99');
  });

  test('20 failures from one address, over many usernames: the address is refused', async () => {
    for (let i = 0; i < 20; i++) assert.ok((await fail(`user${i}`, '198.51.100.1')) instanceof UnauthenticatedError);
    const refused = await world.accounts.signIn('admin', 'correct horse', '198.51.100.1').catch((e: unknown) => e);
    assert.ok(refused instanceof RateLimitedError);
    assert.match(refused.message, /this address/);
    // Another address is not affected.
    await world.accounts.signIn('admin', 'correct horse', '198.51.100.2');
  });

  test('a successful sign-in clears the user count', async () => {
    for (let i = 0; i < 4; i++) await fail('admin', '192.0.2.1');
    await world.accounts.signIn('admin', 'correct horse', '192.0.2.1');
    for (let i = 0; i < 4; i++) assert.ok((await fail('admin', '192.0.2.1')) instanceof UnauthenticatedError);
  });
});

describe('sessions', () => {
  beforeEach(withAdmin);

  test('CheckSession returns the session and slides its expiry', async () => {
    const { token, session } = await world.accounts.signIn('admin', 'correct horse', '');
    world.clock.advance(DEFAULT_SESSION_TTL_MS - MINUTE);
    const checked = world.accounts.checkSession(token);
    assert.equal(checked.id, session.id);
    assert.equal(checked.expiresAt, world.clock.now() + DEFAULT_SESSION_TTL_MS);
    world.clock.advance(2 * MINUTE);
    world.accounts.checkSession(token);
  });

  test('an unused session expires', async () => {
    const { token } = await world.accounts.signIn('admin', 'correct horse', '');
    world.clock.advance(DEFAULT_SESSION_TTL_MS);
    assert.throws(() => world.accounts.checkSession(token), UnauthenticatedError);
    assert.deepEqual(world.accounts.listSessions(), []);
  });

  test('unknown and empty tokens are UNAUTHENTICATED', () => {
    assert.throws(() => world.accounts.checkSession('nope'), UnauthenticatedError);
    assert.throws(() => world.accounts.checkSession(''), UnauthenticatedError);
  });

  test('SignOut ends the session; twice is fine', async () => {
    const { token } = await world.accounts.signIn('admin', 'correct horse', '');
    world.accounts.signOut(token);
    world.accounts.signOut(token);
    assert.throws(() => world.accounts.checkSession(token), UnauthenticatedError);
  });

  test('ListSessions newest first; RevokeSession by id ends exactly that one', async () => {
    const first = await world.accounts.signIn('admin', 'correct horse', '192.0.2.1');
    world.clock.advance(MINUTE);
    const second = await world.accounts.signIn('admin', 'correct horse', '192.0.2.2');
    assert.deepEqual(
      world.accounts.listSessions().map((s) => s.id),
      [second.session.id, first.session.id],
    );
    world.accounts.revokeSession(first.session.id);
    assert.throws(() => world.accounts.checkSession(first.token), UnauthenticatedError);
    world.accounts.checkSession(second.token);
    assert.throws(() => world.accounts.revokeSession(first.session.id), NotFoundError);
    assert.throws(() => world.accounts.revokeSession(''), InvalidInputError);
  });

  test('the tables hold neither the token nor the password, only their hashes', async () => {
    const { token } = await world.accounts.signIn('admin', 'correct horse', '');
    const sessions = world.sqlite.raw.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.['token_hash'], tokenHashOf(token));
    assert.match(String(sessions[0]?.['token_hash']), /^[0-9a-f]{64}$/);
    const users = world.sqlite.raw.prepare('SELECT * FROM users').all() as Record<string, unknown>[];
    assert.match(String(users[0]?.['password_hash']), /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    const everything = JSON.stringify([sessions, users]);
    assert.equal(everything.includes(token), false);
    assert.equal(everything.includes('correct horse'), false);
  });
});
