// Image folders made of real files, symlinks, a FIFO and a sibling folder in a temporary
// directory: classification by content and name, the listing, and the path gate QEMU's boot
// files pass (resolveImagePath).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultCacheDir } from '../../scripts/guest/tiny.ts';
import { classifyImage, ImagePathError, listImages, resolveImagePath, type ImageKind } from './images.ts';
import * as files from './testing/image-files.ts';

interface Tree {
  root: string;
  images: string;
}

/**
 *   ROOT/images/         the image folder
 *   ROOT/images-evil/    a sibling sharing its name as a prefix
 *   ROOT/outside/, ROOT/secret.txt
 *   ROOT/images-link ->  images (an image folder configured through a symlink)
 */
function makeTree(t: { after: (fn: () => void) => void }): Tree {
  const root = mkdtempSync(join(tmpdir(), 'homeplane-images-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const images = join(root, 'images');
  const put = (path: string, data: Buffer | string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  };
  put(join(images, 'debian.iso'), files.isoFile());
  put(join(images, 'hybrid.iso'), files.hybridIsoFile());
  put(join(images, 'base.qcow2'), files.qcow2File());
  put(join(images, 'disk.raw'), files.mbrDiskFile());
  put(join(images, 'gpt.img'), files.gptDiskFile());
  put(join(images, 'vmlinuz-6.1.0-57-cloud-amd64'), files.bzImageFile());
  put(join(images, 'vmlinux-6.1'), files.elfFile());
  put(join(images, 'initrd.img-6.1.0-57-cloud-amd64'), files.gzipFile());
  put(join(images, 'initramfs-linux.img'), files.zstdFile());
  put(join(images, 'initrd.xz'), files.xzFile());
  put(join(images, 'microcode.cpio'), files.cpioFile());
  put(join(images, 'initrd-but-a-kernel'), files.bzImageFile());
  put(join(images, 'notes.gz'), files.gzipFile());
  put(join(images, 'readme.txt'), 'hello\n');
  put(join(images, 'vmlinuz-empty'), '');
  put(join(images, '.debian.iso.part'), files.isoFile());
  put(join(images, 'sub', 'deeper', 'alpine.iso'), files.isoFile());
  put(join(images, 'd1', 'd2', 'd3', 'd4', 'at-depth-4.iso'), files.isoFile());
  put(join(images, 'd1', 'd2', 'd3', 'd4', 'd5', 'too-deep.iso'), files.isoFile());
  put(join(root, 'images-evil', 'evil.iso'), files.isoFile());
  put(join(root, 'outside', 'x.iso'), files.isoFile());
  put(join(root, 'secret.txt'), 'secret\n');
  symlinkSync(join(images, 'debian.iso'), join(images, 'link-inside.iso'));
  symlinkSync('sub/deeper/alpine.iso', join(images, 'link-relative.iso'));
  symlinkSync(join(root, 'secret.txt'), join(images, 'link-outside'));
  symlinkSync(join(root, 'images-evil', 'evil.iso'), join(images, 'link-sibling.iso'));
  symlinkSync(join(root, 'outside'), join(images, 'link-dir'));
  symlinkSync(join(images, 'nothing-here'), join(images, 'link-dangling'));
  symlinkSync(join(images, 'loop-b'), join(images, 'loop-a'));
  symlinkSync(join(images, 'loop-a'), join(images, 'loop-b'));
  symlinkSync(images, join(root, 'images-link'));
  put(join(images, 'blobs', 'a1b2c3.gz'), files.gzipFile());
  symlinkSync('blobs/a1b2c3.gz', join(images, 'initrd.img'));
  execFileSync('mkfifo', [join(images, 'fifo')]);
  return { root, images };
}

test('classification: content first, the name only where the content allows several readings', () => {
  const cases: { file: Buffer; name: string; kind: ImageKind; format?: 'raw' | 'qcow2' }[] = [
    { file: files.isoFile(), name: 'debian.iso', kind: 'iso', format: 'raw' },
    { file: files.hybridIsoFile(), name: 'debian-hybrid.iso', kind: 'iso', format: 'raw' },
    { file: files.isoFile(), name: 'vmlinuz', kind: 'iso', format: 'raw' },
    { file: files.qcow2File(), name: 'initrd.img', kind: 'disk-qcow2', format: 'qcow2' },
    { file: files.bzImageFile(), name: 'anything', kind: 'kernel' },
    { file: files.bzImageFile(), name: 'initrd.img', kind: 'kernel' },
    { file: files.cpioFile(), name: 'early.cpio', kind: 'initrd' },
    { file: files.mbrDiskFile(), name: 'disk.img', kind: 'disk-raw', format: 'raw' },
    { file: files.gptDiskFile(), name: 'disk.img', kind: 'disk-raw', format: 'raw' },
    { file: files.gptOnlyDiskFile(), name: 'disk.img', kind: 'disk-raw', format: 'raw' },
    { file: files.gzipFile(), name: 'initrd.img-6.1', kind: 'initrd' },
    { file: files.gzipFile(), name: 'initramfs-6.1.img', kind: 'initrd' },
    { file: files.zstdFile(), name: 'initramfs-linux.img', kind: 'initrd' },
    { file: files.xzFile(), name: 'initrd', kind: 'initrd' },
    { file: files.gzipFile(), name: 'vmlinuz-6.1-arm64', kind: 'kernel' },
    { file: files.gzipFile(), name: 'backup.tar.gz', kind: 'unknown' },
    { file: files.elfFile(), name: 'vmlinux-6.1', kind: 'kernel' },
    { file: files.elfFile(), name: 'busybox', kind: 'unknown' },
    { file: Buffer.from('hello\n'), name: 'vmlinuz', kind: 'unknown' },
    { file: Buffer.from('hello\n'), name: 'initrd.img', kind: 'unknown' },
    { file: Buffer.alloc(0), name: 'bzImage', kind: 'unknown' },
    // Too short to hold the magic at its offset.
    { file: files.isoFile().subarray(0, 0x8003), name: 'cut.iso', kind: 'unknown' },
  ];
  for (const c of cases) {
    const expected = c.format === undefined ? { kind: c.kind } : { kind: c.kind, format: c.format };
    assert.deepEqual(classifyImage(c.file, c.name), expected, `${c.name}: ${c.kind}`);
  }
});

test('listImages: regular files inside the folders, bounded depth, no way out', async (t) => {
  const { root, images } = makeTree(t);
  const listed = await listImages([images, join(root, 'does-not-exist')]);
  const got = listed.map((image) => [image.path.slice(images.length + 1), image.kind, image.format ?? '-']);
  assert.deepEqual(got, [
    ['base.qcow2', 'disk-qcow2', 'qcow2'],
    ['blobs/a1b2c3.gz', 'unknown', '-'],
    ['d1/d2/d3/d4/at-depth-4.iso', 'iso', 'raw'],
    ['debian.iso', 'iso', 'raw'],
    ['disk.raw', 'disk-raw', 'raw'],
    ['gpt.img', 'disk-raw', 'raw'],
    ['hybrid.iso', 'iso', 'raw'],
    ['initramfs-linux.img', 'initrd', '-'],
    ['initrd-but-a-kernel', 'kernel', '-'],
    ['initrd.img', 'initrd', '-'], // a symlink to blobs/a1b2c3.gz: named by the link
    ['initrd.img-6.1.0-57-cloud-amd64', 'initrd', '-'],
    ['initrd.xz', 'initrd', '-'],
    ['link-inside.iso', 'iso', 'raw'],
    ['link-relative.iso', 'iso', 'raw'],
    ['microcode.cpio', 'initrd', '-'],
    ['notes.gz', 'unknown', '-'],
    ['readme.txt', 'unknown', '-'],
    ['sub/deeper/alpine.iso', 'iso', 'raw'],
    ['vmlinux-6.1', 'kernel', '-'],
    ['vmlinuz-6.1.0-57-cloud-amd64', 'kernel', '-'],
    ['vmlinuz-empty', 'unknown', '-'],
  ]);
  const debian = listed.find((image) => image.name === 'debian.iso');
  assert.deepEqual(debian, {
    path: join(images, 'debian.iso'),
    name: 'debian.iso',
    sizeBytes: 0x8800,
    kind: 'iso',
    format: 'raw',
  });

  // Every listed path passes the gate, also when asked for the kind it was listed as.
  for (const image of listed) await resolveImagePath([images], image.path, [image.kind]);
  // Overlapping folders list a file once; a folder configured through a symlink lists under that name.
  assert.equal((await listImages([images, join(images, 'sub')])).length, listed.length);
  const viaLink = await listImages([join(root, 'images-link')]);
  assert.equal(viaLink.length, listed.length);
  assert.ok(viaLink.every((image) => image.path.startsWith(join(root, 'images-link') + '/')));
  // Shallower bound.
  const shallow = await listImages([images], { maxDepth: 1 });
  assert.ok(!shallow.some((image) => image.path.includes('/sub/deeper/')));
  assert.deepEqual(await listImages(['relative/images', join(root, 'nope')]), []);
});

test('resolveImagePath: the realpath of a regular file inside an image folder, nothing else', async (t) => {
  const { root, images } = makeTree(t);
  const dirs = [images];
  const ok: { path: string; real: string; dirs?: string[] }[] = [
    { path: join(images, 'debian.iso'), real: join(images, 'debian.iso') },
    { path: join(images, 'sub/deeper/alpine.iso'), real: join(images, 'sub/deeper/alpine.iso') },
    { path: join(images, 'link-inside.iso'), real: join(images, 'debian.iso') },
    { path: join(images, 'link-relative.iso'), real: join(images, 'sub/deeper/alpine.iso') },
    { path: `${images}/sub/../debian.iso`, real: join(images, 'debian.iso') },
    { path: `${images}//debian.iso`, real: join(images, 'debian.iso') },
    { path: join(root, 'images-link', 'debian.iso'), real: join(images, 'debian.iso') },
    { path: join(images, 'debian.iso'), real: join(images, 'debian.iso'), dirs: [join(root, 'images-link')] },
    {
      path: join(root, 'images-link', 'debian.iso'),
      real: join(images, 'debian.iso'),
      dirs: [join(root, 'images-link')],
    },
  ];
  for (const c of ok) assert.equal(await resolveImagePath(c.dirs ?? dirs, c.path), c.real, c.path);

  const refused: { path: string; why: RegExp; dirs?: string[] }[] = [
    { path: `${images}/../secret.txt`, why: /is outside the image folders \(it resolves to ".*\/secret\.txt"\)/ },
    { path: `${images}/sub/../../secret.txt`, why: /is outside the image folders/ },
    { path: join(images, 'link-outside'), why: /is outside the image folders \(it resolves to ".*\/secret\.txt"\)/ },
    {
      path: join(images, 'link-sibling.iso'),
      why: /is outside the image folders \(it resolves to ".*\/images-evil\/evil\.iso"\)/,
    },
    { path: join(root, 'images-evil', 'evil.iso'), why: /is outside the image folders/ },
    { path: join(images, 'link-dir', 'x.iso'), why: /is outside the image folders/ },
    { path: '/etc/passwd', why: /is outside the image folders/ },
    { path: '/dev/zero', why: /is outside the image folders/ },
    { path: 'debian.iso', why: /is not an absolute path/ },
    { path: './debian.iso', why: /is not an absolute path/ },
    { path: '../images/debian.iso', why: /is not an absolute path/ },
    { path: '', why: /is empty/ },
    { path: `${images}/debian.iso\0.txt`, why: /contains a NUL byte/ },
    { path: images, why: /is an image folder, not a file/ },
    { path: join(images, 'sub'), why: /is not a regular file/ },
    { path: join(images, 'fifo'), why: /is not a regular file/ },
    { path: join(images, 'missing.iso'), why: /does not exist/ },
    { path: join(images, 'link-dangling'), why: /does not exist/ },
    { path: join(images, 'loop-a'), why: /is a symlink loop/ },
    {
      path: join(images, 'debian.iso'),
      why: /cannot be used: no image folder exists; allowed: none/,
      dirs: [join(root, 'nope'), 'images'],
    },
  ];
  for (const c of refused) {
    await assert.rejects(resolveImagePath(c.dirs ?? dirs, c.path), (err: Error) => {
      assert.ok(err instanceof ImagePathError, `${JSON.stringify(c.path)}: ${err.name}`);
      assert.match(err.message, c.why, JSON.stringify(c.path));
      if (c.dirs === undefined) {
        assert.ok(err.message.endsWith(`; allowed: ${images} (hypervisor.imageDirs)`), err.message);
        assert.deepEqual(err.allowedDirs, [images]);
      }
      return true;
    });
  }
});

test('resolveImagePath with expected kinds', async (t) => {
  const { images } = makeTree(t);
  const kernel = join(images, 'vmlinuz-6.1.0-57-cloud-amd64');
  assert.equal(await resolveImagePath([images], kernel, ['kernel']), kernel);
  assert.equal(await resolveImagePath([images], join(images, 'initrd.xz'), ['initrd']), join(images, 'initrd.xz'));
  assert.equal(
    await resolveImagePath([images], join(images, 'gpt.img'), ['disk-qcow2', 'disk-raw']),
    join(images, 'gpt.img'),
  );
  const cases: { path: string; expected: ImageKind[]; why: RegExp }[] = [
    { path: join(images, 'debian.iso'), expected: ['kernel'], why: /debian\.iso" is an ISO image, not a kernel;/ },
    { path: join(images, 'notes.gz'), expected: ['initrd'], why: /is not a known kind of boot file, not an initrd;/ },
    {
      path: kernel,
      expected: ['disk-qcow2', 'disk-raw'],
      why: /is a kernel, not a qcow2 disk image or a raw disk image;/,
    },
  ];
  for (const c of cases) {
    await assert.rejects(resolveImagePath([images], c.path, c.expected), (err: Error) => {
      assert.ok(err instanceof ImagePathError);
      assert.match(err.message, c.why);
      return true;
    });
  }
});

test(
  'a FIFO in an image folder is refused without blocking, even when classification is asked for',
  { timeout: 5_000 },
  async (t) => {
    const { images } = makeTree(t);
    // A blocking open for reading would wait for a writer forever; the test would time out.
    await assert.rejects(resolveImagePath([images], join(images, 'fifo'), ['iso']), /is not a regular file/);
    await assert.rejects(resolveImagePath([images], join(images, 'fifo')), /is not a regular file/);
  },
);

test('the tiny test guest (if built on this machine) is a kernel and an initrd', async (t) => {
  const cache = defaultCacheDir();
  const dir = existsSync(cache)
    ? readdirSync(cache)
        .map((name) => join(cache, name))
        .find((d) => existsSync(join(d, 'vmlinuz')) && existsSync(join(d, 'initrd.img')))
    : undefined;
  if (dir === undefined) {
    t.skip('no tiny guest cached (npm run guest:tiny builds one)');
    return;
  }
  const listed = await listImages([dir]);
  const kinds = Object.fromEntries(listed.map((image) => [image.name, image.kind]));
  assert.equal(kinds['vmlinuz'], 'kernel');
  assert.equal(kinds['initrd.img'], 'initrd');
  assert.equal(await resolveImagePath([dir], join(dir, 'vmlinuz'), ['kernel']), join(dir, 'vmlinuz'));
  assert.equal(await resolveImagePath([dir], join(dir, 'initrd.img'), ['initrd']), join(dir, 'initrd.img'));
});
