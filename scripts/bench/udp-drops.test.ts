import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropsBetween, parseUdpRcvbufErrors, raiseDefaultReceiveBuffer } from './udp-drops.ts';

// As Linux 6.x prints it: the Udp header line, then its values, among the other protocols'.
const SNMP = [
  'Icmp: InMsgs InErrors',
  'Icmp: 3 0',
  'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
  'Udp: 736326 0 7835 736100 7834 0 1 0 0',
  'UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
  'UdpLite: 0 0 0 0 99 0 0 0 0',
  '',
].join('\n');

test('parseUdpRcvbufErrors takes the Udp line RcvbufErrors column, not UdpLite or InErrors', () => {
  assert.equal(parseUdpRcvbufErrors(SNMP), 7834);
});

test('parseUdpRcvbufErrors reads this machine /proc/net/snmp', () => {
  const value = parseUdpRcvbufErrors(readFileSync('/proc/net/snmp', 'utf8'));
  assert.ok(Number.isInteger(value) && value >= 0, `RcvbufErrors ${value}`);
});

test('parseUdpRcvbufErrors refuses text without the Udp counters', () => {
  assert.throws(() => parseUdpRcvbufErrors('Ip: Forwarding\nIp: 1\n'), /no Udp header/);
  assert.throws(() => parseUdpRcvbufErrors('Udp: InDatagrams NoPorts\nUdp: 1 2\n'), /no Udp RcvbufErrors value/);
});

test('dropsBetween: each side counted from its own before reading', () => {
  assert.deepEqual(dropsBetween({ server: 10, generator: 100 }, { server: 12, generator: 175 }), {
    server: 2,
    generator: 75,
  });
});

/** A stand-in for rmem_default holding `content`, removed after the test. */
function rmemFile(t: TestContext, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmem-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rmem_default');
  writeFileSync(file, content);
  return file;
}

test('raiseDefaultReceiveBuffer raises a smaller default and restore puts it back, once', (t) => {
  const file = rmemFile(t, '212992\n');
  const raised = raiseDefaultReceiveBuffer(1_048_576, file);
  assert.deepEqual([raised.from, raised.to], [212_992, 1_048_576]);
  assert.equal(readFileSync(file, 'utf8'), '1048576');
  raised.restore();
  assert.equal(readFileSync(file, 'utf8'), '212992');
  writeFileSync(file, '4194304\n'); // someone else changed it since: a second restore leaves it
  raised.restore();
  assert.equal(readFileSync(file, 'utf8'), '4194304\n');
});

test('raiseDefaultReceiveBuffer leaves a default that is already large enough', (t) => {
  const file = rmemFile(t, '4194304\n');
  const kept = raiseDefaultReceiveBuffer(1_048_576, file);
  assert.deepEqual([kept.from, kept.to], [4_194_304, 4_194_304]);
  kept.restore();
  assert.equal(readFileSync(file, 'utf8'), '4194304\n');
  writeFileSync(file, 'many\n');
  assert.throws(() => raiseDefaultReceiveBuffer(1_048_576, file), /does not hold a whole number/);
});
