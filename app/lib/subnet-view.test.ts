import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSubnetView } from './subnet-convert.ts';
import { countAddresses, formatLeaseTime, poolUsage } from './subnet-view.ts';

test('pool usage: what is not free is taken', () => {
  assert.deepEqual(poolUsage({ poolSize: 100, free: 100 }), { taken: 0, percent: 0, level: 'ok' });
  assert.deepEqual(poolUsage({ poolSize: 100, free: 75 }), { taken: 25, percent: 25, level: 'ok' });
  assert.deepEqual(poolUsage({ poolSize: 100, free: 20 }), { taken: 80, percent: 80, level: 'high' });
  assert.deepEqual(poolUsage({ poolSize: 200, free: 1 }), { taken: 199, percent: 99, level: 'high' });
  assert.deepEqual(poolUsage({ poolSize: 100, free: 0 }), { taken: 100, percent: 100, level: 'full' });
  assert.deepEqual(poolUsage({ poolSize: 0, free: 0 }), { taken: 0, percent: 0, level: 'ok' });
});

test('lease times read as a person says them', () => {
  assert.equal(formatLeaseTime(45), '45 s');
  assert.equal(formatLeaseTime(3600), '1 h');
  assert.equal(formatLeaseTime(5400), '1 h 30 min');
  assert.equal(formatLeaseTime(86_400 + 43_200), '1 d 12 h');
});

test('address counts', () => {
  assert.equal(countAddresses(1), '1 address');
  assert.equal(countAddresses(65_534), '65,534 addresses');
});

test('toSubnetView takes the counts and sizes each pool', () => {
  const view = toSubnetView({
    subnet: '10.123.0.0/24',
    pools: [
      { start: '10.123.0.100', end: '10.123.0.199' },
      { start: '10.123.0.250', end: '10.123.0.250' },
    ],
    routers: ['10.123.0.1'],
    dnsServers: ['10.123.0.1', '1.1.1.1'],
    domainName: 'lab.home',
    leaseSeconds: 3600,
    poolSize: 101,
    addressesInUse: 3,
    declined: 1,
    free: 96,
    reservations: 2,
    options: [],
    nextServer: '',
    bootFile: '',
    serverHostname: '',
  });
  assert.deepEqual(
    view.pools.map((p) => p.size),
    [100, 1],
  );
  assert.equal(view.inUse, 3);
  assert.equal(view.free, 96);
  assert.equal(view.reservations, 2);
});
