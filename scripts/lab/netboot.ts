// Network boot in a lab: a diskless QEMU guest that boots with `-boot n` through QEMU's own iPXE
// ROM (Debian's ipxe-qemu, loaded by SeaBIOS from the virtio NIC's option ROM), its NIC on a tap
// on a lab bridge. Nothing is booted from disk or kernel: whatever the guest does on the network
// is iPXE's own DHCP and TFTP/HTTP. QEMU runs under the lab (`lab.spawn`) and its tap lives in
// the lab's namespace, so the lab's destroy() removes both if a test never calls kill().
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ip } from './command.ts';
import type { Lab } from './lab.ts';

/** Where Debian's ipxe-qemu puts the ROM QEMU loads for a virtio-net-pci NIC. */
export const IPXE_VIRTIO_ROM = '/usr/lib/ipxe/qemu/efi-virtio.rom';

export interface NetbootArgsOptions {
  /** 52:54:00:xx:xx:xx (QEMU's locally administered prefix). */
  mac: string;
  tap: string;
  /** Default 64: SeaBIOS and iPXE need little. */
  memoryMib?: number;
}

/**
 * qemu-system-x86_64 arguments: a q35 machine under TCG with no disk, no display and no default
 * devices, one virtio NIC on the tap, booting from the network only (`-boot n`: SeaBIOS runs the
 * NIC's iPXE option ROM). -no-reboot: if iPXE gives up and the BIOS reboots, QEMU ends.
 */
export function netbootArgs(o: NetbootArgsOptions): string[] {
  return [
    '-name',
    `homeplane-netboot-${o.mac}`,
    '-machine',
    'q35',
    '-accel',
    'tcg',
    '-cpu',
    'max',
    '-smp',
    '1',
    '-m',
    String(o.memoryMib ?? 64),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-boot',
    'n',
    '-netdev',
    `tap,id=net0,ifname=${o.tap},script=no,downscript=no`,
    '-device',
    `virtio-net-pci,netdev=net0,mac=${o.mac}`,
  ];
}

export interface NetbootOptions {
  /** Lab namespace holding the bridge; QEMU runs inside it (a tap belongs to one namespace). */
  namespace: string;
  bridge: string;
  mac: string;
  /** Default "hpn" + the MAC's last three bytes. */
  tap?: string;
  memoryMib?: number;
}

export interface NetbootVm {
  tap: string;
  /** QEMU's exit code or signal; null if it could not be started. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** QEMU's stderr so far (why it refused to start, if it did). */
  readonly stderr: string;
  /** SIGKILL QEMU, wait for it, delete the tap. Idempotent. */
  kill(): Promise<void>;
}

const MAC = /^52:54:00(:[0-9a-f]{2}){3}$/;

/** Makes the tap, puts it on the bridge and starts QEMU booting from the network. */
export async function bootFromNetwork(lab: Pick<Lab, 'spawn'>, o: NetbootOptions): Promise<NetbootVm> {
  if (!MAC.test(o.mac)) throw new Error(`mac ${o.mac}: use a lower-case 52:54:00:xx:xx:xx address`);
  if (!existsSync(IPXE_VIRTIO_ROM)) {
    throw new Error(`${IPXE_VIRTIO_ROM} is missing: install Debian's ipxe-qemu (scripts/install-system-deps.sh)`);
  }
  const tap = o.tap ?? `hpn${o.mac.slice(9).replaceAll(':', '')}`;
  const deleteTap = (): Promise<unknown> => ip(['-n', o.namespace, 'link', 'del', tap]).catch(() => {});
  await ip(['-n', o.namespace, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  let child: ChildProcess;
  try {
    await ip(['-n', o.namespace, 'link', 'set', tap, 'master', o.bridge]);
    await ip(['-n', o.namespace, 'link', 'set', tap, 'up']);
    child = lab.spawn(o.namespace, 'qemu-system-x86_64', netbootArgs({ mac: o.mac, tap, memoryMib: o.memoryMib }), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    await deleteTap();
    throw err;
  }
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('error', (err) => {
      stderr += `cannot run qemu-system-x86_64: ${err.message}\n`;
      resolve(null);
    });
    child.once('close', (code, signal) => resolve(code ?? signal));
  });
  let killing: Promise<void> | null = null;
  return {
    tap,
    exited,
    get stderr() {
      return stderr;
    },
    kill: () =>
      (killing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        await deleteTap();
      })()),
  };
}

/**
 * Sends one ICMPv6 Router Advertisement to all nodes on `iface` (RFC 4861 4.2: M and O clear,
 * router lifetime 0: "no default router here, nothing to configure"). iPXE's ifconf runs DHCPv4
 * and IPv6 router discovery side by side and boots only when both are done; in a lab nobody
 * answers its Router Solicitations, so without this it waits ~13 s for them to time out. With
 * it, iPXE goes on once its DHCP is done. Python's socket module, because node has no raw
 * sockets; the kernel fills in the checksum (IPV6_CHECKSUM is on for ICMPv6, RFC 3542 3.1) and
 * the bridge's link-local source address. Send it after iPXE has started (its first DHCP
 * message): an advertisement before that is forgotten. Losing it only costs time.
 */
export async function advertiseNoRouter(lab: Pick<Lab, 'exec'>, namespace: string, iface: string): Promise<void> {
  const script = [
    'import socket, sys',
    's = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)',
    's.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)  # RFC 4861 6.1.2: hop limit 255',
    '# type 134, code 0, checksum, cur hop limit 0, flags 0, router lifetime 0, reachable 0, retrans 0',
    'ra = bytes([134, 0, 0, 0, 0, 0, 0, 0]) + bytes(8)',
    "s.sendto(ra, ('ff02::1', 0, 0, socket.if_nametoindex(sys.argv[1])))",
  ].join('\n');
  const result = await lab.exec(namespace, 'python3', ['-c', script, iface]);
  if (result.code !== 0) throw new Error(`router advertisement on ${iface} failed: ${result.stderr.trim()}`);
}
