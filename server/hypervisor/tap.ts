// A VM's tap device on the lab bridge, made persistent with `ip tuntap` so that it outlives
// QEMU (which only opens it) and the daemon (a re-attached VM finds it again). Every call takes
// an optional network namespace (`ip -n NS`) so tests run in a namespace of their own. Only
// devices of kind tun/tap are ever changed or deleted: a name that belongs to anything else is
// an error, never a reason to touch that device.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface TapSpec {
  /** Interface name, at most 15 characters (tapNameFor gives one). */
  name: string;
  /** Existing bridge the tap joins. */
  bridge: string;
  /** Owner of the tap: the user QEMU runs as (-runas), so it may open the device. */
  user: string;
}

export interface NetnsOption {
  /** Network namespace to work in (`ip netns` name); default the daemon's own. */
  netns?: string;
}

export interface TapCounters {
  /** Bytes the host received on the tap: what the guest sent. */
  rxBytes: number;
  /** Bytes the host sent into the tap: what the guest was given. */
  txBytes: number;
}

/** A tap could not be made, checked or removed; the message has ip's own words where it gave any. */
export class TapError extends Error {
  override name = 'TapError';
}

/** IFNAMSIZ (16) less the terminating NUL. */
export const IFNAME_MAX = 15;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * "hp" + the first 13 hex digits of SHA-256(vmId): 15 characters, 52 bits of the id whatever its
 * scheme. (A v7 UUID's first 12 digits are its millisecond timestamp, so two VMs made in one
 * millisecond would share them; a v4 UUID's 13th digit is always 4.)
 */
export function tapNameFor(vmId: string): string {
  if (vmId === '') throw new TapError('a tap name needs a VM id');
  return `hp${createHash('sha256').update(vmId).digest('hex').slice(0, 13)}`;
}

/**
 * Creates the tap owned by `user`, joins it to `bridge` and brings it up. An existing tap of the
 * same owner on the same bridge (or on none yet) is brought up and kept: 'existing'.
 */
export async function createTap(spec: TapSpec, opts: NetnsOption = {}): Promise<'created' | 'existing'> {
  checkName(spec.name, 'tap');
  checkName(spec.bridge, 'bridge');
  if (!USER.test(spec.user)) throw new TapError(`tap owner must be a user name (got ${JSON.stringify(spec.user)})`);
  const bridge = await readLink(spec.bridge, opts);
  if (bridge === null) {
    throw new TapError(
      `bridge ${spec.bridge} does not exist; create it (ip link add ${spec.bridge} type bridge) or set hypervisor.bridge`,
    );
  }
  if (bridge.kind !== 'bridge')
    throw new TapError(`${spec.bridge} is not a bridge (it is ${describe(bridge)}); set hypervisor.bridge`);

  const existing = await readLink(spec.name, opts);
  if (existing !== null) {
    checkExisting(existing, spec);
    await ip(['link', 'set', 'dev', spec.name, 'master', spec.bridge, 'up'], opts);
    return 'existing';
  }
  await ip(['tuntap', 'add', 'dev', spec.name, 'mode', 'tap', 'user', spec.user], opts);
  try {
    await ip(['link', 'set', 'dev', spec.name, 'master', spec.bridge, 'up'], opts);
  } catch (err) {
    await ip(['link', 'del', 'dev', spec.name], opts).catch(() => {});
    throw err;
  }
  return 'created';
}

function checkExisting(link: Link, spec: TapSpec): void {
  const remedy = `delete it (ip link del ${spec.name}) if nothing uses it`;
  if (!link.isTap)
    throw new TapError(`${spec.name} exists and is not a tap (it is ${describe(link)}); choose another name`);
  if (link.user !== null && link.user !== spec.user) {
    throw new TapError(`tap ${spec.name} exists but belongs to user ${link.user}, not ${spec.user}; ${remedy}`);
  }
  if (link.master !== null && link.master !== spec.bridge) {
    throw new TapError(`tap ${spec.name} exists but is on bridge ${link.master}, not ${spec.bridge}; ${remedy}`);
  }
}

/** Deletes the tap; false when there was none. Throws for a device that is not a tap. */
export async function deleteTap(name: string, opts: NetnsOption = {}): Promise<boolean> {
  checkName(name, 'tap');
  const link = await readLink(name, opts);
  if (link === null) return false;
  if (!link.isTap) throw new TapError(`${name} is not a tap (it is ${describe(link)}); not deleting it`);
  await ip(['link', 'del', 'dev', name], opts);
  return true;
}

/** True when a tap of that name exists (a device of another kind does not count). */
export async function tapExists(name: string, opts: NetnsOption = {}): Promise<boolean> {
  checkName(name, 'tap');
  return (await readLink(name, opts))?.isTap ?? false;
}

/** Byte counters from /sys/class/net/NAME/statistics (read through `ip netns exec` for a namespace). */
export async function tapCounters(name: string, opts: NetnsOption = {}): Promise<TapCounters> {
  checkName(name, 'tap');
  const dir = `/sys/class/net/${name}/statistics`;
  let text: string;
  try {
    if (opts.netns === undefined) {
      const [rx, tx] = await Promise.all([readFile(`${dir}/rx_bytes`, 'utf8'), readFile(`${dir}/tx_bytes`, 'utf8')]);
      text = `${rx}\n${tx}`;
    } else {
      // ip netns exec mounts the namespace's own sysfs for the command.
      text = await run(['netns', 'exec', opts.netns, 'cat', `${dir}/rx_bytes`, `${dir}/tx_bytes`]);
    }
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT' || /No such file/.test((err as Error).message);
    if (missing) throw new TapError(`no network device ${name}${where(opts)}`);
    throw err;
  }
  const [rxBytes, txBytes] = text.split(/\s+/).filter(Boolean).map(Number);
  if (rxBytes === undefined || txBytes === undefined || !Number.isFinite(rxBytes) || !Number.isFinite(txBytes)) {
    throw new TapError(`unreadable counters of ${name}: ${JSON.stringify(text)}`);
  }
  return { rxBytes, txBytes };
}

interface Link {
  kind: string | null;
  isTap: boolean;
  user: string | null;
  master: string | null;
}

/** `ip -d -j link show dev NAME`, or null when there is no such device. */
async function readLink(name: string, opts: NetnsOption): Promise<Link | null> {
  let stdout: string;
  try {
    stdout = await ip(['-d', '-j', 'link', 'show', 'dev', name], opts);
  } catch (err) {
    if (err instanceof TapError && /does not exist/.test(err.message)) return null;
    throw err;
  }
  const [entry] = JSON.parse(stdout) as IpLink[];
  if (entry === undefined) return null;
  const info = entry.linkinfo;
  return {
    kind: info?.info_kind ?? null,
    isTap: info?.info_kind === 'tun' && info.info_data?.type === 'tap',
    user: info?.info_data?.user ?? null,
    master: entry.master ?? null,
  };
}

/** The fields of iproute2's JSON link output read here. */
interface IpLink {
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: { type?: string; user?: string } };
}

function describe(link: Link): string {
  if (link.kind === 'tun') return 'a tun device';
  return link.kind === null ? 'a plain device' : `a ${link.kind} device`;
}

function checkName(name: string, what: string): void {
  if (!IFNAME.test(name) || name === '.' || name === '..') {
    throw new TapError(
      `${what} name must be 1-${IFNAME_MAX} letters, digits, '_', '.' or '-' (got ${JSON.stringify(name)})`,
    );
  }
}

function where(opts: NetnsOption): string {
  return opts.netns === undefined ? '' : ` in network namespace ${opts.netns}`;
}

function ip(args: string[], opts: NetnsOption): Promise<string> {
  return run(opts.netns === undefined ? args : ['-n', opts.netns, ...args]);
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 10_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout);
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        reject(new TapError('ip not found; install the Debian package iproute2'));
      else
        reject(
          new TapError(`ip ${args.join(' ')} failed: ${stderr.trim() || (err.killed ? 'timed out' : err.message)}`),
        );
    });
  });
}
