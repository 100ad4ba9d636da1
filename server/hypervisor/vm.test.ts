// Field checks for VM requests: each refusal names the proto field and says what is allowed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDisk, checkMemory, checkName, checkVcpus, normaliseMac, startedAtAfter, type ActualState } from './vm.ts';
import { generateMac } from './mac.ts';
import { InvalidInputError } from '../errors.ts';

const refusals: [string, () => unknown, string, RegExp][] = [
  ['upper case name', () => checkName('Web'), 'name', /not a DNS label/],
  ['name with a dot', () => checkName('web.lab'), 'name', /not a DNS label/],
  ['name ending in a dash', () => checkName('web-'), 'name', /not a DNS label/],
  ['empty name', () => checkName(''), 'name', /not a DNS label/],
  ['64-character name', () => checkName('a'.repeat(64)), 'name', /not a DNS label/],
  ['zero vCPUs', () => checkVcpus(0), 'vcpus', /1-256/],
  ['fractional vCPUs', () => checkVcpus(1.5), 'vcpus', /1-256/],
  ['8 MiB of memory', () => checkMemory(8), 'memory_mib', /outside 16-/],
  ['zero disk', () => checkDisk(0), 'disk_gib', /outside 1-/],
  ['MAC with a bad octet', () => normaliseMac('52:54:00:zz:00:01'), 'mac', /not a MAC address/],
  ['multicast MAC', () => normaliseMac('01:00:5e:00:00:01'), 'mac', /multicast/],
  ['all-zero MAC', () => normaliseMac('00:00:00:00:00:00'), 'mac', /all-zero/],
];

for (const [name, call, field, reason] of refusals) {
  test(`refused: ${name}`, () => {
    assert.throws(call, (e: Error) => e instanceof InvalidInputError && e.field === field && reason.test(e.message));
  });
}

test('accepted values come back normalised', () => {
  assert.equal(checkName('web-1'), 'web-1');
  assert.equal(checkName('a'.repeat(63)), 'a'.repeat(63));
  assert.equal(normaliseMac(' 52-54-00-AB-cd-01 '), '52:54:00:ab:cd:01');
});

test('generated MACs carry the 52:54:00 prefix and skip taken ones', () => {
  const sequence = [Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]), Buffer.from([0xab, 0xcd, 0xef])];
  const taken = new Set(['52:54:00:01:02:03']);
  assert.equal(
    generateMac(
      (m) => taken.has(m),
      () => sequence.shift()!,
    ),
    '52:54:00:ab:cd:ef',
  );
  assert.match(
    generateMac(() => false),
    /^52:54:00(:[0-9a-f]{2}){3}$/,
  );
});

describe('startedAtAfter (vm.proto Vm.start_time)', () => {
  const now = 5_000;
  const at = (state: ActualState, startedAt: number | null) => ({ state, startedAt });
  test('set when the guest begins to run', () => {
    assert.equal(startedAtAfter(at('starting', null), 'running', now), now);
    assert.equal(startedAtAfter(at('stopped', null), 'running', now), now);
    assert.equal(startedAtAfter(at('crashed', 1_000), 'running', now), now);
  });
  test('kept across a pause, a resume and a stop under way', () => {
    assert.equal(startedAtAfter(at('running', 1_000), 'paused', now), 1_000);
    assert.equal(startedAtAfter(at('paused', 1_000), 'running', now), 1_000);
    assert.equal(startedAtAfter(at('running', 1_000), 'stopping', now), 1_000);
    assert.equal(startedAtAfter(at('stopping', 1_000), 'running', now), 1_000);
  });
  test('a VM taken over running without a stored start gets now', () => {
    assert.equal(startedAtAfter(at('running', null), 'running', now), now);
  });
  test('cleared once QEMU is gone or coming up again', () => {
    assert.equal(startedAtAfter(at('running', 1_000), 'stopped', now), null);
    assert.equal(startedAtAfter(at('stopping', 1_000), 'crashed', now), null);
    assert.equal(startedAtAfter(at('stopped', null), 'starting', now), null);
  });
});
