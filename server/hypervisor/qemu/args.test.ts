import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { VmRuntimeSpec } from '../hypervisor-port.ts';
import { optionValue, qemuArgs, specProblems } from './args.ts';

const BASE: VmRuntimeSpec = {
  id: '6e796ee8-3f96-46d7-ae8a-ad14c8003f01',
  name: 'web-1',
  vcpus: 2,
  memoryMib: 512,
  mac: '52:54:00:aa:bb:cc',
  tap: 'hp-tap0',
  disk: '/var/lib/homeplane/vms/web-1/disk.qcow2',
  boot: { kind: 'disk' },
  accel: 'tcg',
  runAs: 'nobody',
  runDir: '/var/lib/homeplane/run/web-1',
};

/** The part every VM shares, up to the NIC; only the machine line depends on the spec's accel. */
function common(machine: string[], paused: boolean): string[] {
  const run = '/var/lib/homeplane/run/web-1';
  return [
    ...['-name', 'guest=web-1'],
    ...['-uuid', '6e796ee8-3f96-46d7-ae8a-ad14c8003f01'],
    ...machine,
    ...['-smp', '2'],
    ...['-m', '512'],
    ...['-nodefaults', '-no-user-config', '-display', 'none', '-vga', 'none'],
    ...(paused ? ['-S'] : []),
    ...['-daemonize', '-pidfile', `${run}/qemu.pid`],
    ...['-runas', 'nobody', '-sandbox', 'on'],
    ...['-chardev', `socket,id=qmp,path=${run}/qmp.sock,server=on,wait=off`],
    ...['-mon', 'chardev=qmp,mode=control'],
    ...[
      '-chardev',
      `socket,id=console,path=${run}/console.sock,server=on,wait=off,logfile=${run}/console.log,logappend=on`,
    ],
    ...['-serial', 'chardev:console'],
    ...['-netdev', 'tap,id=net0,ifname=hp-tap0,script=no,downscript=no'],
    ...['-device', 'virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc'],
  ];
}

const TCG = ['-machine', 'q35', '-accel', 'tcg', '-cpu', 'max'];
const KVM = ['-machine', 'q35', '-accel', 'kvm', '-cpu', 'host'];
const DISK = ['-drive', 'file=/var/lib/homeplane/vms/web-1/disk.qcow2,if=none,id=disk0,format=qcow2'];

interface Case {
  why: string;
  spec: VmRuntimeSpec;
  paused: boolean;
  expected: string[];
}

const CASES: Case[] = [
  {
    why: 'disk boot under TCG, started paused (as the driver does)',
    spec: BASE,
    paused: true,
    expected: [...common(TCG, true), ...DISK, '-device', 'virtio-blk-pci,drive=disk0,bootindex=0'],
  },
  {
    why: 'disk boot under KVM: host CPU model',
    spec: { ...BASE, accel: 'kvm' },
    paused: false,
    expected: [...common(KVM, false), ...DISK, '-device', 'virtio-blk-pci,drive=disk0,bootindex=0'],
  },
  {
    why: 'kernel boot with initrd and command line; the disk is plain storage',
    spec: {
      ...BASE,
      boot: { kind: 'kernel', kernel: '/img/vmlinuz', initrd: '/img/initrd.img', cmdline: 'console=ttyS0 quiet' },
    },
    paused: true,
    expected: [
      ...common(TCG, true),
      ...DISK,
      ...['-device', 'virtio-blk-pci,drive=disk0'], // -kernel's option ROM holds bootindex 0
      ...['-kernel', '/img/vmlinuz', '-initrd', '/img/initrd.img', '-append', 'console=ttyS0 quiet'],
    ],
  },
  {
    why: 'kernel boot without initrd, command line or disk',
    spec: { ...BASE, disk: null, boot: { kind: 'kernel', kernel: '/img/vmlinuz', initrd: null, cmdline: '' } },
    paused: true,
    expected: [...common(TCG, true), '-kernel', '/img/vmlinuz'],
  },
  {
    why: 'ISO boot: read-only CD-ROM first, then the disk',
    spec: { ...BASE, boot: { kind: 'iso', iso: '/img/debian.iso' } },
    paused: true,
    expected: [
      ...common(TCG, true),
      ...['-drive', 'file=/img/debian.iso,if=none,id=cd0,media=cdrom,readonly=on'],
      ...['-device', 'ide-cd,drive=cd0,bootindex=0'],
      ...DISK,
      ...['-device', 'virtio-blk-pci,drive=disk0,bootindex=1'],
    ],
  },
  {
    why: 'commas in option-list values are doubled; -kernel takes its path verbatim',
    spec: {
      ...BASE,
      name: 'a,b',
      disk: '/d,1/disk.qcow2',
      boot: { kind: 'kernel', kernel: '/k,1/vmlinuz', initrd: null, cmdline: 'x=1,2' },
    },
    paused: true,
    expected: [
      ...common(TCG, true).map((arg) => (arg === 'guest=web-1' ? 'guest=a,,b' : arg)),
      ...['-drive', 'file=/d,,1/disk.qcow2,if=none,id=disk0,format=qcow2'],
      ...['-device', 'virtio-blk-pci,drive=disk0'],
      ...['-kernel', '/k,1/vmlinuz', '-append', 'x=1,2'],
    ],
  },
];

describe('qemuArgs', () => {
  for (const c of CASES) {
    test(c.why, () => {
      assert.deepEqual(specProblems(c.spec), []);
      assert.deepEqual(qemuArgs(c.spec, { startPaused: c.paused }), c.expected);
    });
  }

  test('the UUID follows -uuid, so /proc/PID/cmdline identifies the VM', () => {
    const argv = qemuArgs(BASE, { startPaused: true });
    assert.equal(argv[argv.indexOf('-uuid') + 1], BASE.id);
  });

  test('no -no-reboot: reboot and shutdown behaviour is set over QMP (set-action)', () => {
    assert.equal(qemuArgs(BASE, { startPaused: true }).includes('-no-reboot'), false);
  });

  test('optionValue doubles commas only', () => {
    assert.equal(optionValue('/a,b,,c=d'), '/a,,b,,,,c=d');
  });
});

describe('specProblems', () => {
  const cases: { why: string; spec: VmRuntimeSpec; expected: string[] }[] = [
    { why: 'uppercase UUID', spec: { ...BASE, id: BASE.id.toUpperCase() }, expected: ['id: must be a lowercase UUID'] },
    {
      why: 'multicast MAC',
      spec: { ...BASE, mac: '01:00:5e:00:00:01' },
      expected: ['mac: must be unicast'],
    },
    {
      why: 'tap name too long and zero vCPUs',
      spec: { ...BASE, tap: 'a-very-long-tap-name', vcpus: 0 },
      expected: ['vcpus: an integer from 1 to 255', 'tap: an interface name of 1-15 letters, digits, "_", "." or "-"'],
    },
    { why: 'disk boot without a disk', spec: { ...BASE, disk: null }, expected: ['disk: required to boot from disk'] },
    {
      why: 'relative boot paths',
      spec: { ...BASE, boot: { kind: 'kernel', kernel: 'vmlinuz', initrd: 'initrd', cmdline: 'a\nb' } },
      expected: [
        'boot.kernel: an absolute path',
        'boot.initrd: an absolute path or null',
        'boot.cmdline: no control characters',
      ],
    },
    { why: 'relative run folder', spec: { ...BASE, runDir: 'run' }, expected: ['runDir: an absolute path'] },
  ];
  for (const c of cases) {
    test(c.why, () => assert.deepEqual(specProblems(c.spec), c.expected));
  }
});
