import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { doubleGrants, missingLeases, type StoredLease } from './dhcp-lease-audit.ts';
import type { AckSeen } from './dhcp-client-swarm.ts';

function ack(address: string, mac: string, receivedAt: number, leaseSeconds = 60): AckSeen {
  return {
    address,
    mac,
    clientId: `01${mac.replaceAll(':', '')}`,
    leaseSeconds,
    receivedAt,
    offeredAt: receivedAt - 1,
  };
}

function row(a: AckSeen, changes: Partial<StoredLease> = {}): [string, StoredLease] {
  return [a.address, { address: a.address, hwAddress: a.mac, clientId: a.clientId, state: 'active', ...changes }];
}

describe('doubleGrants', () => {
  const cases: { name: string; acks: AckSeen[]; found: number }[] = [
    {
      name: 'distinct addresses',
      acks: [ack('10.0.0.1', '02:00:00:00:00:01', 0), ack('10.0.0.2', '02:00:00:00:00:02', 0)],
      found: 0,
    },
    {
      name: 'one client ACKed twice (a retransmitted REQUEST)',
      acks: [ack('10.0.0.1', '02:00:00:00:00:01', 0), ack('10.0.0.1', '02:00:00:00:00:01', 500)],
      found: 0,
    },
    {
      name: 'two clients, overlapping leases',
      acks: [ack('10.0.0.1', '02:00:00:00:00:01', 0), ack('10.0.0.1', '02:00:00:00:00:02', 59_999)],
      found: 1,
    },
    {
      name: 'two clients, the first lease over',
      acks: [ack('10.0.0.1', '02:00:00:00:00:01', 0), ack('10.0.0.1', '02:00:00:00:00:02', 60_000)],
      found: 0,
    },
    {
      name: 'same MAC, another client-id',
      acks: [
        ack('10.0.0.1', '02:00:00:00:00:01', 0),
        { ...ack('10.0.0.1', '02:00:00:00:00:01', 10), clientId: 'ff01' },
      ],
      found: 1,
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(doubleGrants(c.acks).length, c.found));
  }
});

describe('missingLeases', () => {
  const a = ack('10.0.0.1', '02:00:00:00:00:01', 0);
  test('a stored, active row for the client passes', () => {
    assert.deepEqual(missingLeases([a], new Map([row(a)])), []);
  });
  test('no row, another client, or not active: each reported', () => {
    assert.equal(missingLeases([a], new Map()).length, 1);
    assert.equal(missingLeases([a], new Map([row(a, { hwAddress: '02:00:00:00:00:09' })])).length, 1);
    assert.equal(missingLeases([a], new Map([row(a, { clientId: null })])).length, 1);
    assert.equal(missingLeases([a], new Map([row(a, { state: 'released' })])).length, 1);
  });
});
