// VM disks through qemu-img: a blank qcow2, or a qcow2 overlay on a base image that stays
// untouched (copy-on-write). The base's format is detected once here and written into the
// overlay (-F), so QEMU never probes it: a raw image whose first bytes look like a qcow2 header
// could otherwise name any file on the host as its backing file (the reason QEMU requires
// backing_fmt since 6.1). For the same reason a base may not chain on to other files itself.
import { execFile } from 'node:child_process';
import { lstat, open, unlink } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

export interface DiskInfo {
  path: string;
  /** Format qemu-img detected from the content ("qcow2", "raw", ...). */
  format: string;
  /** Size the guest sees. */
  virtualSizeBytes: number;
  /** Space the file takes on the host. */
  actualSizeBytes: number;
  /** The image this one overlays (absolute when created here), or null. */
  backing: { path: string; format: string | null } | null;
  /** A qcow2 image's external data file (qcow2 data-file), or null. */
  dataFile: string | null;
}

export interface QemuImgOptions {
  /** Default "qemu-img" (on PATH). */
  qemuImg?: string;
  /** Kill qemu-img after this long; default 10 s for info, 60 s for create. */
  timeoutMs?: number;
}

/** A disk could not be created, read or deleted; the message has qemu-img's own words. */
export class DiskError extends Error {
  override name = 'DiskError';
}

const GIB = 1024 ** 3;
/** Formats a base may have: neither can refer to other files (vmdk, for one, can). */
const BASE_FORMATS: ReadonlySet<string> = new Set(['qcow2', 'raw']);

/**
 * Creates a qcow2 at `path` (which must not exist) of `sizeGib` GiB, blank or overlaying `backing`.
 * Resolves with the new disk's info; on failure nothing is left at `path`.
 */
export async function createDisk(
  path: string,
  sizeGib: number,
  backing: string | null,
  opts: QemuImgOptions = {},
): Promise<DiskInfo> {
  checkAbsolute(path, 'disk');
  if (!Number.isInteger(sizeGib) || sizeGib < 1) {
    throw new DiskError(`disk size must be a whole number of GiB, at least 1 (got ${sizeGib})`);
  }
  const args = ['create', '-q', '-f', 'qcow2'];
  if (backing !== null) {
    checkAbsolute(backing, 'base image');
    const base = await diskInfo(backing, opts);
    checkBase(base, sizeGib);
    args.push('-b', backing, '-F', base.format);
  }
  args.push(path, String(sizeGib * GIB));
  await reserve(path);
  try {
    await qemuImg(args, `qemu-img create ${path}`, { timeoutMs: 60_000, ...opts });
    return await diskInfo(path, opts);
  } catch (err) {
    await unlink(path).catch(() => {});
    throw err;
  }
}

function checkBase(base: DiskInfo, sizeGib: number): void {
  if (!BASE_FORMATS.has(base.format)) {
    throw new DiskError(
      `base image ${base.path} is ${base.format}; only qcow2 and raw bases are supported (convert it with qemu-img convert -O qcow2)`,
    );
  }
  if (base.backing !== null) {
    throw new DiskError(
      `base image ${base.path} overlays ${base.backing.path} itself; flatten it first (qemu-img convert -O qcow2 ${base.path} NEW)`,
    );
  }
  if (base.dataFile !== null) {
    throw new DiskError(
      `base image ${base.path} keeps its data in ${base.dataFile}; convert it into a self-contained qcow2 first`,
    );
  }
  if (sizeGib * GIB < base.virtualSizeBytes) {
    const baseGib = Math.ceil(base.virtualSizeBytes / GIB);
    throw new DiskError(
      `a disk on base image ${base.path} needs at least ${baseGib} GiB, the base's size (got ${sizeGib} GiB)`,
    );
  }
}

/** Creates the file exclusively, so an existing disk is never overwritten (qemu-img create would). */
async function reserve(path: string): Promise<void> {
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new DiskError(`disk ${path} already exists; delete it first or choose another path`);
    if (code === 'ENOENT') throw new DiskError(`cannot create disk ${path}: its folder does not exist`);
    throw new DiskError(`cannot create disk ${path}: ${(err as Error).message}`);
  }
}

/** `qemu-img info` of an image; -U so that it also reads a disk a running QEMU holds locked. */
export async function diskInfo(path: string, opts: QemuImgOptions = {}): Promise<DiskInfo> {
  checkAbsolute(path, 'disk');
  const stdout = await qemuImg(['info', '-U', '--output=json', path], `qemu-img info ${path}`, {
    timeoutMs: 10_000,
    ...opts,
  });
  return parseDiskInfo(path, stdout);
}

export function parseDiskInfo(path: string, json: string): DiskInfo {
  let info: QemuImgInfo;
  try {
    info = JSON.parse(json) as QemuImgInfo;
  } catch {
    throw new DiskError(`qemu-img info ${path} printed no JSON: ${json.slice(0, 80)}`);
  }
  if (typeof info.format !== 'string' || typeof info['virtual-size'] !== 'number') {
    throw new DiskError(`qemu-img info ${path} gave no format or size`);
  }
  const backingPath = info['full-backing-filename'] ?? info['backing-filename'];
  return {
    path,
    format: info.format,
    virtualSizeBytes: info['virtual-size'],
    actualSizeBytes: info['actual-size'] ?? 0,
    backing: backingPath === undefined ? null : { path: backingPath, format: info['backing-filename-format'] ?? null },
    dataFile: info['format-specific']?.data?.['data-file'] ?? null,
  };
}

/** The fields of `qemu-img info --output=json` (QEMU's ImageInfo) read here. */
interface QemuImgInfo {
  format?: string;
  'virtual-size'?: number;
  'actual-size'?: number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
  'format-specific'?: { type?: string; data?: { 'data-file'?: string } };
}

/** Removes a disk file; false when there was none. Refuses anything but a regular file. */
export async function deleteDisk(path: string): Promise<boolean> {
  checkAbsolute(path, 'disk');
  let stat;
  try {
    stat = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new DiskError(`cannot delete disk ${path}: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw new DiskError(`${path} is not a regular file; not deleting it as a disk`);
  await unlink(path).catch((err: Error) => {
    throw new DiskError(`cannot delete disk ${path}: ${err.message}`);
  });
  return true;
}

function checkAbsolute(path: string, what: string): void {
  if (!isAbsolute(path) || path.includes('\0'))
    throw new DiskError(`${what} path must be absolute (got ${JSON.stringify(path)})`);
}

function qemuImg(args: string[], what: string, opts: QemuImgOptions & { timeoutMs: number }): Promise<string> {
  const binary = opts.qemuImg ?? 'qemu-img';
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: opts.timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err === null) {
        resolve(stdout);
      } else if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new DiskError(`${binary} not found; install the Debian package qemu-utils`));
      } else if (err.killed) {
        reject(new DiskError(`${what} did not finish within ${opts.timeoutMs / 1000} s`));
      } else {
        const why = stderr.trim().replace(/^qemu-img: /, '') || err.message;
        reject(new DiskError(`${what} failed: ${why}`));
      }
    });
  });
}
