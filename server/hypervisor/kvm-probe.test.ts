// The probe with real QEMU: the test guest runs under TCG (always available), the KVM paths use
// whatever this machine offers, and the decision table is checked with TestBoot values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { QemuMissingError } from './errors.ts';
import { AccelError, probeAccel, runTestBoot, testBootProblem, testBootRom, type TestBoot } from './kvm-probe.ts';

const NO_QEMU = '/nonexistent/qemu-system-x86_64';

test('the test guest runs through every stage and exits QEMU with its code under TCG', async () => {
  const boot = await runTestBoot('tcg', 20_000);
  assert.equal(boot.kind, 'finished', JSON.stringify(boot));
});

test('a test boot that cannot finish in time is killed and says how far it got', async () => {
  const started = performance.now();
  // 2^32-1 passes of 512 page-table writes: hours under TCG.
  const boot = await runTestBoot('tcg', 1_500, { passes: 0xffffffff });
  assert.deepEqual(boot, { kind: 'timed-out', stage: '64-bit-mode' });
  assert.ok(performance.now() - started < 5_000, 'returned soon after the timeout');
});

test('QEMU refusing to start is reported with its own message', async () => {
  const boot = await runTestBoot('tcg', 10_000, { cpu: 'no-such-cpu' });
  assert.equal(boot.kind, 'qemu-failed');
  assert.match(boot.kind === 'qemu-failed' ? boot.detail : '', /no-such-cpu.*\(exit status 1\)/);
});

test('QEMU missing: auto falls back with the package to install, forced kvm throws QemuMissingError', async () => {
  const boot = await runTestBoot('tcg', 10_000, { qemuBinary: NO_QEMU });
  assert.deepEqual(boot, {
    kind: 'qemu-missing',
    detail: `${NO_QEMU} not found; install the Debian package qemu-system-x86`,
  });
  // /dev/null opens read-write, so the probe gets as far as running QEMU.
  const opts = { qemuBinary: NO_QEMU, kvmDevice: '/dev/null' };
  assert.deepEqual(await probeAccel('auto', 3_000, opts), {
    accel: 'tcg',
    reason: `${NO_QEMU} not found; install the Debian package qemu-system-x86; using TCG`,
  });
  await assert.rejects(probeAccel('kvm', 3_000, opts), QemuMissingError);
});

test('no KVM device: auto uses TCG and says why, forced kvm throws AccelError', async () => {
  const opts = { kvmDevice: '/nonexistent/kvm', qemuBinary: NO_QEMU };
  const choice = await probeAccel('auto', 3_000, opts);
  assert.equal(choice.accel, 'tcg');
  assert.match(choice.reason, /^no \/nonexistent\/kvm \(the kvm module is not loaded.*\); using TCG$/);
  await assert.rejects(probeAccel('kvm', 3_000, opts), (err: Error) => {
    assert.ok(err instanceof AccelError);
    assert.match(err.message, /^hypervisor\.accel is kvm but KVM cannot be used: no \/nonexistent\/kvm /);
    assert.match(err.message, /; fix KVM or set hypervisor\.accel to auto or tcg$/);
    return true;
  });
});

test('tcg forced: nothing is probed', async () => {
  assert.deepEqual(await probeAccel('tcg', 1, { qemuBinary: NO_QEMU, kvmDevice: '/nonexistent/kvm' }), {
    accel: 'tcg',
    reason: 'hypervisor.accel is tcg; KVM not probed',
  });
});

test('what each test boot outcome means', () => {
  const cases: { boot: TestBoot; text: string | null }[] = [
    { boot: { kind: 'finished', elapsedMs: 90 }, text: null },
    {
      boot: { kind: 'qemu-missing', detail: 'qemu-system-x86_64 not found; install X' },
      text: 'qemu-system-x86_64 not found; install X',
    },
    {
      boot: { kind: 'qemu-failed', detail: 'failed to set MSR 0x10a to 0x69 (killed by SIGABRT)' },
      text: 'KVM is present but QEMU could not run a test guest with it (-cpu host): failed to set MSR 0x10a to 0x69 (killed by SIGABRT)',
    },
    {
      boot: { kind: 'timed-out', stage: '64-bit-mode' },
      text:
        'KVM is present but a test boot did not finish within 3 s (it reached 64-bit mode but its page-table test was still ' +
        'running; nested virtualization without hardware nested paging?)',
    },
    {
      boot: { kind: 'timed-out', stage: 'real-mode' },
      text:
        'KVM is present but a test boot did not finish within 3 s (it stopped entering protected mode; ' +
        'nested virtualization without hardware nested paging?)',
    },
  ];
  for (const { boot, text } of cases) {
    assert.equal(testBootProblem(boot, 'host', 3_000)?.text ?? null, text, boot.kind);
  }
});

test('auto and forced kvm agree on this machine', { timeout: 30_000 }, async (t) => {
  const auto = await probeAccel('auto', 3_000);
  t.diagnostic(`auto: ${auto.accel}: ${auto.reason}`);
  if (auto.accel === 'kvm') {
    assert.deepEqual(await probeAccel('kvm', 3_000), auto);
    return;
  }
  assert.match(auto.reason, /; using TCG$/);
  if (!existsSync('/dev/kvm')) assert.match(auto.reason, /^no \/dev\/kvm/);
  const problem = auto.reason.replace(/; using TCG$/, '');
  await assert.rejects(probeAccel('kvm', 3_000), (err: Error) => {
    // The same problem, unless it was one that only a timing decides.
    if (!problem.includes('did not finish within')) assert.ok(err.message.includes(problem), err.message);
    assert.ok(err instanceof AccelError || err instanceof QemuMissingError);
    return true;
  });
});

test('the test guest image: 64 KiB, reset vector jumps to 0, pass count patched in', () => {
  const rom = testBootRom(7);
  assert.equal(rom.length, 0x10000);
  assert.deepEqual([...rom.subarray(0xfff0, 0xfff3)], [0xe9, 0x0d, 0x00]); // jmp rel16 -> 0x10000 mod 64 KiB
  assert.deepEqual([...rom.subarray(0xb2, 0xb7)], [0xbb, 7, 0, 0, 0]); // mov $7, %ebx
  assert.deepEqual([...rom.subarray(0x118, 0x11e)], [0x1f, 0x00, 0xf8, 0x00, 0x0f, 0x00]); // GDTR
  assert.throws(() => testBootRom(0), RangeError);
});
