// A VM's qemu-system-x86_64 command line: a pure function of the spec (Incus's
// driver_qemu_templates.go, as argv). Golden tests in args.test.ts write every argv out.
//
// Privileges (QEMU 7.2, checked on Debian 12): QEMU opens the pidfile, both sockets, the console
// log, the tap and the disks while still root, then -runas switches to the user and -sandbox on
// installs its seccomp filter. Only things done later run as that user: files opened by QMP
// commands (blockdev-add, a CD change, snapshots) and the unlink of pidfile and sockets at exit,
// which fails (the driver removes them). So the run folder may stay root-only. -sandbox on only:
// with -runas, elevateprivileges=deny kills QEMU at the setuid (exit 1, no message), and
// spawn=deny kills it with SIGSYS under -daemonize (both checked on 7.2).
import type { VmRuntimeSpec } from '../hypervisor-port.ts';
import { runFiles } from './run-dir.ts';

export interface QemuArgsOptions {
  /**
   * -S: the CPUs wait for QMP `cont`. The driver always starts so, to set the reboot/shutdown
   * actions and attach the console before the guest runs a single instruction.
   */
  startPaused: boolean;
}

/** A value inside a QEMU option list ("key=value,..."): a literal comma is written twice. */
export function optionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** The argv after the binary name. Assumes specProblems(spec) is empty. */
export function qemuArgs(spec: VmRuntimeSpec, options: QemuArgsOptions): string[] {
  const files = runFiles(spec.runDir);
  return [
    ...['-name', `guest=${optionValue(spec.name)}`],
    ...['-uuid', spec.id],
    ...machine(spec),
    ...['-smp', String(spec.vcpus)],
    ...['-m', String(spec.memoryMib)], // MiB (QEMU's default unit)
    // Only the devices listed below: no default NIC, CD-ROM, floppy, parallel port or monitor,
    // no /etc/qemu config, no display.
    ...['-nodefaults', '-no-user-config', '-display', 'none', '-vga', 'none'],
    ...(options.startPaused ? ['-S'] : []),
    // The command returns once QEMU is set up (its stderr carries any failure), QEMU keeps running
    // detached from the daemon, and the pidfile says where.
    ...['-daemonize', '-pidfile', files.pidfile],
    ...['-runas', spec.runAs, '-sandbox', 'on'],
    ...['-chardev', `socket,id=qmp,path=${optionValue(files.qmpSocket)},server=on,wait=off`],
    ...['-mon', 'chardev=qmp,mode=control'],
    // The serial console. logappend=on makes QEMU open the log O_APPEND, so the driver can
    // truncate it while QEMU writes (copytruncate) without leaving a sparse file behind.
    ...[
      '-chardev',
      `socket,id=console,path=${optionValue(files.consoleSocket)},server=on,wait=off,` +
        `logfile=${optionValue(files.consoleLog)},logappend=on`,
    ],
    ...['-serial', 'chardev:console'],
    ...['-netdev', `tap,id=net0,ifname=${optionValue(spec.tap)},script=no,downscript=no`],
    ...['-device', `virtio-net-pci,netdev=net0,mac=${spec.mac}`],
    ...storage(spec),
    ...kernel(spec),
  ];
}

function machine(spec: VmRuntimeSpec): string[] {
  switch (spec.accel) {
    case 'kvm':
      return ['-machine', 'q35', '-accel', 'kvm', '-cpu', 'host'];
    case 'tcg':
      // "max": every feature TCG can emulate (a modern x86-64 guest kernel wants more than qemu64).
      return ['-machine', 'q35', '-accel', 'tcg', '-cpu', 'max'];
  }
}

/**
 * The CD-ROM (ISO boot) boots first, then the disk; bootindex is what SeaBIOS orders by. A kernel
 * boot gives the disk no bootindex: -kernel's option ROM holds bootindex 0 ("The bootindex 0 has
 * already been used", QEMU 7.2).
 */
function storage(spec: VmRuntimeSpec): string[] {
  const args: string[] = [];
  const boot = spec.boot;
  if (boot.kind === 'iso') {
    args.push('-drive', `file=${optionValue(boot.iso)},if=none,id=cd0,media=cdrom,readonly=on`);
    args.push('-device', 'ide-cd,drive=cd0,bootindex=0'); // q35's built-in AHCI controller
  }
  if (spec.disk !== null) {
    args.push('-drive', `file=${optionValue(spec.disk)},if=none,id=disk0,format=qcow2`);
    const bootindex = { kernel: '', iso: ',bootindex=1', disk: ',bootindex=0' }[boot.kind];
    args.push('-device', `virtio-blk-pci,drive=disk0${bootindex}`);
  }
  return args;
}

/** -kernel, -initrd and -append take their argument verbatim (no option-list parsing). */
function kernel(spec: VmRuntimeSpec): string[] {
  const boot = spec.boot;
  if (boot.kind !== 'kernel') return [];
  return [
    ...['-kernel', boot.kernel],
    ...(boot.initrd === null ? [] : ['-initrd', boot.initrd]),
    ...(boot.cmdline === '' ? [] : ['-append', boot.cmdline]),
  ];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
/** Linux IFNAMSIZ is 16 with the NUL; '/', ':' and whitespace are refused by the kernel or by us. */
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Every reason the spec cannot be run, as "field: reason"; empty when it can. */
export function specProblems(spec: VmRuntimeSpec): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string): void => {
    if (!ok) problems.push(problem);
  };
  check(UUID.test(spec.id), 'id: must be a lowercase UUID');
  check(spec.name.length >= 1 && spec.name.length <= 64 && !hasControl(spec.name), 'name: 1-64 printable characters');
  check(Number.isInteger(spec.vcpus) && spec.vcpus >= 1 && spec.vcpus <= 255, 'vcpus: an integer from 1 to 255');
  check(Number.isInteger(spec.memoryMib) && spec.memoryMib >= 16, 'memoryMib: an integer of at least 16');
  check(MAC.test(spec.mac), 'mac: six lowercase hex pairs separated by colons');
  check(!MAC.test(spec.mac) || (parseInt(spec.mac.slice(0, 2), 16) & 1) === 0, 'mac: must be unicast');
  check(IFNAME.test(spec.tap), 'tap: an interface name of 1-15 letters, digits, "_", "." or "-"');
  check(spec.disk === null || isPath(spec.disk), 'disk: an absolute path or null');
  check(USER.test(spec.runAs), 'runAs: a user name');
  check(isPath(spec.runDir), 'runDir: an absolute path');
  const boot = spec.boot;
  switch (boot.kind) {
    case 'kernel':
      check(isPath(boot.kernel), 'boot.kernel: an absolute path');
      check(boot.initrd === null || isPath(boot.initrd), 'boot.initrd: an absolute path or null');
      check(!hasControl(boot.cmdline), 'boot.cmdline: no control characters');
      break;
    case 'iso':
      check(isPath(boot.iso), 'boot.iso: an absolute path');
      break;
    case 'disk':
      check(spec.disk !== null, 'disk: required to boot from disk');
      break;
  }
  return problems;
}

function isPath(value: string): boolean {
  return value.startsWith('/') && !hasControl(value);
}

function hasControl(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(value);
}
