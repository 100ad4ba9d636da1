// createDisk, diskInfo and deleteDisk with the real qemu-img, in a temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDisk, deleteDisk, DiskError, diskInfo } from './qemu-img.ts';

const GIB = 1024 ** 3;

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-qemu-img-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function qemuImg(...args: string[]): string {
  return execFileSync('qemu-img', args, { encoding: 'utf8' });
}

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof DiskError, `${err.name}: ${err.message}`);
    assert.match(err.message, message);
    return true;
  });
}

test('blank disk: a qcow2 of the size asked, no backing file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'disk.qcow2');
  const info = await createDisk(path, 2, null);
  assert.deepEqual(
    { ...info, actualSizeBytes: 0 },
    {
      path,
      format: 'qcow2',
      virtualSizeBytes: 2 * GIB,
      actualSizeBytes: 0,
      backing: null,
      dataFile: null,
    },
  );
  assert.ok(info.actualSizeBytes > 0 && info.actualSizeBytes < 1024 * 1024, 'sparse');
  assert.deepEqual(await diskInfo(path), info);
});

test('overlay on a raw and on a qcow2 base: format detected and recorded, guest data read through', async (t) => {
  const dir = tempDir(t);
  const raw = join(dir, 'base.raw');
  const pattern = Buffer.alloc(1024 * 1024, 0xab);
  writeFileSync(raw, pattern);
  const qcow2 = join(dir, 'base.qcow2');
  qemuImg('convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2);

  for (const [base, format] of [
    [raw, 'raw'],
    [qcow2, 'qcow2'],
  ] as const) {
    const overlay = join(dir, `overlay-on-${format}.qcow2`);
    const info = await createDisk(overlay, 1, base);
    assert.equal(info.format, 'qcow2');
    assert.equal(info.virtualSizeBytes, GIB);
    assert.deepEqual(info.backing, { path: base, format });
    // What the guest sees: the base's bytes, then zeros.
    assert.match(qemuImg('compare', base, overlay), /Images are identical/);
  }
  assert.ok(readFileSync(raw).equals(pattern), 'the base is untouched');
});

test('bases that could make QEMU read other files, or are too big, are refused', async (t) => {
  const dir = tempDir(t);
  const base = join(dir, 'base.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', base, '1G');
  // A file named like a raw image whose content is a qcow2 header naming another file.
  const disguised = join(dir, 'disguised.img');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', disguised, '1G');
  const withDataFile = join(dir, 'data-file.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', '-o', `data_file=${join(dir, 'data.raw')}`, withDataFile, '1M');
  const vmdk = join(dir, 'base.vmdk');
  qemuImg('create', '-q', '-f', 'vmdk', vmdk, '1M');
  const bigRaw = join(dir, 'big.raw');
  writeFileSync(bigRaw, '');
  truncateSync(bigRaw, 3 * GIB);

  const cases: { base: string; size: number; message: RegExp }[] = [
    {
      base: disguised,
      size: 1,
      message: /^base image .*disguised\.img overlays \/etc\/hostname itself; flatten it first/,
    },
    {
      base: withDataFile,
      size: 1,
      message: /keeps its data in .*data\.raw; convert it into a self-contained qcow2 first$/,
    },
    { base: vmdk, size: 1, message: /is vmdk; only qcow2 and raw bases are supported/ },
    { base: bigRaw, size: 2, message: /needs at least 3 GiB, the base's size \(got 2 GiB\)$/ },
    {
      base: join(dir, 'missing.qcow2'),
      size: 1,
      message: /^qemu-img info .*missing\.qcow2 failed: Could not open .*No such file or directory$/,
    },
  ];
  for (const [i, c] of cases.entries()) {
    const path = join(dir, `overlay-${i}.qcow2`);
    await rejectsWith(createDisk(path, c.size, c.base), c.message);
    assert.equal(existsSync(path), false, 'nothing created');
  }
});

test('an existing file is never overwritten; a failed create leaves nothing', async (t) => {
  const dir = tempDir(t);
  const existing = join(dir, 'existing.qcow2');
  writeFileSync(existing, 'keep');
  await rejectsWith(
    createDisk(existing, 1, null),
    /^disk .*existing\.qcow2 already exists; delete it first or choose another path$/,
  );
  assert.equal(readFileSync(existing, 'utf8'), 'keep');

  const tooBig = join(dir, 'too-big.qcow2');
  await rejectsWith(
    createDisk(tooBig, 64 * 1024 * 1024, null),
    /^qemu-img create .*too-big\.qcow2 failed: .*too large/,
  );
  assert.equal(existsSync(tooBig), false);
});

test('bad arguments and a missing qemu-img say what to do', async (t) => {
  const dir = tempDir(t);
  await rejectsWith(createDisk('disk.qcow2', 1, null), /^disk path must be absolute \(got "disk\.qcow2"\)$/);
  await rejectsWith(createDisk(join(dir, 'a.qcow2'), 0, null), /whole number of GiB, at least 1 \(got 0\)$/);
  await rejectsWith(createDisk(join(dir, 'b.qcow2'), 1.5, null), /whole number of GiB/);
  await rejectsWith(createDisk(join(dir, 'c.qcow2'), 1, 'base.raw'), /^base image path must be absolute/);
  await rejectsWith(createDisk(join(dir, 'no-folder', 'd.qcow2'), 1, null), /its folder does not exist$/);
  await rejectsWith(
    createDisk(join(dir, 'e.qcow2'), 1, null, { qemuImg: '/nonexistent/qemu-img' }),
    /^\/nonexistent\/qemu-img not found; install the Debian package qemu-utils$/,
  );
  assert.equal(existsSync(join(dir, 'e.qcow2')), false);
  await rejectsWith(diskInfo(join(dir, 'nothing.qcow2')), /No such file or directory$/);
});

test('deleteDisk removes a regular file once, and nothing else', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'disk.qcow2');
  await createDisk(path, 1, null);
  assert.equal(await deleteDisk(path), true);
  assert.equal(existsSync(path), false);
  assert.equal(await deleteDisk(path), false);

  const folder = join(dir, 'folder');
  mkdirSync(folder);
  await rejectsWith(deleteDisk(folder), /is not a regular file; not deleting it as a disk$/);
  const target = join(dir, 'target');
  writeFileSync(target, 'x');
  const link = join(dir, 'link.qcow2');
  symlinkSync(target, link);
  await rejectsWith(deleteDisk(link), /is not a regular file/);
  assert.equal(existsSync(target), true);
  await rejectsWith(deleteDisk('disk.qcow2'), /must be absolute/);
});
