// Builds the tiny guest into a folder: vmlinuz (Debian's cloud kernel, as shipped) and
// initrd.img (gzip'd newc cpio: busybox-static and its applet links, /init, the NIC modules).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { newcArchive, type CpioEntry } from './cpio.ts';
import { busyboxStatic, kernelFiles, unpackPackage, type KernelPackage } from './debian.ts';
import { INIT_SCRIPT, NIC_MODULES, UDHCPC_SCRIPT } from './recipe.ts';

export interface BuiltGuest {
  kernelRelease: string;
  busyboxVersion: string;
  kernelBytes: number;
  initrdBytes: number;
}

const DIRECTORIES = [
  'bin',
  'sbin',
  'usr',
  'usr/bin',
  'usr/sbin',
  'dev',
  'etc',
  'lib',
  'lib/modules',
  'proc',
  'root',
  'run',
  'sys',
  'var',
];

/** Writes `vmlinuz` and `initrd.img` for `pkg` into `outDir` (which must exist). */
export async function buildTinyGuest(pkg: KernelPackage, outDir: string): Promise<BuiltGuest> {
  const work = mkdtempSync(join(tmpdir(), 'homeplane-guest-'));
  try {
    const kernel = await kernelFiles(await unpackPackage(pkg, work), NIC_MODULES);
    const busybox = await busyboxStatic();
    const initrd = gzipSync(newcArchive(initramfsEntries(kernel.modules, busybox)), { level: 9 });
    writeFileSync(join(outDir, 'vmlinuz'), kernel.vmlinuz);
    writeFileSync(join(outDir, 'initrd.img'), initrd);
    return {
      kernelRelease: kernel.release,
      busyboxVersion: busybox.version,
      kernelBytes: kernel.vmlinuz.length,
      initrdBytes: initrd.length,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function initramfsEntries(
  modules: ReadonlyMap<string, Buffer>,
  busybox: { binary: Buffer; applets: readonly string[] },
): CpioEntry[] {
  const entries: CpioEntry[] = DIRECTORIES.map((path) => ({ type: 'directory', path }));
  entries.push({ type: 'directory', path: 'tmp', mode: 0o1777 });
  // The kernel opens /dev/console for init's stdio before /init runs (and before it could mount
  // devtmpfs), so the node must be in the archive: character device 5:1.
  entries.push({ type: 'chardev', path: 'dev/console', major: 5, minor: 1 });
  entries.push({ type: 'file', path: 'bin/busybox', data: busybox.binary, mode: 0o755 });
  const seen = new Set(DIRECTORIES);
  // Applets at their usual paths; "linuxrc" (no folder) is left out: /init is ours.
  for (const applet of busybox.applets.filter((a) => a.includes('/'))) {
    const dir = applet.slice(0, applet.lastIndexOf('/'));
    if (!seen.has(dir)) {
      seen.add(dir);
      entries.push({ type: 'directory', path: dir });
    }
    entries.push({ type: 'symlink', path: applet, target: '/bin/busybox' });
  }
  entries.push({ type: 'file', path: 'init', data: INIT_SCRIPT, mode: 0o755 });
  entries.push({ type: 'file', path: 'etc/udhcpc.script', data: UDHCPC_SCRIPT, mode: 0o755 });
  for (const [name, ko] of modules) entries.push({ type: 'file', path: `lib/modules/${name}.ko`, data: ko });
  // /init loads them in this order (dependencies first).
  entries.push({
    type: 'file',
    path: 'lib/modules/load-order',
    data: [...modules.keys()].map((n) => `${n}\n`).join(''),
  });
  return entries;
}
