// The files VMs may boot from: what lies in the image folders (hypervisor.imageDirs), and the one
// gate every boot path passes. QEMU starts as root (it drops to -runas only after opening its
// files), so a path from the API is accepted only when, with every symlink resolved, it is a
// regular file inside an image folder; QEMU then gets that resolved path, with no symlink left in
// it for anyone to swap. Whoever can write inside an image folder decides what VMs read, so those
// folders must be writable by administrators only (a hard link made there is their choice too).
import { constants, type Dirent } from 'node:fs';
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';

export type ImageKind = 'iso' | 'disk-qcow2' | 'disk-raw' | 'kernel' | 'initrd' | 'unknown';

export interface ImageClass {
  kind: ImageKind;
  /** QEMU block format to open it with (-drive format=): ISOs and disks only. */
  format?: 'raw' | 'qcow2';
}

export interface Image extends ImageClass {
  /** Absolute path inside an image folder (a symlink there is listed under its own name). */
  path: string;
  name: string;
  /** File size (for qcow2 the file, not the disk the guest sees). */
  sizeBytes: number;
}

/** A boot path the API may not hand to QEMU; the message says which folders are allowed. */
export class ImagePathError extends Error {
  override name = 'ImagePathError';
  constructor(
    message: string,
    readonly allowedDirs: readonly string[],
  ) {
    super(`${message}; allowed: ${allowedDirs.length > 0 ? allowedDirs.join(', ') : 'none'} (hypervisor.imageDirs)`);
  }
}

/** Directory levels below an image folder that listImages looks into. */
export const DEFAULT_MAX_DEPTH = 4;
/** Bytes read to classify a file: the ISO 9660 primary volume descriptor starts at 0x8000. */
const HEADER_BYTES = 0x8006;

/**
 * Every regular file of the image folders, ordered by path. Folders that do not exist are
 * skipped; names starting with "." are skipped (partial downloads, snapshots); symlinked
 * folders are not entered; a symlinked file is listed when its target is a regular file inside
 * an image folder. Every listed path passes resolveImagePath.
 */
export async function listImages(imageDirs: readonly string[], opts: { maxDepth?: number } = {}): Promise<Image[]> {
  const roots = await realRoots(imageDirs);
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const found = new Map<string, Image>();
  for (const dir of imageDirs) {
    if (!isAbsolute(dir)) continue;
    await walk(resolve(dir), 0, maxDepth, roots, found);
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(
  dir: string,
  depth: number,
  maxDepth: number,
  roots: readonly string[],
  found: Map<string, Image>,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // missing, not a folder, or unreadable: nothing to list
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth < maxDepth) await walk(path, depth + 1, maxDepth, roots, found);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && !found.has(path)) {
      const image = await readImage(path, roots);
      if (image !== null) found.set(path, image);
    }
  }
}

/** The listing entry of one file, or null when resolveImagePath would refuse it. */
async function readImage(path: string, roots: readonly string[]): Promise<Image | null> {
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    return null; // dangling or looping symlink, or gone
  }
  if (!roots.some((root) => isInside(root, target))) return null;
  const handle = await openRegularFile(target).catch(() => null);
  if (handle === null) return null;
  try {
    const { size } = await handle.stat();
    return { path, name: basename(path), sizeBytes: size, ...classifyImage(await readHeader(handle), basename(path)) };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * The path QEMU may open for `path`: its realpath, when that is a regular file inside one of
 * `imageDirs` (themselves resolved) and, if `expected` is given, of one of those kinds.
 * Anything else throws ImagePathError: relative paths, NUL bytes, paths leaving the folders by
 * ".." or by a symlink, sibling folders that share a prefix, folders, devices, FIFOs.
 */
export async function resolveImagePath(
  imageDirs: readonly string[],
  path: string,
  expected?: readonly ImageKind[],
): Promise<string> {
  const roots = await realRoots(imageDirs);
  const shown = JSON.stringify(path);
  const refuse = (why: string): never => {
    throw new ImagePathError(`image ${shown} ${why}`, roots);
  };
  if (typeof path !== 'string' || path === '') refuse('is empty');
  if (path.includes('\0')) refuse('contains a NUL byte');
  if (!isAbsolute(path)) refuse('is not an absolute path');
  if (roots.length === 0) refuse('cannot be used: no image folder exists');

  let real = '';
  try {
    real = await realpath(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    refuse(
      code === 'ENOENT' ? 'does not exist' : code === 'ELOOP' ? 'is a symlink loop' : `cannot be resolved (${code})`,
    );
  }
  if (roots.includes(real)) refuse('is an image folder, not a file');
  if (!roots.some((root) => isInside(root, real)))
    refuse(`is outside the image folders (it resolves to ${JSON.stringify(real)})`);

  const handle = await openRegularFile(real).catch(() => refuse('is not a regular file'));
  try {
    if (expected !== undefined) {
      // Named as asked for, as listImages names a symlinked file by the link.
      const { kind } = classifyImage(await readHeader(handle), basename(path));
      if (!expected.includes(kind)) refuse(`is ${kindText(kind)}, not ${expected.map(kindText).join(' or ')}`);
    }
  } finally {
    await handle.close();
  }
  return real;
}

/** Opens without following a final symlink and without blocking on a FIFO, then insists on a regular file. */
async function openRegularFile(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  const info = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (!info.isFile()) {
    await handle.close();
    throw new Error(`${path} is not a regular file`);
  }
  return handle;
}

async function readHeader(handle: FileHandle): Promise<Buffer> {
  const buffer = Buffer.alloc(HEADER_BYTES);
  let filled = 0;
  while (filled < HEADER_BYTES) {
    const { bytesRead } = await handle.read(buffer, filled, HEADER_BYTES - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The image folders that exist, resolved; a folder is inside itself only as a prefix (root + "/"). */
async function realRoots(imageDirs: readonly string[]): Promise<string[]> {
  const roots: string[] = [];
  for (const dir of imageDirs) {
    if (!isAbsolute(dir) || dir.includes('\0')) continue;
    try {
      const real = await realpath(dir);
      if ((await stat(real)).isDirectory() && !roots.includes(real)) roots.push(real);
    } catch {
      // a folder that does not exist (yet) holds no images
    }
  }
  return roots;
}

function isInside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

const KERNEL_NAME = /^(vmlinuz|vmlinux|bzImage)/;
const INITRD_NAME = /^(initrd|initramfs)/;

/**
 * What a file is from its first bytes (at least 0x8006 of them for ISOs) and, where the content
 * allows more than one reading, its name. Content that proves a kind wins over any name:
 *   ISO 9660: "CD001" at 0x8001 (ECMA-119 8.4: the volume descriptor at sector 16); checked
 *     first, as hybrid ISOs also carry an MBR.
 *   qcow2: "QFI\xfb" at 0 (QEMU docs/interop/qcow2.txt).
 *   Linux kernel: "HdrS" at 0x202 (Documentation/x86/boot.rst); before MBR, as a bzImage has
 *     0x55aa at 510 too.
 *   initramfs: newc cpio "070701" / "070702" at 0 (early microcode archives start so, too).
 *   raw disk: GPT "EFI PART" at 512 (UEFI 2.10 5.3.2), or the MBR signature 0x55aa at 510.
 * Compressed data (gzip, zstd, xz, bzip2, lz4, lzo, lzma) is an initrd when named initrd* or
 * initramfs*, a kernel when named vmlinuz*, vmlinux* or bzImage* (arm64 kernels are gzip'd),
 * else unknown; an ELF file is a kernel when so named. A name alone never makes a file bootable.
 */
export function classifyImage(head: Buffer, name: string): ImageClass {
  const at = (offset: number, bytes: string | number[]): boolean => {
    const expected = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    return head.length >= offset + expected.length && head.subarray(offset, offset + expected.length).equals(expected);
  };
  if (at(0x8001, 'CD001')) return { kind: 'iso', format: 'raw' };
  if (at(0, 'QFI\xfb')) return { kind: 'disk-qcow2', format: 'qcow2' };
  if (at(0x202, 'HdrS')) return { kind: 'kernel' };
  if (at(0, '070701') || at(0, '070702')) return { kind: 'initrd' };
  if (at(512, 'EFI PART') || at(510, [0x55, 0xaa])) return { kind: 'disk-raw', format: 'raw' };
  const compressed = COMPRESSED_MAGIC.some((magic) => at(0, magic));
  if (compressed && INITRD_NAME.test(name)) return { kind: 'initrd' };
  if ((compressed || at(0, [0x7f, 0x45, 0x4c, 0x46])) && KERNEL_NAME.test(name)) return { kind: 'kernel' };
  return { kind: 'unknown' };
}

const COMPRESSED_MAGIC: number[][] = [
  [0x1f, 0x8b], // gzip (RFC 1952)
  [0x28, 0xb5, 0x2f, 0xfd], // zstd (RFC 8878)
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x42, 0x5a, 0x68], // bzip2 "BZh"
  [0x02, 0x21, 0x4c, 0x18], // lz4 legacy frame (what the kernel's initramfs decompressor reads)
  [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a], // lzop
  [0x5d, 0x00, 0x00], // lzma (alone)
];

function kindText(kind: ImageKind): string {
  switch (kind) {
    case 'iso':
      return 'an ISO image';
    case 'disk-qcow2':
      return 'a qcow2 disk image';
    case 'disk-raw':
      return 'a raw disk image';
    case 'kernel':
      return 'a kernel';
    case 'initrd':
      return 'an initrd';
    case 'unknown':
      return 'not a known kind of boot file';
  }
}
