// The floors a VM started through Homeplane is compared against, in a lab of their own (its
// bridge has the same subnet as Homeplane's lab, in another namespace, so both live side by side
// and the runs can alternate):
//  - Kea (kea-dhcp4, raw sockets as it serves directly attached clients) on the bridge, and the
//    tiny guest booted by hand (scripts/guest/by-hand.ts: one QEMU, same virtual hardware): start
//    -> "homeplane-guest: leased" on its console;
//  - QEMU's own start: the driver's own argv (server/hypervisor/qemu/args.ts, -S -daemonize
//    -runas -sandbox on) run by hand, then QMP and `cont`, with tap and disk made beforehand:
//    what CreateVm cannot go below whatever Homeplane does.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { stopChild, type Lab } from '../lab/lab.ts';
import { bootByHand, type GuestImage } from '../guest/by-hand.ts';
import { MARKER } from '../guest/tiny.ts';
import { qemuArgs } from '../../server/hypervisor/qemu/args.ts';
import { launchDaemonized, readPidfile, processState } from '../../server/hypervisor/qemu/process.ts';
import { runFiles } from '../../server/hypervisor/qemu/run-dir.ts';
import { QmpMonitor } from '../../server/hypervisor/qemu/qmp/monitor.ts';
import { cont } from '../../server/hypervisor/qemu/qmp/commands.ts';
import { createTap, deleteTap } from '../../server/hypervisor/tap.ts';

const run = promisify(execFile);

export const FLOOR_LEASE_SECONDS = 3600;
const READY_TIMEOUT_MS = 10_000;

/** Kea's config for the lab's first subnet: what labConfig gives Homeplane (pool, lease time, options). */
export function keaFloorConfig(lab: Lab, leaseFile: string): Record<string, unknown> {
  const s = lab.subnets[0]!;
  const server = s.serverAddress!;
  const base = server.split('.').slice(0, 3).join('.');
  return {
    Dhcp4: {
      // Raw sockets (Kea's default): a client without an address yet is served directly.
      'interfaces-config': { interfaces: [s.serverInterface] },
      'lease-database': { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 },
      'valid-lifetime': FLOOR_LEASE_SECONDS,
      subnet4: [
        {
          id: 1,
          subnet: `${base}.0/24`,
          pools: [{ pool: `${base}.100 - ${base}.199` }],
          'option-data': [
            { name: 'routers', data: server },
            { name: 'domain-name-servers', data: server },
            { name: 'domain-name', data: 'lab.home' },
          ],
        },
      ],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
    },
  };
}

export interface FloorKea {
  stop(): Promise<void>;
}

/** Starts kea-dhcp4 in the lab's server namespace; resolves once it listens on the server's address:67. */
export async function startFloorKea(lab: Lab, dir: string): Promise<FloorKea> {
  mkdirSync('/run/kea', { recursive: true }); // Debian's Kea insists on it even with the overrides below
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'kea-dhcp4.json');
  writeFileSync(configFile, JSON.stringify(keaFloorConfig(lab, join(dir, 'leases4.csv'))));
  const child = lab.spawn(lab.serverNamespace, 'kea-dhcp4', ['-c', configFile], {
    env: { ...process.env, KEA_LOCKFILE_DIR: dir, KEA_PIDFILE_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const take = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-8000));
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  try {
    await waitForKea(lab, child, () => output);
  } catch (err) {
    await stopChild(child, 5_000);
    throw err;
  }
  return { stop: () => stopChild(child, 5_000) };
}

async function waitForKea(lab: Lab, child: ChildProcess, output: () => string): Promise<void> {
  const address = `${lab.subnets[0]!.serverAddress}:67`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`kea-dhcp4 exited (${child.exitCode ?? child.signalCode}) before serving:\n${output()}`);
    }
    const sockets = await lab.exec(lab.serverNamespace, 'ss', ['-Hlun', 'sport = :67']);
    if (sockets.stdout.includes(address)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`kea-dhcp4 did not open ${address} within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

export interface FloorBoot {
  /** bootByHand called -> the leased line arrived on the console; null if it never did. */
  leasedMs: number | null;
  address: string | null;
  /** The console's last output when it did not lease. */
  failure: string | null;
}

/** The tiny guest by hand on the lab's bridge: tap + QEMU, up to its DHCP lease. */
export async function bootFloor(
  lab: Lab,
  guest: GuestImage,
  mac: string,
  hostname: string,
  timeoutMs: number,
): Promise<FloorBoot> {
  const started = performance.now();
  const vm = await bootByHand({
    namespace: lab.serverNamespace,
    bridge: lab.subnets[0]!.serverInterface,
    mac,
    guest,
    hostname,
  });
  try {
    const leased = await vm.console.waitFor(MARKER.leased, { timeoutMs });
    return { leasedMs: vm.console.openedAt + leased.atMs - started, address: leased.match[1]!, failure: null };
  } catch (err) {
    return { leasedMs: null, address: null, failure: (err as Error).message };
  } finally {
    await vm.kill();
  }
}

export interface QemuStart {
  /** `qemu-system-x86_64 -S -daemonize ...` exited 0 (QEMU set up, running detached). */
  launchMs: number;
  /** ... and the QMP monitor connected (greeting, qmp_capabilities). */
  qmpMs: number;
  /** ... and `cont` answered: the guest runs. */
  contMs: number;
}

/**
 * QEMU started as the driver starts it, timed from the launch to `cont`; then killed. The tap
 * (on the lab's bridge, owned by `runAs`) and the qcow2 disk are made before the clock starts
 * and removed after. QEMU runs in the lab's namespace through `ip netns exec` (which execs it in
 * place: a few ms more than the daemon, which already lives there, pays).
 */
export async function timeQemuStart(lab: Lab, guest: GuestImage, dir: string, runAs = 'nobody'): Promise<QemuStart> {
  const id = randomUUID();
  const runDir = join(dir, id);
  const files = runFiles(runDir);
  const tap = `hpq${id.slice(0, 8)}`;
  const netns = { netns: lab.serverNamespace };
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const disk = join(runDir, 'disk.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '1G']);
  await createTap({ name: tap, bridge: lab.subnets[0]!.serverInterface, user: runAs }, netns);
  let monitor: QmpMonitor | null = null;
  try {
    const args = qemuArgs(
      {
        id,
        name: `floor-${id.slice(0, 8)}`,
        vcpus: 1,
        memoryMib: 128,
        mac: floorMac(id),
        tap,
        disk,
        accel: 'tcg',
        runAs,
        runDir,
        boot: { kind: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline },
      },
      { startPaused: true },
    );
    const t0 = performance.now();
    await launchDaemonized('ip', ['netns', 'exec', lab.serverNamespace, 'qemu-system-x86_64', ...args], 30_000);
    const t1 = performance.now();
    monitor = await QmpMonitor.connect(files.qmpSocket, { connectTimeoutMs: 5_000 }); // as the driver connects
    const t2 = performance.now();
    await cont(monitor);
    const t3 = performance.now();
    return { launchMs: t1 - t0, qmpMs: t2 - t1, contMs: t3 - t0 };
  } finally {
    monitor?.close();
    await killQemu(files.pidfile);
    await deleteTap(tap, netns).catch(() => false);
    rmSync(runDir, { recursive: true, force: true });
  }
}

async function killQemu(pidfile: string): Promise<void> {
  const pid = await readPidfile(pidfile);
  if (pid === null) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // gone already
  }
  for (let i = 0; i < 100 && processState(pid) === 'alive'; i++) await new Promise((r) => setTimeout(r, 20));
}

/** A MAC for a by-hand QEMU: 52:54:00 + three bytes of its id. */
function floorMac(id: string): string {
  return `52:54:00:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`;
}
