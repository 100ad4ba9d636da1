// The data folder is the daemon's alone: made 0700 whatever the umask, tightened when found open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preparePrivateDir } from './data-dir.ts';

test('the data folder is made 0700, and an existing open one is tightened (its old mode returned)', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'homeplane-datadir-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const previous = process.umask(0o022);
  try {
    const fresh = join(root, 'fresh', 'data');
    assert.equal(preparePrivateDir(fresh), null);
    assert.equal((statSync(fresh).mode & 0o777).toString(8), '700');
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    assert.equal(preparePrivateDir(open), 0o755);
    assert.equal((statSync(open).mode & 0o777).toString(8), '700');
    assert.equal(preparePrivateDir(open), null, 'nothing to do the second time');
  } finally {
    process.umask(previous);
  }
});
