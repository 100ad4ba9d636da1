// The tiny guest's parts, from Debian packages only: the cloud kernel (apt-get download +
// dpkg-deb -x, never installed on the host) and the host's busybox-static binary.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrder, moduleName } from './modules.ts';

/** Building the guest failed; the message says what to install or run. */
export class GuestBuildError extends Error {
  override readonly name = 'GuestBuildError';
}

/** The metapackage that always depends on the current cloud kernel of the release. */
export const KERNEL_METAPACKAGE = 'linux-image-cloud-amd64';
export const BUSYBOX = '/bin/busybox';

export interface KernelPackage {
  /** "linux-image-6.1.0-57-cloud-amd64" */
  name: string;
  /** Debian version of that package, "6.1.192-3". */
  version: string;
}

interface Run {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

export function run(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new GuestBuildError(`cannot run ${command}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code });
    });
  });
}

async function mustRun(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<Buffer> {
  const result = await run(command, args, opts);
  if (result.code !== 0) {
    throw new GuestBuildError(`${command} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** The candidate version's fields of a package, from apt's lists (no download). */
async function candidateFields(pkg: string): Promise<Map<string, string>> {
  const result = await run('apt-cache', ['show', '--no-all-versions', pkg], { timeoutMs: 30_000 });
  if (result.code !== 0 || result.stdout.length === 0) {
    throw new GuestBuildError(
      `apt knows no package ${pkg} (${result.stderr.trim() || 'no candidate'}): run "apt-get update" (Debian 12 with its main repository)`,
    );
  }
  const fields = new Map<string, string>();
  for (const line of result.stdout.toString().split('\n')) {
    const m = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!);
  }
  return fields;
}

/**
 * The versioned kernel package the metapackage's candidate depends on, and its version. Debian's
 * metapackage pins it exactly ("linux-image-6.1.0-57-cloud-amd64 (= 6.1.192-3)"), which saves a
 * second apt-cache run (each one rebuilds apt's cache where, as in Debian's container images,
 * pkgcache.bin is switched off: about 1.4 s here).
 */
export async function resolveKernelPackage(): Promise<KernelPackage> {
  const meta = await candidateFields(KERNEL_METAPACKAGE);
  const depends = meta.get('Depends') ?? '';
  const m = /\b(linux-image-\d[^\s,()]*-cloud-amd64)\b(?:\s*\(=\s*([^)\s]+)\))?/.exec(depends);
  if (m === null) throw new GuestBuildError(`${KERNEL_METAPACKAGE} depends on no versioned kernel ("${depends}")`);
  const name = m[1]!;
  const version = m[2] ?? (await candidateFields(name)).get('Version');
  if (version === undefined) throw new GuestBuildError(`apt shows no version for ${name}`);
  return { name, version };
}

/** Downloads `pkg=version` into `dir` and unpacks it into `dir/root`; returns that root. */
export async function unpackPackage(pkg: KernelPackage, dir: string): Promise<string> {
  // As root apt warns that its _apt sandbox user cannot write here and downloads anyway.
  await mustRun('apt-get', ['download', '-q', `${pkg.name}=${pkg.version}`], { cwd: dir, timeoutMs: 300_000 });
  const deb = readdirSync(dir).find((f) => f.startsWith(`${pkg.name}_`) && f.endsWith('.deb'));
  if (deb === undefined) throw new GuestBuildError(`apt-get download left no ${pkg.name}_*.deb in ${dir}`);
  const root = join(dir, 'root');
  await mustRun('dpkg-deb', ['-x', join(dir, deb), root]);
  return root;
}

export interface KernelFiles {
  /** The kernel release, "6.1.0-57-cloud-amd64" (the modules' folder name). */
  release: string;
  vmlinuz: Buffer;
  /** Module name -> the uncompressed .ko: the ones asked for and their dependencies, in load order. */
  modules: Map<string, Buffer>;
}

/** vmlinuz and the named modules (with what they depend on) from an unpacked kernel package. */
export async function kernelFiles(root: string, moduleNames: readonly string[]): Promise<KernelFiles> {
  const boot = join(root, 'boot');
  const image = existsSync(boot) ? readdirSync(boot).find((f) => f.startsWith('vmlinuz-')) : undefined;
  if (image === undefined) throw new GuestBuildError(`no boot/vmlinuz-* in the kernel package (${root})`);
  const release = image.slice('vmlinuz-'.length);
  const tree = [join(root, 'lib/modules', release), join(root, 'usr/lib/modules', release)].find(existsSync);
  if (tree === undefined) throw new GuestBuildError(`no lib/modules/${release} in the kernel package`);
  const paths = new Map<string, string>();
  for (const path of walk(tree)) {
    const m = /\/([^/]+)\.ko(\.xz|\.zst|\.gz)?$/.exec(path);
    if (m) paths.set(moduleName(m[1]!), path);
  }
  let modules: Map<string, Buffer>;
  try {
    modules = await loadOrder(moduleNames, async (name) => {
      const path = paths.get(name);
      return path === undefined ? null : inflate(path);
    });
  } catch (err) {
    if (err instanceof GuestBuildError) throw err;
    throw new GuestBuildError(`${(err as Error).message} (${tree})`);
  }
  return { release, vmlinuz: readFileSync(join(boot, image)), modules };
}

/** busybox insmod takes a plain ELF module; newer Debian kernels ship them xz- or zstd-compressed. */
async function inflate(path: string): Promise<Buffer> {
  if (path.endsWith('.ko')) return readFileSync(path);
  const [tool, pkg] = path.endsWith('.xz')
    ? ['xz', 'xz-utils']
    : path.endsWith('.zst')
      ? ['zstd', 'zstd']
      : ['gzip', 'gzip'];
  try {
    return await mustRun(tool, ['-dc', path]);
  } catch (err) {
    throw new GuestBuildError(
      `${(err as Error).message} (this kernel's modules are compressed: apt-get install ${pkg})`,
    );
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** The installed busybox-static's Debian version ("1:1.35.0-4+deb12u1+b1"). */
export async function busyboxVersion(): Promise<string> {
  const status = await run('dpkg-query', ['-W', '-f=${Status} ${Version}', 'busybox-static']);
  const m = /^install ok installed (\S+)$/.exec(status.stdout.toString().trim());
  if (status.code !== 0 || m === null || !existsSync(BUSYBOX)) {
    throw new GuestBuildError(
      'busybox-static is not installed: run scripts/install-system-deps.sh (or apt-get install busybox-static)',
    );
  }
  return m[1]!;
}

/** The busybox-static binary, its Debian version and its applets' paths ("bin/sh", "sbin/ip"). */
export async function busyboxStatic(): Promise<{ binary: Buffer; version: string; applets: string[] }> {
  const version = await busyboxVersion();
  const list = await mustRun(BUSYBOX, ['--list-full']);
  const applets = list
    .toString()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== 'bin/busybox');
  return { binary: readFileSync(BUSYBOX), version, applets };
}
