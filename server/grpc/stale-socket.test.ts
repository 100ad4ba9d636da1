import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { removeStaleSocket } from './stale-socket.ts';

test('a socket file nobody serves is removed; a served one, a plain file and TCP addresses are left alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-sock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A socket file whose server died without cleanup: made by a child that is killed.
  const stale = join(dir, 'stale.sock');
  const child = spawnSync(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(child.signal, 'SIGKILL');
  assert.ok(existsSync(stale));
  assert.equal(await removeStaleSocket(`unix:${stale}`), true);
  assert.ok(!existsSync(stale));

  const live = join(dir, 'live.sock');
  const server = createServer().listen(live);
  await new Promise((r) => server.once('listening', r));
  t.after(() => server.close());
  assert.equal(await removeStaleSocket(`unix:${live}`), false);
  assert.ok(existsSync(live));

  const plain = join(dir, 'plain');
  writeFileSync(plain, 'x');
  assert.equal(await removeStaleSocket(`unix:${plain}`), false);
  assert.ok(existsSync(plain));
  assert.equal(await removeStaleSocket('127.0.0.1:50051'), false);
  assert.equal(await removeStaleSocket(`unix:${join(dir, 'missing.sock')}`), false);
});
