// The token file: made once with mode 0600 (its folder too), reused afterwards, refused when
// others may read it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureToken, TokenFileError } from './token.ts';

describe('ensureToken', () => {
  const root = mkdtempSync(join(tmpdir(), 'homeplane-token-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('first start: a new random token in a new 0600 file, its folder made; later starts: the same token', async () => {
    const file = join(root, 'data', 'nested', 'grpc.token');
    const token = await ensureToken(file);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), `${token}\n`);
    assert.deepEqual(readdirSync(join(root, 'data', 'nested')), ['grpc.token'], 'no temporary file left');
    assert.equal(await ensureToken(file), token);
    const other = await ensureToken(join(root, 'other', 'grpc.token'));
    assert.notEqual(other, token);
  });

  test('a token file that group or others may access is refused, with the fix in the message', async () => {
    for (const mode of [0o640, 0o604, 0o620]) {
      const file = join(root, `loose-${mode.toString(8)}.token`);
      writeFileSync(file, 'abcdefghijklmnopqrstuvwxyz012345\n');
      chmodSync(file, mode);
      await assert.rejects(ensureToken(file), (err: Error) => {
        assert.ok(err instanceof TokenFileError);
        assert.match(err.message, new RegExp(`mode 0${mode.toString(8)}\\); restrict it with "chmod 600 ${file}"`));
        return true;
      });
    }
  });

  test('a symbolic link is refused, even to a good token file', async () => {
    const target = join(root, 'real.token');
    writeFileSync(target, 'abcdefghijklmnopqrstuvwxyz012345\n', { mode: 0o600 });
    const link = join(root, 'link.token');
    symlinkSync(target, link);
    await assert.rejects(
      ensureToken(link),
      (e: Error) => e instanceof TokenFileError && /is a symbolic link; Homeplane does not follow it/.test(e.message),
    );
  });

  test(
    'a token file owned by another user is refused',
    { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false },
    async () => {
      const file = join(root, 'foreign.token');
      writeFileSync(file, 'abcdefghijklmnopqrstuvwxyz012345\n', { mode: 0o600 });
      chownSync(file, 65534, 65534);
      await assert.rejects(
        ensureToken(file),
        (e: Error) =>
          e instanceof TokenFileError &&
          /belongs to uid 65534, not to the user running homeplane \(uid 0\)/.test(e.message),
      );
    },
  );

  test('a file that holds no token is refused rather than served with', async () => {
    for (const [name, content] of [
      ['empty', ''],
      ['short', 'abc\n'],
      ['two words', 'abcdefghijklmnop qrstuvwxyz\n'],
    ] as const) {
      const file = join(root, `${name}.token`);
      writeFileSync(file, content, { mode: 0o600 });
      await assert.rejects(ensureToken(file), /does not hold a token; delete it to make a new one/);
    }
  });
});
