import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePerfdhcp, parseTimes, perfdhcpArgs, PerfdhcpError } from './dhcp-perfdhcp.ts';

/** perfdhcp 2.2's final report for a step Kea answered (trimmed of the rate lines). */
const ANSWERED = `Running: perfdhcp -r 1000 -p 3 -R 1000000 -l 10.64.0.2 10.64.0.1
Scenario: basic.
Multi-thread mode enabled.
***Rate statistics***
Rate: 999.438 4-way exchanges/second, expected rate: 1000

***Malformed Packets***
Malformed packets: 0
***Statistics for: DISCOVER-OFFER***
sent packets: 2999
received packets: 2998
drops: 1
drops ratio: 0.0333 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.088 ms
avg delay: 0.156 ms
max delay: 3.850 ms
std deviation: 0.076 ms
collected packets: 0

***Statistics for: REQUEST-ACK***
sent packets: 2998
received packets: 2990
drops: 8
drops ratio: 0.267 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.087 ms
avg delay: 0.172 ms
max delay: 2.609 ms
std deviation: 0.081 ms
collected packets: 0
`;

/** The same when nothing answered: perfdhcp prints n/a (and a garbled "avg delay: min delay:" line). */
const SILENT = `***Statistics for: DISCOVER-OFFER***
sent packets: 2999
received packets: 0
drops: 2999
drops ratio: 100 %

min delay: inf ms
avg delay: min delay: n/a
avg delay: n/a
max delay: n/a
std deviation: n/a
collected packets: 0

***Statistics for: REQUEST-ACK***
sent packets: 0
received packets: 0
drops: 0
drops ratio: -nan %

min delay: inf ms
avg delay: min delay: n/a
avg delay: n/a
max delay: n/a
`;

describe('parsePerfdhcp', () => {
  test('reads both exchanges of an answered step', () => {
    assert.deepEqual(parsePerfdhcp(ANSWERED), {
      discoverOffer: { sent: 2999, received: 2998, drops: 1, avgDelayMs: 0.156, maxDelayMs: 3.85 },
      requestAck: { sent: 2998, received: 2990, drops: 8, avgDelayMs: 0.172, maxDelayMs: 2.609 },
    });
  });
  test('delays are null when nothing was received', () => {
    const report = parsePerfdhcp(SILENT);
    assert.deepEqual(report.discoverOffer, {
      sent: 2999,
      received: 0,
      drops: 2999,
      avgDelayMs: null,
      maxDelayMs: null,
    });
    assert.equal(report.requestAck.sent, 0);
  });
  test('output without statistics is an error naming what is missing', () => {
    assert.throws(
      () => parsePerfdhcp('Error initializing test: cannot bind'),
      (err: unknown) => err instanceof PerfdhcpError && /DISCOVER-OFFER/.test(err.message),
    );
  });
});

test('perfdhcpArgs: rate, period, clients, relay address and server; base MAC only when given', () => {
  const step = { rate: 4000, seconds: 10, clients: 80000, server: '10.64.0.1', localAddress: '10.64.0.2' };
  assert.deepEqual(perfdhcpArgs(step), ['-4', '-r', '4000', '-p', '10', '-R', '80000', '-l', '10.64.0.2', '10.64.0.1']);
  assert.deepEqual(perfdhcpArgs({ ...step, baseMac: '00:0c:02:00:00:00' }).slice(-3), [
    '-b',
    'mac=00:0c:02:00:00:00',
    '10.64.0.1',
  ]);
});

test("parseTimes: the children's user + system time from the shell's `times`, minutes included", () => {
  assert.equal(parseTimes('0m0.001000s 0m0.002000s\n0m5.230000s 0m1.250000s\n'), 6.48);
  assert.equal(parseTimes('0m0.00s 0m0.00s\n1m2.5s 0m0.5s'), 63);
  assert.throws(() => parseTimes('sh: times: not found'), PerfdhcpError);
});
