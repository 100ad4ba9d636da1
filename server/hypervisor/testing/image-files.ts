// Small files that carry the magic bytes of each kind of boot file, for classification tests.
// Each builder names the offset and the standard it follows; the rest of the file is filler.
import { gzipSync } from 'node:zlib';

function withBytes(size: number, fill: number, parts: { offset: number; bytes: Buffer | string | number[] }[]): Buffer {
  const file = Buffer.alloc(size, fill);
  for (const { offset, bytes } of parts) {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    data.copy(file, offset);
  }
  return file;
}

/** ISO 9660: primary volume descriptor (type 1, "CD001", version 1) at sector 16 (0x8000). */
export function isoFile(): Buffer {
  return withBytes(0x8800, 0, [{ offset: 0x8000, bytes: [0x01, ...Buffer.from('CD001'), 0x01] }]);
}

/** A hybrid ISO (isohybrid, as Debian's): an MBR with 0x55aa at 510 and the ISO descriptor. */
export function hybridIsoFile(): Buffer {
  return withBytes(0x8800, 0, [
    { offset: 510, bytes: [0x55, 0xaa] },
    { offset: 0x8000, bytes: [0x01, ...Buffer.from('CD001'), 0x01] },
  ]);
}

/** qcow2 header start: magic "QFI\xfb", version 3 (big-endian). */
export function qcow2File(): Buffer {
  return withBytes(512, 0, [{ offset: 0, bytes: [0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3] }]);
}

/** x86 bzImage: boot sector signature 0x55aa at 510, setup header magic "HdrS" at 0x202. */
export function bzImageFile(): Buffer {
  return withBytes(4096, 0, [
    { offset: 510, bytes: [0x55, 0xaa] },
    { offset: 0x202, bytes: 'HdrS' },
  ]);
}

/** An ELF file (vmlinux): "\x7fELF", 64-bit, little-endian. */
export function elfFile(): Buffer {
  return withBytes(64, 0, [{ offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1] }]);
}

/** A newc cpio archive header ("070701" + 13 eight-digit hex fields + name). */
export function cpioFile(): Buffer {
  const header = `070701${'00000000'.repeat(13)}TRAILER!!!\0`;
  return withBytes(512, 0, [{ offset: 0, bytes: header }]);
}

export function gzipFile(): Buffer {
  return gzipSync(Buffer.from('an archive'));
}

/** zstd frame magic 0xFD2FB528, little-endian (RFC 8878 3.1.1). */
export function zstdFile(): Buffer {
  return withBytes(64, 0, [{ offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] }]);
}

/** xz stream header magic (xz file format 2.1.1.1). */
export function xzFile(): Buffer {
  return withBytes(64, 0, [{ offset: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] }]);
}

/** A disk with an MBR partition table: signature 0x55aa at 510. */
export function mbrDiskFile(): Buffer {
  return withBytes(4096, 0, [{ offset: 510, bytes: [0x55, 0xaa] }]);
}

/** A GPT disk: protective MBR, "EFI PART" header signature in LBA 1 (offset 512). */
export function gptDiskFile(): Buffer {
  return withBytes(4096, 0, [
    { offset: 510, bytes: [0x55, 0xaa] },
    { offset: 512, bytes: 'EFI PART' },
  ]);
}

/** GPT signature without a protective MBR (some tools write none). */
export function gptOnlyDiskFile(): Buffer {
  return withBytes(4096, 0, [{ offset: 512, bytes: 'EFI PART' }]);
}
