import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import {
  HOST_ID_APP,
  HostFactsError,
  hostIdFromMachineId,
  parseCpuInfo,
  parseMemTotalMib,
  parseQemuVersion,
  parseUptimeSeconds,
  qemuStatus,
  readHostFacts,
  readLiveFacts,
  readMachineId,
} from './host-facts.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-host-facts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('host id: systemd app-specific UUID of the machine id', () => {
  // Reference computed with Python's hmac (SHA-256, key = machine id bytes, message = app id).
  assert.equal(hostIdFromMachineId('0123456789abcdef0123456789abcdef'), '7c442d0c-4619-4d79-9b69-4e8b39073b63');
  assert.match(hostIdFromMachineId('3d1219c7c4c5404aaa1f6d2a48adfda4'), UUID);
});

test('host id: the same as systemd-id128 prints for this machine', async (t) => {
  let expected: string;
  try {
    expected = execFileSync('systemd-id128', ['machine-id', '-u', '-a', HOST_ID_APP], { encoding: 'utf8' }).trim();
  } catch {
    t.skip('systemd-id128 is not installed or has no machine id');
    return;
  }
  const { value } = await readMachineId();
  assert.equal(hostIdFromMachineId(value), expected);
});

test('machine id: first valid file wins, "uninitialized" and missing files are skipped, none is an error', async (t) => {
  const dir = tempDir(t);
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const good = file('good', '3D1219C7C4C5404AAA1F6D2A48ADFDA4\n');
  const other = file('other', '0123456789abcdef0123456789abcdef\n');
  const uninitialized = file('uninit', 'uninitialized\n');
  const empty = file('empty', '');
  const missing = join(dir, 'missing');

  const cases: { paths: string[]; value: string; source: string }[] = [
    { paths: [good, other], value: '3d1219c7c4c5404aaa1f6d2a48adfda4', source: good },
    { paths: [missing, other], value: '0123456789abcdef0123456789abcdef', source: other },
    { paths: [uninitialized, empty, other], value: '0123456789abcdef0123456789abcdef', source: other },
  ];
  for (const c of cases) assert.deepEqual(await readMachineId(c.paths), { value: c.value, source: c.source });

  await assert.rejects(readMachineId([missing, uninitialized, empty]), (err: Error) => {
    assert.ok(err instanceof HostFactsError);
    assert.ok(err.message.includes(`${missing}: ENOENT`), err.message);
    assert.ok(err.message.includes(`${uninitialized}: not a machine id ("uninitialized")`), err.message);
    assert.ok(err.message.includes(`${empty}: empty`), err.message);
    assert.match(err.message, /systemd-machine-id-setup/);
    return true;
  });
});

test('/proc parsers', () => {
  const cpuinfo = [
    'processor\t: 0',
    'vendor_id\t: AuthenticAMD',
    'model name\t: AMD EPYC 7B13 64-Core Processor',
    'flags\t\t: fpu vme',
    '',
    'processor\t: 1',
    'model name\t: AMD EPYC 7B13 64-Core Processor',
    '',
  ].join('\n');
  assert.deepEqual(parseCpuInfo(cpuinfo), { model: 'AMD EPYC 7B13 64-Core Processor', logicalCpus: 2 });
  // aarch64 kernels print no model name.
  assert.deepEqual(parseCpuInfo('processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\n'), {
    model: 'unknown',
    logicalCpus: 2,
  });
  assert.throws(() => parseCpuInfo(''), HostFactsError);

  assert.equal(parseMemTotalMib('MemTotal:       24683584 kB\nMemFree:        1 kB\n'), 24105); // 24683584 / 1024 = 24105.06
  assert.throws(() => parseMemTotalMib('MemFree: 1 kB\n'), HostFactsError);

  assert.equal(parseUptimeSeconds('1339.33 850.56\n'), 1339);
  assert.throws(() => parseUptimeSeconds('soon\n'), HostFactsError);

  assert.equal(
    parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022'),
    '7.2.22',
  );
  assert.equal(parseQemuVersion('QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.4)\n'), '8.2.2');
  assert.equal(parseQemuVersion('QEMU emulator version 9.0\n'), '9.0');
  assert.equal(parseQemuVersion('qemu-img version 7.2.22\n'), null);
});

test('QEMU status: installed, missing, broken, silent, hung', async (t) => {
  const real = await qemuStatus('qemu-system-x86_64');
  assert.equal(real.installed, true, JSON.stringify(real));
  if (real.installed) {
    assert.match(real.version, /^\d+\.\d+(\.\d+)?$/);
    assert.match(real.binary, /^\/.*\/qemu-system-x86_64$/);
  }

  assert.deepEqual(await qemuStatus('/nonexistent/qemu-system-x86_64'), {
    installed: false,
    reason: '/nonexistent/qemu-system-x86_64 not found; install the Debian package qemu-system-x86',
  });
  assert.deepEqual(await qemuStatus('no-such-qemu-binary'), {
    installed: false,
    reason: 'no-such-qemu-binary not found; install the Debian package qemu-system-x86',
  });

  const dir = tempDir(t);
  const script = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const broken = script('broken', 'echo "error while loading shared libraries: libfoo.so.1" >&2; exit 127');
  const silent = script('silent', 'echo hello');
  const hung = script('hung', 'exec sleep 30');

  const cases: { binary: string; reason: RegExp }[] = [
    {
      binary: broken,
      reason:
        /--version failed: error while loading shared libraries: libfoo\.so\.1; reinstall the Debian package qemu-system-x86$/,
    },
    { binary: silent, reason: /--version printed no QEMU version \("hello\\n"\)$/ },
    { binary: hung, reason: /--version failed: did not answer within 0\.3 s;/ },
  ];
  for (const c of cases) {
    const status = await qemuStatus(c.binary, 300);
    assert.equal(status.installed, false, c.binary);
    assert.match(status.installed ? '' : status.reason, c.reason);
  }
});

test('readHostFacts on this machine', async (t) => {
  const dataDir = tempDir(t);
  const accel = { accel: 'tcg' as const, reason: 'hypervisor.accel is tcg; KVM not probed' };
  const { stable, live } = await readHostFacts({ dataDir, accel });
  assert.match(stable.id, UUID);
  assert.ok(stable.hostname.length > 0);
  assert.ok(stable.cpuModel.length > 0);
  assert.equal(stable.cores, cpus().length);
  assert.equal(stable.memoryMib, Math.floor(totalmem() / 1024 / 1024));
  assert.equal(stable.accel, 'tcg');
  assert.equal(stable.accelReason, accel.reason);
  assert.equal(stable.qemu.installed, true);
  assert.ok(Math.abs(live.uptimeSeconds - uptime()) <= 2, `${live.uptimeSeconds} vs ${uptime()}`);
  assert.ok(live.diskTotalBytes > 0 && live.diskFreeBytes >= 0 && live.diskFreeBytes <= live.diskTotalBytes);

  const again = await readHostFacts({ dataDir, accel });
  assert.deepEqual(again.stable, stable, 'the stable facts read twice agree');
});

test('live facts of a data folder that does not exist: an error naming it', async () => {
  await assert.rejects(readLiveFacts('/nonexistent/homeplane-data'), (err: Error) => {
    assert.ok(err instanceof HostFactsError);
    assert.match(err.message, /^cannot read the file system of the data folder \/nonexistent\/homeplane-data: ENOENT/);
    return true;
  });
});
