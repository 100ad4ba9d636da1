// What the host is (stable facts) and how it is doing (live facts), read from /etc, /proc, the
// data folder's file system and `qemu-system-x86_64 --version`. Stable facts change rarely and a
// change is an event (host.updated); live facts change all the time and are computed when read.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { access, constants, readFile, statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Accel } from './hypervisor-port.ts';
import type { AccelChoice } from './kvm-probe.ts';

export type QemuStatus = { installed: true; version: string; binary: string } | { installed: false; reason: string };

export interface HostStableFacts {
  /** UUID derived from the machine id (systemd's app-specific id, see hostIdFromMachineId). */
  id: string;
  hostname: string;
  cpuModel: string;
  /** Logical CPUs (processor entries in /proc/cpuinfo). */
  cores: number;
  memoryMib: number;
  accel: Accel;
  accelReason: string;
  qemu: QemuStatus;
}

export interface HostLiveFacts {
  uptimeSeconds: number;
  /** Size of the file system holding the data folder. Live: on ZFS or btrfs it moves with use. */
  diskTotalBytes: number;
  /** Space an unprivileged user may still use there (statfs f_bavail). */
  diskFreeBytes: number;
}

export interface HostFacts {
  stable: HostStableFacts;
  live: HostLiveFacts;
}

export interface HostFactsOptions {
  dataDir: string;
  /** The accelerator chosen at start-up (probeAccel). */
  accel: AccelChoice;
  /** Default "qemu-system-x86_64", looked up on PATH. */
  qemuBinary?: string;
}

/** A fact the daemon cannot do without is unreadable; the message says what to do. */
export class HostFactsError extends Error {
  override name = 'HostFactsError';
}

export async function readHostFacts(opts: HostFactsOptions): Promise<HostFacts> {
  const [stable, live] = await Promise.all([readStableFacts(opts), readLiveFacts(opts.dataDir)]);
  return { stable, live };
}

export async function readStableFacts(opts: HostFactsOptions): Promise<HostStableFacts> {
  const [machineId, cpuinfo, meminfo, qemu] = await Promise.all([
    readMachineId(),
    readProc('/proc/cpuinfo'),
    readProc('/proc/meminfo'),
    qemuStatus(opts.qemuBinary ?? 'qemu-system-x86_64'),
  ]);
  const cpu = parseCpuInfo(cpuinfo);
  return {
    id: hostIdFromMachineId(machineId.value),
    hostname: hostname(),
    cpuModel: cpu.model,
    cores: cpu.logicalCpus,
    memoryMib: parseMemTotalMib(meminfo),
    accel: opts.accel.accel,
    accelReason: opts.accel.reason,
    qemu,
  };
}

export async function readLiveFacts(dataDir: string): Promise<HostLiveFacts> {
  const [uptime, fs] = await Promise.all([
    readProc('/proc/uptime'),
    statfs(dataDir).catch((err: Error) => {
      throw new HostFactsError(`cannot read the file system of the data folder ${dataDir}: ${err.message}`);
    }),
  ]);
  return {
    uptimeSeconds: parseUptimeSeconds(uptime),
    diskTotalBytes: fs.blocks * fs.bsize,
    diskFreeBytes: fs.bavail * fs.bsize,
  };
}

export const MACHINE_ID_PATHS = ['/etc/machine-id', '/var/lib/dbus/machine-id'] as const;

/** The first valid machine id (32 lowercase hex digits) of `paths`, and where it came from. */
export async function readMachineId(
  paths: readonly string[] = MACHINE_ID_PATHS,
): Promise<{ value: string; source: string }> {
  const seen: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      seen.push(`${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      continue;
    }
    const value = text.trim().toLowerCase();
    if (/^[0-9a-f]{32}$/.test(value)) return { value, source: path };
    // systemd writes "uninitialized" until first boot completes (machine-id(5)).
    seen.push(`${path}: ${value === '' ? 'empty' : `not a machine id (${JSON.stringify(value.slice(0, 40))})`}`);
  }
  throw new HostFactsError(
    `no machine id (${seen.join('; ')}): the host needs one as its stable id; create it with systemd-machine-id-setup ` +
      '(or dbus-uuidgen --ensure=/etc/machine-id)',
  );
}

/**
 * machine-id(5): the id is confidential and must not be exposed on the network as it is; an
 * application should use an HMAC of a fixed application id keyed with it. This is systemd's
 * sd_id128_get_machine_app_specific(), so `systemd-id128 machine-id -u -a <HOST_ID_APP>` prints
 * the same UUID.
 */
export const HOST_ID_APP = '7e11ac3ff957456192b1dd8af5a2395b';

export function hostIdFromMachineId(machineId: string): string {
  const mac = createHmac('sha256', Buffer.from(machineId, 'hex')).update(Buffer.from(HOST_ID_APP, 'hex')).digest();
  const id = mac.subarray(0, 16);
  id[6] = (id[6]! & 0x0f) | 0x40; // version 4
  id[8] = (id[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** "model name" of the first processor (x86; "unknown" where the kernel gives none) and the processor count. */
export function parseCpuInfo(text: string): { model: string; logicalCpus: number } {
  let model: string | null = null;
  let logicalCpus = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    if (key === 'processor') logicalCpus += 1;
    else if (key === 'model name' && model === null) model = line.slice(colon + 1).trim();
  }
  if (logicalCpus === 0) throw new HostFactsError('/proc/cpuinfo lists no processor');
  return { model: model || 'unknown', logicalCpus };
}

export function parseMemTotalMib(text: string): number {
  const match = /^MemTotal:\s+(\d+) kB$/m.exec(text);
  if (match === null) throw new HostFactsError('/proc/meminfo has no MemTotal line');
  return Math.floor(Number(match[1]) / 1024);
}

/** First field of /proc/uptime ("1339.33 850.56"), whole seconds. */
export function parseUptimeSeconds(text: string): number {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new HostFactsError(`/proc/uptime is not a number of seconds: ${JSON.stringify(text)}`);
  }
  return Math.floor(seconds);
}

/** "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)" -> "7.2.22". */
export function parseQemuVersion(stdout: string): string | null {
  return /^QEMU emulator version (\d+\.\d+(?:\.\d+)?)/m.exec(stdout)?.[1] ?? null;
}

const VERSION_TIMEOUT_MS = 5_000;

/** Runs `BINARY --version`; a missing, broken or silent QEMU is a status, never a throw. */
export async function qemuStatus(binary: string, timeoutMs = VERSION_TIMEOUT_MS): Promise<QemuStatus> {
  const path = await findExecutable(binary);
  if (path === null)
    return { installed: false, reason: `${binary} not found; install the Debian package qemu-system-x86` };
  return new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err !== null) {
        const why = err.killed ? `did not answer within ${timeoutMs / 1000} s` : stderr.trim() || err.message;
        resolve({
          installed: false,
          reason: `${path} --version failed: ${why}; reinstall the Debian package qemu-system-x86`,
        });
        return;
      }
      const version = parseQemuVersion(stdout);
      if (version === null) {
        resolve({
          installed: false,
          reason: `${path} --version printed no QEMU version (${JSON.stringify(stdout.slice(0, 80))})`,
        });
      } else {
        resolve({ installed: true, version, binary: path });
      }
    });
  });
}

/** A name with a slash is used as is; a bare name is looked up on PATH, as execvp would. */
async function findExecutable(binary: string): Promise<string | null> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = binary.includes('/') ? [binary] : dirs.map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function readProc(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new HostFactsError(`cannot read ${path}: ${(err as Error).message} (is /proc mounted?)`);
  }
}
