// The "newc" cpio format the kernel unpacks an initramfs from (Documentation/driver-api/
// early-userspace/buffer-format.rst): per entry a 110-byte ASCII header "070701" + 13 fields of
// 8 hex digits, the NUL-terminated name padded to a multiple of 4, then the data padded to 4;
// the archive ends with an entry named "TRAILER!!!". Written here rather than by GNU cpio so the
// archive holds root-owned files and a /dev/console node without root, mknod or a staging tree.

export type CpioEntry =
  | { type: 'directory'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Uint8Array | string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const TRAILER = 'TRAILER!!!';

/** The archive, every entry owned by root (uid 0, gid 0), mtime 0 (reproducible). */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const entry of entries) parts.push(...record(entry, ino++));
  parts.push(...member(TRAILER, 0, Buffer.alloc(0), 0, { nlink: 1 }));
  return Buffer.concat(parts);
}

function record(entry: CpioEntry, ino: number): Buffer[] {
  const path = entry.path.replace(/^\/+/, '');
  if (path === '' || path.split('/').includes('..')) throw new Error(`cpio: bad path "${entry.path}"`);
  switch (entry.type) {
    case 'directory':
      return member(path, S_IFDIR | (entry.mode ?? 0o755), Buffer.alloc(0), ino, { nlink: 2 });
    case 'file':
      return member(path, S_IFREG | (entry.mode ?? 0o644), Buffer.from(entry.data), ino, { nlink: 1 });
    case 'symlink':
      return member(path, S_IFLNK | 0o777, Buffer.from(entry.target), ino, { nlink: 1 });
    case 'chardev':
      return member(path, S_IFCHR | (entry.mode ?? 0o600), Buffer.alloc(0), ino, {
        nlink: 1,
        rdevMajor: entry.major,
        rdevMinor: entry.minor,
      });
  }
}

function member(
  name: string,
  mode: number,
  data: Buffer,
  ino: number,
  o: { nlink: number; rdevMajor?: number; rdevMinor?: number },
): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [
    ino,
    mode,
    0, // uid
    0, // gid
    o.nlink,
    0, // mtime
    data.length,
    0, // devmajor
    0, // devminor
    o.rdevMajor ?? 0,
    o.rdevMinor ?? 0,
    nameBytes.length, // namesize, NUL included
    0, // check (only "070702" archives carry a checksum)
  ];
  const header = Buffer.from('070701' + fields.map(hex8).join(''), 'ascii');
  return [header, nameBytes, pad(header.length + nameBytes.length), data, pad(data.length)];
}

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`cpio: field ${n} does not fit 8 hex digits`);
  return n.toString(16).padStart(8, '0');
}

function pad(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
