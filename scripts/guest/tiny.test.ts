// The tiny guest end to end: built from Debian packages (or taken from the cache), booted once
// under TCG on a tap on the lab's served bridge, leasing from the real daemon. One boot for the
// whole file; the tests run in order and read what that boot did. Needs root (namespaces, taps).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLab, type Lab } from '../lab/lab.ts';
import { LabDaemon, labConfig } from '../lab/daemon.ts';
import { LeaseState } from '../../proto/gen/homeplane/v1/lease.ts';
import { DaemonApi, grpcListenIn } from '../../server/grpc/integration/daemon-api.ts';
import { bootByHand, byHandArgs, type ByHandVm } from './by-hand.ts';
import { MARKER, NIC_MODULES } from './recipe.ts';
import { ensureTinyGuest, type TinyGuest } from './tiny.ts';

const MAC = '52:54:00:7e:57:01';
const HOSTNAME = 'tiny-test';
/** Generous: boot to lease is 3-8 s under TCG, but a loaded 2-core machine can be much slower. */
const LEASE_WAIT_MS = 90_000;
const ECHO_WAIT_MS = 30_000;

describe('the tiny guest leases from the real daemon', { concurrency: 1, timeout: 300_000 }, () => {
  let guest: TinyGuest;
  let lab: Lab;
  let daemon: LabDaemon;
  let api: DaemonApi;
  let vm: ByHandVm;
  let leased: { address: string; atMs: number; end: number };

  before(async () => {
    guest = await ensureTinyGuest();
    lab = await createLab({ name: 'tiny-guest', subnets: [{ clients: 0 }] });
    daemon = await LabDaemon.start(lab, (dataDir) => ({
      ...labConfig(lab, dataDir),
      grpc: { listen: grpcListenIn(dataDir) },
    }));
    api = DaemonApi.connect(daemon.dataDir);
  });

  after(async () => {
    await vm?.kill();
    api?.close();
    await daemon?.dispose();
    await lab?.destroy();
  });

  test('a second ensureTinyGuest() reuses the cached build', async () => {
    const again = await ensureTinyGuest();
    assert.equal(again.built, false);
    assert.deepEqual([again.kernel, again.initrd, again.version], [guest.kernel, guest.initrd, guest.version]);
    assert.match(guest.version, /^\d+\.\d+/);
    assert.ok(!guest.dir.startsWith(process.cwd()), `the cache (${guest.dir}) lives outside the clone`);
  });

  test('the initramfs holds /init, /dev/console, busybox with its applets and the NIC modules', () => {
    const listing = spawnSync('sh', ['-c', 'gzip -dc "$0" | cpio -itv --quiet', guest.initrd], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    const lines = listing.stdout.split('\n');
    const entry = (path: string) => lines.find((l) => l.endsWith(` ${path}`) || l.includes(` ${path} -> `));
    assert.match(entry('init') ?? '', /^-rwxr-xr-x .* root +root /);
    assert.match(entry('dev/console') ?? '', /^crw------- .* 5, +1 /);
    assert.match(entry('bin/busybox') ?? '', /^-rwxr-xr-x/);
    assert.match(entry('bin/sh') ?? '', /bin\/sh -> \/bin\/busybox$/);
    assert.match(entry('sbin/udhcpc') ?? entry('usr/bin/udhcpc') ?? '', /-> \/bin\/busybox$/);
    for (const m of NIC_MODULES) assert.ok(entry(`lib/modules/${m}.ko`), `${m}.ko is in the archive`);
    const order = spawnSync(
      'sh',
      ['-c', 'gzip -dc "$0" | cpio -i --to-stdout --quiet lib/modules/load-order', guest.initrd],
      { encoding: 'utf8' },
    );
    const loaded = order.stdout.split('\n').filter(Boolean);
    assert.ok(loaded.indexOf('virtio_pci') > loaded.indexOf('virtio_ring'), loaded.join(' '));
    assert.ok(loaded.indexOf('virtio_net') > loaded.indexOf('net_failover'), loaded.join(' '));
    assert.ok(loaded.indexOf('net_failover') > loaded.indexOf('failover'), loaded.join(' '));
    for (const m of NIC_MODULES) assert.ok(loaded.includes(m), `${m} is loaded: ${loaded.join(' ')}`);
  });

  test('the guest boots under TCG and prints the lease marker', async (t) => {
    vm = await bootByHand({
      namespace: lab.serverNamespace,
      bridge: lab.subnets[0]!.serverInterface,
      mac: MAC,
      guest,
      hostname: HOSTNAME,
    });
    const got = await vm.console.waitFor(MARKER.leased, { timeoutMs: LEASE_WAIT_MS });
    leased = { address: got.match[1]!, atMs: got.atMs, end: got.end };
    t.diagnostic(`boot to lease: ${(got.atMs / 1000).toFixed(1)} s (QEMU start to "${got.match[0]}")`);
    assert.match(leased.address, /^10\.123\.0\.(1\d\d)$/); // the pool 10.123.0.100-199
    assert.match(vm.console.transcript, new RegExp(`homeplane-guest: eth0 up ${MAC}`));
  });

  test('the daemon holds an active lease for that MAC and address, with the host name the guest sent', async () => {
    assert.ok(leased, 'the guest leased');
    const { leases } = await api.allLeases(50);
    const lease = leases.find((l) => l.hwAddress === MAC);
    assert.ok(lease, `a lease for ${MAC} among ${JSON.stringify(leases)}`);
    assert.equal(lease.address, leased.address);
    assert.equal(lease.state, LeaseState.LEASE_STATE_ACTIVE);
    assert.equal(lease.hostname, HOSTNAME);
    assert.equal(lease.subnet, '10.123.0.0/24');
  });

  test('the console takes input: a shell line runs in the guest', async (t) => {
    assert.ok(leased, 'the guest leased');
    const ready = await vm.console.waitFor(MARKER.ready, { timeoutMs: ECHO_WAIT_MS, from: leased.end });
    vm.console.write('echo hp-$((6*7)); ip -4 -o addr show dev eth0\n');
    // The terminal echoes the line as typed; only the shell's arithmetic makes "hp-42" on a line of its own.
    const answer = await vm.console.waitFor(/^hp-42$/m, { timeoutMs: ECHO_WAIT_MS, from: ready.end });
    const address = await vm.console.waitFor(/eth0 +inet (\S+)\//, { timeoutMs: ECHO_WAIT_MS, from: answer.end });
    assert.equal(address.match[1], leased.address);
    t.diagnostic(`boot to shell answer: ${(answer.atMs / 1000).toFixed(1)} s`);
  });

  test('kill() ends QEMU and removes the tap', async () => {
    assert.ok(vm, 'the guest was started');
    await vm.kill();
    assert.notEqual(await vm.exited, 0);
    const links = await lab.exec(lab.serverNamespace, 'ip', ['-o', 'link', 'show']);
    assert.equal(links.code, 0);
    assert.ok(!links.stdout.includes(vm.tap), `no ${vm.tap} left:\n${links.stdout}`);
    assert.throws(() => process.kill(vm.pid, 0), /ESRCH/);
  });
});

describe('ensureTinyGuest when apt cannot say which kernel is current', () => {
  /** ensureTinyGuest in a child whose PATH finds an apt-cache that fails, as with no apt lists. */
  function ensureWithoutApt(cacheDir: string): { status: number | null; stdout: string; stderr: string } {
    const shims = mkdtempSync(join(tmpdir(), 'homeplane-noapt-'));
    try {
      writeFileSync(join(shims, 'apt-cache'), '#!/bin/sh\necho "E: No packages found" >&2\nexit 100\n');
      chmodSync(join(shims, 'apt-cache'), 0o755);
      const url = new URL('./tiny.ts', import.meta.url).href;
      const script =
        `const { ensureTinyGuest } = await import(${JSON.stringify(url)});` +
        `const guest = await ensureTinyGuest({ cacheDir: ${JSON.stringify(cacheDir)}, log: (l) => console.error(l) });` +
        `console.log(JSON.stringify(guest));`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, PATH: `${shims}:${process.env.PATH}` },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { status: child.status, stdout: child.stdout, stderr: child.stderr };
    } finally {
      rmSync(shims, { recursive: true, force: true });
    }
  }

  test('a cached build of the same recipe is used, and the log says why', async () => {
    const cached = await ensureTinyGuest();
    const child = ensureWithoutApt(dirname(cached.dir));
    assert.equal(child.status, 0, child.stderr);
    const guest = JSON.parse(child.stdout) as TinyGuest;
    assert.equal(guest.dir, cached.dir);
    assert.equal(guest.built, false);
    assert.match(child.stderr, /apt-get update.*using the cached linux-image-/);
  });

  test('with nothing cached it fails saying what to run', () => {
    const empty = mkdtempSync(join(tmpdir(), 'homeplane-guest-cache-'));
    try {
      const child = ensureWithoutApt(empty);
      assert.notEqual(child.status, 0);
      assert.match(
        child.stderr,
        /GuestBuildError: apt knows no package linux-image-cloud-amd64 .*run "apt-get update"/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('byHandArgs', () => {
  test('a diskless TCG VM: kernel + initrd, serial on stdio, one virtio NIC on the tap', () => {
    const args = byHandArgs({
      guest: { kernel: '/c/vmlinuz', initrd: '/c/initrd.img', cmdline: 'console=ttyS0 panic=-1 quiet' },
      mac: '52:54:00:00:00:01',
      tap: 'hpg000001',
      hostname: 'a1',
    });
    assert.deepEqual(args, [
      '-name',
      'homeplane-guest-52:54:00:00:00:01',
      '-machine',
      'q35',
      '-accel',
      'tcg',
      '-cpu',
      'max',
      '-smp',
      '1',
      '-m',
      '128',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-kernel',
      '/c/vmlinuz',
      '-initrd',
      '/c/initrd.img',
      '-append',
      'console=ttyS0 panic=-1 quiet hostname=a1',
      '-chardev',
      'stdio,id=console,signal=off',
      '-serial',
      'chardev:console',
      '-netdev',
      'tap,id=net0,ifname=hpg000001,script=no,downscript=no',
      '-device',
      'virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01',
    ]);
  });
});
