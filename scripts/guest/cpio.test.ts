// newcArchive read back by GNU cpio (the real peer: if it lists and extracts the archive as
// written, so does the kernel's unpacker, which reads the same "070701" format).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newcArchive, type CpioEntry } from './cpio.ts';

// Names of every length modulo 4 and data of every length modulo 4, so each padding case occurs.
const ENTRIES: CpioEntry[] = [
  { type: 'directory', path: 'd' },
  { type: 'directory', path: 'd/ab', mode: 0o700 },
  { type: 'file', path: 'd/ab/x', data: '' },
  { type: 'file', path: 'd/abc', data: 'a', mode: 0o755 },
  { type: 'file', path: 'd/abcd', data: 'ab' },
  { type: 'file', path: '/d/abcde', data: Buffer.from([0, 1, 2, 255]) },
  { type: 'file', path: 'd/f5', data: 'abcde' },
  { type: 'symlink', path: 'd/link', target: '/d/abc' },
  { type: 'chardev', path: 'd/console', major: 5, minor: 1 },
];

function gnuCpio(archive: Buffer, args: string[], cwd?: string) {
  const result = spawnSync('cpio', [...args, '--quiet'], { input: archive, cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `cpio ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

test('GNU cpio lists every entry with its type, mode, owner and device numbers', () => {
  const listing = gnuCpio(newcArchive(ENTRIES), ['-itv']).trim().split('\n');
  const expected: [RegExp, string][] = [
    [/^drwxr-xr-x +2 root +root +0 /, 'd'],
    [/^drwx------ +2 root +root +0 /, 'd/ab'],
    [/^-rw-r--r-- +1 root +root +0 /, 'd/ab/x'],
    [/^-rwxr-xr-x +1 root +root +1 /, 'd/abc'],
    [/^-rw-r--r-- +1 root +root +2 /, 'd/abcd'],
    [/^-rw-r--r-- +1 root +root +4 /, 'd/abcde'],
    [/^-rw-r--r-- +1 root +root +5 /, 'd/f5'],
    [/^lrwxrwxrwx +1 root +root +6 /, 'd/link -> /d/abc'],
    [/^crw------- +1 root +root +5, +1 /, 'd/console'],
  ];
  assert.equal(listing.length, expected.length, listing.join('\n'));
  for (const [i, [pattern, name]] of expected.entries()) {
    assert.match(listing[i]!, pattern);
    assert.ok(listing[i]!.endsWith(` ${name}`), `${listing[i]} names ${name}`);
  }
});

test('GNU cpio extracts the same bytes and link targets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-cpio-'));
  try {
    // No device node: creating one needs root and proves nothing more than the listing did.
    gnuCpio(newcArchive(ENTRIES.filter((e) => e.type !== 'chardev')), ['-id', '--no-absolute-filenames'], dir);
    assert.equal(readFileSync(join(dir, 'd/ab/x'), 'utf8'), '');
    assert.equal(readFileSync(join(dir, 'd/abc'), 'utf8'), 'a');
    assert.equal(statSync(join(dir, 'd/abc')).mode & 0o777, 0o755);
    assert.deepEqual([...readFileSync(join(dir, 'd/abcde'))], [0, 1, 2, 255]);
    assert.equal(readFileSync(join(dir, 'd/f5'), 'utf8'), 'abcde');
    assert.equal(readlinkSync(join(dir, 'd/link')), '/d/abc');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the header of one file, field by field', () => {
  const archive = newcArchive([{ type: 'file', path: 'a', data: 'xyz', mode: 0o600 }]);
  const header = archive.subarray(0, 110).toString('ascii');
  const fields = header.slice(6).match(/.{8}/g)!;
  assert.equal(header.slice(0, 6), '070701'); // newc magic, no checksum
  assert.deepEqual(fields, [
    '00000001', // ino
    '00008180', // mode: S_IFREG | 0600
    '00000000', // uid
    '00000000', // gid
    '00000001', // nlink
    '00000000', // mtime
    '00000003', // filesize
    '00000000', // devmajor
    '00000000', // devminor
    '00000000', // rdevmajor
    '00000000', // rdevminor
    '00000002', // namesize: "a\0"
    '00000000', // check
  ]);
  // 110 + 2 name bytes, padded to 112; then 3 data bytes padded to 4.
  assert.equal(archive.subarray(110, 112).toString('latin1'), 'a\0');
  assert.equal(archive.subarray(112, 116).toString('latin1'), 'xyz\0');
  assert.equal(archive.subarray(116, 122).toString('ascii'), '070701'); // the trailer follows
  assert.ok(archive.subarray(116).toString('latin1').includes('TRAILER!!!\0'));
});

test('paths that could leave the archive root are refused', () => {
  for (const path of ['', '/', 'a/../b', '..']) {
    assert.throws(() => newcArchive([{ type: 'directory', path }]), /bad path/);
  }
});
