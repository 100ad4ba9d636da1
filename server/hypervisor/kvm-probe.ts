// Chooses the accelerator VMs run with: KVM when it really works, else TCG (QEMU's emulator).
// "/dev/kvm exists" and even "QEMU enables KVM with -machine none" (query-kvm answers enabled)
// say little. Measured on the machines this was written on (kernel 6.18-fc with the kvm_pvm
// module, i.e. KVM without hardware nested paging; QEMU 7.2): both hold, yet -cpu host (and max)
// aborts QEMU at start ("failed to set MSR 0x10a"), and with the default CPU model a Debian
// kernel printed its first line only after 150-180 s (TCG boots it to a panic in 5.5 s). So the
// probe boots a test guest with the machine and CPU model the driver uses (qemu/args.ts: q35,
// -cpu host) and gives it a deadline.
//
// The test guest is a 64 KiB firmware image (testBootRom) run in place of SeaBIOS: from the
// reset vector it enters protected mode, then 64-bit mode with 4 KiB page tables, then rewrites
// 512 live page-table entries 2,048 times (invlpg and a store after each pass) and exits QEMU
// through isa-debug-exit. It writes a marker to port 0xe9 (isa-debugcon) at each stage, so a
// timeout can say how far it got. Rewriting page tables is what a kernel does all the time and
// what KVM without EPT/NPT (shadow paging) must trap: measured here, KVM with -cpu qemu64 took
// 11-15 s for it and TCG 0.1-0.2 s (real and protected mode alone: 0.3 s under KVM). With
// hardware nested paging those stores are plain memory writes, so on a real KVM host the test
// should take QEMU's start-up time plus milliseconds (not measured: no such host here).
import { spawn } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QemuMissingError } from './errors.ts';
import type { Accel } from './hypervisor-port.ts';

export type AccelMode = 'auto' | 'kvm' | 'tcg';

export interface AccelChoice {
  accel: Accel;
  /** One sentence for logs and the dashboard; has no timings, so equal probes give equal text. */
  reason: string;
}

export interface ProbeOptions {
  /** Default "qemu-system-x86_64" (found on PATH). */
  qemuBinary?: string;
  /** Checked (opened read-write) before QEMU runs; default /dev/kvm. QEMU itself always opens /dev/kvm. */
  kvmDevice?: string;
  /** CPU model of the KVM test boot; default "host", as qemu/args.ts runs KVM guests. */
  cpu?: string;
}

/** hypervisor.accel is kvm but KVM cannot run guests here. */
export class AccelError extends Error {
  override name = 'AccelError';
}

/**
 * tcg: no probe. auto: KVM if /dev/kvm opens and a test boot finishes within timeoutMs, else TCG
 * with the reason. kvm: the same checks, but a failure throws AccelError (QemuMissingError when
 * QEMU is missing) instead of falling back.
 */
export async function probeAccel(mode: AccelMode, timeoutMs: number, opts: ProbeOptions = {}): Promise<AccelChoice> {
  if (mode === 'tcg') return { accel: 'tcg', reason: 'hypervisor.accel is tcg; KVM not probed' };
  const problem = await kvmProblem(timeoutMs, opts);
  if (problem === null) {
    return { accel: 'kvm', reason: `KVM works: a test boot finished within ${seconds(timeoutMs)}` };
  }
  if (mode === 'auto') return { accel: 'tcg', reason: `${problem.text}; using TCG` };
  if (problem.kind === 'qemu-missing') throw new QemuMissingError(problem.text);
  throw new AccelError(
    `hypervisor.accel is kvm but KVM cannot be used: ${problem.text}; fix KVM or set hypervisor.accel to auto or tcg`,
  );
}

export interface KvmProblem {
  kind: 'no-device' | 'qemu-missing' | 'test-boot';
  text: string;
}

async function kvmProblem(timeoutMs: number, opts: ProbeOptions): Promise<KvmProblem | null> {
  const device = opts.kvmDevice ?? '/dev/kvm';
  const deviceProblem = await openProblem(device);
  if (deviceProblem !== null) return { kind: 'no-device', text: deviceProblem };
  const cpu = opts.cpu ?? 'host';
  return testBootProblem(await runTestBoot('kvm', timeoutMs, { qemuBinary: opts.qemuBinary, cpu }), cpu, timeoutMs);
}

/** What a KVM test boot's outcome means for the user; null when KVM works. */
export function testBootProblem(boot: TestBoot, cpu: string, timeoutMs: number): KvmProblem | null {
  switch (boot.kind) {
    case 'finished':
      return null;
    case 'qemu-missing':
      return { kind: 'qemu-missing', text: boot.detail };
    case 'qemu-failed':
      return {
        kind: 'test-boot',
        text: `KVM is present but QEMU could not run a test guest with it (-cpu ${cpu}): ${boot.detail}`,
      };
    case 'timed-out':
      return {
        kind: 'test-boot',
        text:
          `KVM is present but a test boot did not finish within ${seconds(timeoutMs)} ` +
          `(${STAGE_TEXT[boot.stage]}; nested virtualization without hardware nested paging?)`,
      };
  }
}

async function openProblem(device: string): Promise<string | null> {
  try {
    const handle = await open(device, 'r+');
    await handle.close();
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return `no ${device} (the kvm module is not loaded, or virtualization is off in the firmware)`;
    if (code === 'EACCES' || code === 'EPERM') {
      return `cannot open ${device} (permission denied): run the daemon as root or in the kvm group`;
    }
    return `cannot open ${device}: ${(err as Error).message}`;
  }
}

/** How far the test guest got, from the last marker it wrote to port 0xe9. */
export type TestBootStage = 'not-started' | 'real-mode' | 'protected-mode' | '64-bit-mode' | 'done';

const STAGE_TEXT: Record<TestBootStage, string> = {
  'not-started': 'its firmware never ran',
  'real-mode': 'it stopped entering protected mode',
  'protected-mode': 'it stopped entering 64-bit mode',
  '64-bit-mode': 'it reached 64-bit mode but its page-table test was still running',
  done: 'it finished but QEMU did not exit',
};

export type TestBoot =
  | { kind: 'finished'; elapsedMs: number }
  | { kind: 'timed-out'; stage: TestBootStage }
  /** QEMU exited without the test guest's exit code; detail is QEMU's stderr or exit status. */
  | { kind: 'qemu-failed'; detail: string }
  | { kind: 'qemu-missing'; detail: string };

export interface TestBootOptions {
  qemuBinary?: string;
  /** Default "host" for kvm, "max" for tcg (qemu/args.ts). */
  cpu?: string;
  /** Page-table passes of the test guest; default 2,048. */
  passes?: number;
}

/** isa-debug-exit makes QEMU exit with (value << 1) | 1; the guest writes 0x2a. */
const EXIT_CODE = (0x2a << 1) | 1;
const STDERR_LIMIT = 4096;

/** Boots the test guest once under `accel`; never rejects (a full temporary folder is a 'qemu-failed'). */
export async function runTestBoot(accel: Accel, timeoutMs: number, opts: TestBootOptions = {}): Promise<TestBoot> {
  const binary = opts.qemuBinary ?? 'qemu-system-x86_64';
  const rom = testBootRom(opts.passes ?? DEFAULT_PASSES);
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpdir(), 'homeplane-kvm-probe-'));
  } catch (err) {
    return {
      kind: 'qemu-failed',
      detail: `cannot write the test firmware into ${tmpdir()}: ${(err as Error).message}`,
    };
  }
  try {
    const romPath = join(dir, 'test-boot.rom');
    await writeFile(romPath, rom);
    const cpu = opts.cpu ?? (accel === 'kvm' ? 'host' : 'max');
    // Same machine as the driver's VMs; no devices but the two test ports.
    const args = [
      ...['-machine', 'q35', '-accel', accel, '-cpu', cpu, '-m', '16', '-smp', '1'],
      ...['-nodefaults', '-no-user-config', '-display', 'none', '-bios', romPath],
      ...['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'],
      ...['-chardev', 'stdio,id=probe', '-device', 'isa-debugcon,iobase=0xe9,chardev=probe'],
    ];
    return await runQemu(binary, args, timeoutMs);
  } catch (err) {
    return { kind: 'qemu-failed', detail: `cannot write the test firmware into ${dir}: ${(err as Error).message}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runQemu(binary: string, args: string[], timeoutMs: number): Promise<TestBoot> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let markers = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (markers += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') {
        resolve({ kind: 'qemu-missing', detail: `${binary} not found; install the Debian package qemu-system-x86` });
      } else {
        resolve({ kind: 'qemu-failed', detail: `cannot run ${binary}: ${err.message}` });
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const elapsedMs = performance.now() - started;
      if (timedOut) resolve({ kind: 'timed-out', stage: stageOf(markers) });
      else if (code === EXIT_CODE && markers.endsWith('D')) resolve({ kind: 'finished', elapsedMs });
      else resolve({ kind: 'qemu-failed', detail: failureDetail(stderr, code, signal) });
    });
  });
}

function stageOf(markers: string): TestBootStage {
  switch (markers.at(-1)) {
    case 'R':
      return 'real-mode';
    case 'P':
      return 'protected-mode';
    case 'L':
      return '64-bit-mode';
    case 'D':
      return 'done';
    default:
      return 'not-started';
  }
}

/** QEMU's first error line (warnings skipped), and how it ended. */
function failureDetail(stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  const first = stderr
    .split('\n')
    .map((line) =>
      line
        .replace(/^qemu-system-[\w-]+: /, '')
        .replace(/^error: /, '')
        .trim(),
    )
    .find((line) => line !== '' && !line.startsWith('warning:'));
  const ending = signal !== null ? `killed by ${signal}` : `exit status ${code}`;
  return first === undefined ? `QEMU ended with ${ending}` : `${first} (${ending})`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

const DEFAULT_PASSES = 2048;
const ROM_SIZE = 0x10000; // QEMU maps a 64 KiB -bios image at 0xF0000 and at 0xFFFF0000
const PASSES_OFFSET = 0xb3; // imm32 of "mov ebx, PASSES" below

/**
 * The test guest's firmware. Offsets in the comments are from the start of the image; the
 * encodings are GNU as 2.40 output for the instructions shown (AT&T syntax). The GDT's
 * descriptors have their accessed bit preset: otherwise loading CS makes the CPU write that bit
 * into the ROM, and on the machine this was measured on that write stalled KVM at the far jump.
 */
export function testBootRom(passes: number): Buffer {
  if (!Number.isInteger(passes) || passes < 1 || passes > 0xffffffff) throw new RangeError(`passes: ${passes}`);
  const rom = Buffer.alloc(ROM_SIZE, 0xf4); // hlt everywhere else
  const code = Buffer.from(CODE);
  code.writeUInt32LE(passes, PASSES_OFFSET);
  code.copy(rom, 0);
  Buffer.from(GDT).copy(rom, GDT_OFFSET);
  // 0xfff0, the reset vector (CS base 0xffff0000, IP 0xfff0): jmp 0x0000 (rel16 wraps in real mode)
  Buffer.from([0xe9, 0x0d, 0x00]).copy(rom, 0xfff0);
  return rom;
}

const GDT_OFFSET = 0xf8;
const GDT = [
  ...[0, 0, 0, 0, 0, 0, 0, 0], // 0x00 null
  ...[0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0], // 0x08 code, 32-bit, flat, accessed
  ...[0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0], // 0x10 data, flat, accessed
  ...[0xff, 0xff, 0, 0, 0, 0x9b, 0xaf, 0], // 0x18 code, 64-bit (L=1), accessed
  ...[0x1f, 0x00], // 0x118 GDTR limit: 4 descriptors - 1
  ...[0xf8, 0x00, 0x0f, 0x00], // GDTR base: ROM_BASE + 0xf8
];

// prettier-ignore
const CODE = [
  // 0x00, 16-bit real mode
  0xfa, //                               cli
  0xb0, 0x52, 0xe6, 0xe9, //             mov $'R', %al; out %al, $0xe9
  0x2e, 0x66, 0x0f, 0x01, 0x16, 0x18, 0x01, // lgdtl %cs:0x118
  0x0f, 0x20, 0xc0, //                   mov %cr0, %eax
  0x66, 0x83, 0xc8, 0x01, //             or $1, %eax (PE)
  0x0f, 0x22, 0xc0, //                   mov %eax, %cr0
  0x66, 0xea, 0x1e, 0x00, 0x0f, 0x00, 0x08, 0x00, // ljmpl $0x08, $0xf001e
  // 0x1e, 32-bit protected mode
  0x66, 0xb8, 0x10, 0x00, //             mov $0x10, %ax
  0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0, // mov %ax, %ds; %es; %ss
  0xb0, 0x50, 0xe6, 0xe9, //             mov $'P', %al; out %al, $0xe9
  0xbf, 0x00, 0x10, 0x00, 0x00, //       mov $0x1000, %edi
  0x31, 0xc0, //                         xor %eax, %eax
  0xb9, 0x00, 0x14, 0x00, 0x00, //       mov $5120, %ecx
  0xf3, 0xab, //                         rep stosl: zero 0x1000-0x5fff (PML4, PDPT, PD, 2 PTs)
  0xc7, 0x05, 0x00, 0x10, 0x00, 0x00, 0x03, 0x20, 0x00, 0x00, // movl $0x2003, 0x1000: PML4[0] -> PDPT
  0xc7, 0x05, 0x00, 0x20, 0x00, 0x00, 0x03, 0x30, 0x00, 0x00, // movl $0x3003, 0x2000: PDPT[0] -> PD
  0xc7, 0x05, 0x00, 0x30, 0x00, 0x00, 0x03, 0x40, 0x00, 0x00, // movl $0x4003, 0x3000: PD[0] -> PT 0x4000
  0xc7, 0x05, 0x08, 0x30, 0x00, 0x00, 0x03, 0x50, 0x00, 0x00, // movl $0x5003, 0x3008: PD[1] -> PT 0x5000
  0xbf, 0x00, 0x40, 0x00, 0x00, //       mov $0x4000, %edi
  0xb8, 0x03, 0x00, 0x00, 0x00, //       mov $3, %eax (present, writable)
  0xb9, 0x00, 0x04, 0x00, 0x00, //       mov $1024, %ecx
  0x89, 0x07, //                         0x71: mov %eax, (%edi): identity-map 0-4 MiB in 4 KiB pages
  0x05, 0x00, 0x10, 0x00, 0x00, //       add $4096, %eax
  0x83, 0xc7, 0x08, //                   add $8, %edi
  0xe2, 0xf4, //                         loop 0x71
  0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, // cr4 |= PAE
  0xb8, 0x00, 0x10, 0x00, 0x00, 0x0f, 0x22, 0xd8, // mov $0x1000, %eax; mov %eax, %cr3
  0xb9, 0x80, 0x00, 0x00, 0xc0, //       mov $0xc0000080, %ecx (EFER)
  0x0f, 0x32, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30, // rdmsr; or $0x100, %eax (LME); wrmsr
  0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, // cr0 |= PG
  0xea, 0xae, 0x00, 0x0f, 0x00, 0x18, 0x00, // ljmp $0x18, $0xf00ae
  // 0xae, 64-bit mode
  0xb0, 0x4c, 0xe6, 0xe9, //             mov $'L', %al; out %al, $0xe9
  0xbb, 0x00, 0x00, 0x00, 0x00, //       mov $PASSES, %ebx (patched)
  0xbf, 0x00, 0x50, 0x00, 0x00, //       0xb7: mov $0x5000, %edi (the live PT of 2-4 MiB)
  0xb8, 0x03, 0x00, 0x20, 0x00, //       mov $0x200003, %eax
  0xb9, 0x00, 0x02, 0x00, 0x00, //       mov $512, %ecx
  0x89, 0x07, //                         0xc6: mov %eax, (%rdi)
  0x05, 0x00, 0x10, 0x00, 0x00, //       add $4096, %eax
  0x48, 0x83, 0xc7, 0x08, //             add $8, %rdi
  0xe2, 0xf3, //                         loop 0xc6
  0x0f, 0x01, 0x3c, 0x25, 0x00, 0x00, 0x20, 0x00, // invlpg 0x200000
  0xc6, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00, 0x01, // movb $1, 0x200000
  0xff, 0xcb, //                         dec %ebx
  0x75, 0xd0, //                         jnz 0xb7
  0xb0, 0x44, 0xe6, 0xe9, //             mov $'D', %al; out %al, $0xe9
  0xb0, 0x2a, 0xe6, 0xf4, //             mov $0x2a, %al; out %al, $0xf4 (isa-debug-exit: QEMU exits 85)
  0xf4, 0xeb, 0xfd, //                   0xef: hlt; jmp 0xef
];
