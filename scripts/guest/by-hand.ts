// Booting a guest by hand: a tap on a bridge inside a network namespace and one qemu-system
// process, with no Homeplane in between. Tests use it to boot the tiny guest against the daemon;
// benchmarks use it as the floor a VM started through Homeplane's API is compared against.
import { spawn, type ChildProcess } from 'node:child_process';
import { ip, ipSync } from '../lab/command.ts';
import { onProcessEnd } from '../lab/exit-cleanup.ts';
import { GuestConsole } from './guest-console.ts';

export interface GuestImage {
  kernel: string;
  initrd: string;
  cmdline: string;
}

export interface ByHandArgsOptions {
  guest: GuestImage;
  /** 52:54:00:xx:xx:xx (QEMU's locally administered prefix). */
  mac: string;
  tap: string;
  /** Sent by the guest as its DHCP host name (tiny guest: `hostname=` on the command line). */
  hostname?: string;
  memoryMib?: number;
  /** TCG by default: KVM hangs on these machines (nested virtualization, environment.md). */
  accel?: 'tcg' | 'kvm';
}

/**
 * The qemu-system-x86_64 arguments: a diskless q35 VM booting kernel + initrd, its serial port on
 * QEMU's stdin/stdout, one virtio NIC on an existing tap. -nodefaults: no VGA, no default NIC,
 * no monitor. -no-reboot: a guest reboot (the tiny guest's panic=-1) ends QEMU. Machine, CPU and
 * NIC are those of Homeplane's QEMU driver (server/hypervisor/qemu/args.ts), NIC option ROM
 * included: the floor a benchmark compares the driver against must be the same virtual hardware.
 */
export function byHandArgs(o: ByHandArgsOptions): string[] {
  const cmdline = o.hostname === undefined ? o.guest.cmdline : `${o.guest.cmdline} hostname=${o.hostname}`;
  const cpu = o.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
  return [
    '-name',
    `homeplane-guest-${o.mac}`,
    '-machine',
    'q35',
    ...cpu,
    '-smp',
    '1',
    '-m',
    String(o.memoryMib ?? 128),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-kernel',
    o.guest.kernel,
    '-initrd',
    o.guest.initrd,
    '-append',
    cmdline,
    '-chardev',
    'stdio,id=console,signal=off',
    '-serial',
    'chardev:console',
    '-netdev',
    `tap,id=net0,ifname=${o.tap},script=no,downscript=no`,
    '-device',
    `virtio-net-pci,netdev=net0,mac=${o.mac}`,
  ];
}

export interface BootByHandOptions {
  /** Network namespace holding the bridge; QEMU runs inside it (a tap belongs to one). */
  namespace: string;
  bridge: string;
  mac: string;
  guest: GuestImage;
  /** Default "hpg" + the MAC's last three bytes: unique per MAC within the namespace. */
  tap?: string;
  hostname?: string;
  memoryMib?: number;
  accel?: 'tcg' | 'kvm';
}

export interface ByHandVm {
  console: GuestConsole;
  tap: string;
  /** QEMU's pid (`ip netns exec` execs it in place). */
  pid: number;
  /** QEMU's exit code, or its signal. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** QEMU's stderr so far (why it refused to start, if it did). */
  readonly stderr: string;
  /** SIGKILL QEMU, wait for it, delete the tap. Idempotent. */
  kill(): Promise<void>;
}

const MAC = /^52:54:00(:[0-9a-f]{2}){3}$/;

export async function bootByHand(o: BootByHandOptions): Promise<ByHandVm> {
  if (!MAC.test(o.mac)) throw new Error(`mac ${o.mac}: use a lower-case 52:54:00:xx:xx:xx address`);
  if (o.hostname !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/i.test(o.hostname))
    throw new Error(`hostname "${o.hostname}" is not one DNS label`);
  const tap = o.tap ?? `hpg${o.mac.slice(9).replaceAll(':', '')}`;
  const deleteTap = (): Promise<unknown> => ip(['-n', o.namespace, 'link', 'del', tap]).catch(() => {});

  await ip(['-n', o.namespace, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  let child: ChildProcess;
  try {
    await ip(['-n', o.namespace, 'link', 'set', tap, 'master', o.bridge]);
    await ip(['-n', o.namespace, 'link', 'set', tap, 'up']);
    const args = byHandArgs({
      guest: o.guest,
      mac: o.mac,
      tap,
      hostname: o.hostname,
      memoryMib: o.memoryMib,
      accel: o.accel,
    });
    child = spawn('ip', ['netns', 'exec', o.namespace, 'qemu-system-x86_64', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    await deleteTap();
    throw err;
  }

  const serial = new GuestConsole(child.stdout!, child.stdin!);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('error', (err) => {
      stderr += `cannot run qemu-system-x86_64: ${err.message}\n`;
      resolve(null);
    });
    // 'close', not 'exit': by then stderr has been read to its end, so the reason is complete.
    child.once('close', (code, signal) => resolve(code ?? signal));
  });
  void exited.then((how) => serial.end(`QEMU exited (${how}): ${stderr.trim()}`));
  // If the process ends without kill(), QEMU and the tap go with it.
  const forgetExitHook = onProcessEnd(() => {
    child.kill('SIGKILL');
    ipSync(['-n', o.namespace, 'link', 'del', tap]);
  });

  let killing: Promise<void> | null = null;
  const kill = (): Promise<void> =>
    (killing ??= (async () => {
      forgetExitHook();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await deleteTap();
    })());

  return {
    console: serial,
    tap,
    pid: child.pid ?? -1,
    exited,
    get stderr() {
      return stderr;
    },
    kill,
  };
}
