// The tiny test guest, built once per machine and kept outside the clone:
//   ${XDG_CACHE_HOME:-~/.cache}/homeplane/guest/<release>_<version>-<recipe>/{vmlinuz,initrd.img,manifest.json}
// keyed by the kernel package's version and a hash of the recipe (recipe.ts) and of the
// busybox-static version, so a new Debian kernel, a changed /init or a busybox update builds a new
// one, and everything else reuses it. Tests call ensureTinyGuest(); people run `npm run guest:tiny`.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { buildTinyGuest } from './build.ts';
import { busyboxVersion, GuestBuildError, resolveKernelPackage, type KernelPackage } from './debian.ts';
import { BASE_CMDLINE, recipeHash } from './recipe.ts';

export { GuestBuildError } from './debian.ts';
export { BASE_CMDLINE, MARKER } from './recipe.ts';

export interface TinyGuest {
  /** Path of the kernel image (bzImage). */
  kernel: string;
  /** Path of the gzip'd cpio initramfs. */
  initrd: string;
  /** Debian version of the kernel package ("6.1.192-3"). */
  version: string;
  /** Kernel command line to boot it with; append `hostname=NAME` to name the guest in DHCP. */
  cmdline: string;
  /** The kernel package ("linux-image-6.1.0-57-cloud-amd64") and release ("6.1.0-57-cloud-amd64"). */
  kernelPackage: string;
  kernelRelease: string;
  /** The cache folder holding kernel, initrd and manifest.json. */
  dir: string;
  /** True when this call built it, false when it came from the cache. */
  built: boolean;
}

interface Manifest {
  key: string;
  kernelPackage: string;
  kernelVersion: string;
  kernelRelease: string;
  busyboxVersion: string;
  recipe: string;
  cmdline: string;
  kernelBytes: number;
  initrdBytes: number;
  builtAt: string;
}

export interface EnsureOptions {
  /** Default: ${XDG_CACHE_HOME:-$HOME/.cache}/homeplane/guest. */
  cacheDir?: string;
  /** Progress lines ("building ...", "apt is unavailable, using ..."); default silent. */
  log?: (line: string) => void;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache');
  return join(base, 'homeplane', 'guest');
}

/** The guest for the current Debian cloud kernel: from the cache, or built (about 5-10 s) and cached. */
export async function ensureTinyGuest(opts: EnsureOptions = {}): Promise<TinyGuest> {
  const root = opts.cacheDir ?? defaultCacheDir();
  const log = opts.log ?? (() => {});
  const busybox = await busyboxVersion();
  const recipe = createHash('sha256').update(`${recipeHash()} busybox-static ${busybox}`).digest('hex').slice(0, 10);
  let pkg: KernelPackage;
  try {
    pkg = await resolveKernelPackage();
  } catch (err) {
    // Offline, or apt's lists are gone: any build of this recipe is better than none.
    const fallback = newestCached(root, recipe);
    if (fallback === null) throw err;
    log(
      `${(err as Error).message}; using the cached ${fallback.manifest.kernelPackage} ${fallback.manifest.kernelVersion}`,
    );
    return fallback.guest;
  }
  const key = `${pkg.name.replace(/^linux-image-/, '')}_${pkg.version}-${recipe}`;
  const dir = join(root, key);
  const cached = readCached(dir);
  if (cached !== null) return cached.guest;

  log(`building the tiny guest from ${pkg.name} ${pkg.version} into ${dir}`);
  mkdirSync(root, { recursive: true });
  const staging = join(root, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging);
  try {
    const built = await buildTinyGuest(pkg, staging);
    const manifest: Manifest = {
      key,
      kernelPackage: pkg.name,
      kernelVersion: pkg.version,
      kernelRelease: built.kernelRelease,
      busyboxVersion: built.busyboxVersion,
      recipe,
      cmdline: BASE_CMDLINE,
      kernelBytes: built.kernelBytes,
      initrdBytes: built.initrdBytes,
      builtAt: new Date().toISOString(),
    };
    // The manifest last: a folder is complete when it has one.
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    publish(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const result = readCached(dir);
  if (result === null) throw new GuestBuildError(`the guest built into ${dir} is incomplete`);
  return { ...result.guest, built: true };
}

/** Moves a finished build into place; another process that got there first wins (same recipe). */
function publish(staging: string, dir: string): void {
  if (existsSync(dir) && readCached(dir) === null) rmSync(dir, { recursive: true, force: true }); // a broken leftover
  try {
    renameSync(staging, dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
}

function readCached(dir: string): { guest: TinyGuest; manifest: Manifest } | null {
  const kernel = join(dir, 'vmlinuz');
  const initrd = join(dir, 'initrd.img');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  if (!existsSync(kernel) || !existsSync(initrd)) return null;
  if (statSync(kernel).size !== manifest.kernelBytes || statSync(initrd).size !== manifest.initrdBytes) return null;
  return {
    manifest,
    guest: {
      kernel,
      initrd,
      version: manifest.kernelVersion,
      cmdline: manifest.cmdline,
      kernelPackage: manifest.kernelPackage,
      kernelRelease: manifest.kernelRelease,
      dir,
      built: false,
    },
  };
}

function newestCached(root: string, recipe: string): { guest: TinyGuest; manifest: Manifest } | null {
  if (!existsSync(root)) return null;
  const builds = readdirSync(root)
    .filter((name) => !name.startsWith('.'))
    .map((name) => readCached(join(root, name)))
    .filter((c): c is NonNullable<typeof c> => c !== null && c.manifest.recipe === recipe)
    .sort((a, b) => b.manifest.builtAt.localeCompare(a.manifest.builtAt));
  return builds[0] ?? null;
}
