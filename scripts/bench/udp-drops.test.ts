import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dropsBetween, parseUdpRcvbufErrors } from './udp-drops.ts';

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
  assert.throws(
    () => parseUdpRcvbufErrors('Udp: InDatagrams NoPorts\nUdp: 1 2\n'),
    /no Udp RcvbufErrors value/,
  );
});

test('dropsBetween: each side counted from its own before reading', () => {
  assert.deepEqual(dropsBetween({ server: 10, generator: 100 }, { server: 12, generator: 175 }), {
    server: 2,
    generator: 75,
  });
});
