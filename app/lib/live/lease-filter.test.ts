import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOrder,
  indexLease,
  leaseComparator,
  leaseMatcher,
  macNeedle,
  type LeaseFilter,
  type SortColumn,
} from './lease-filter.ts';
import type { LeaseRow } from './types.ts';

const row: LeaseRow = {
  address: '10.123.0.57',
  subnet: '10.123.0.0/24',
  hwAddress: '00:11:32:aa:bb:cc',
  vendor: 'Synology Incorporated',
  clientId: '01001132aabbcc',
  hostname: 'NAS',
  fqdn: 'nas.lab.home',
  state: 'active',
  startsAt: null,
  expiresAt: null,
};
const all: LeaseFilter = { query: '', state: null, subnet: null };

describe('leaseMatcher: one search box', () => {
  const cases: [string, string, boolean][] = [
    ['empty query', '', true],
    ['address part', '0.57', true],
    ['whole address', '10.123.0.57', true],
    ['MAC, colons, lower case', '00:11:32:aa:bb:cc', true],
    ['MAC, dashes, upper case', '00-11-32-AA-BB-CC', true],
    ['MAC, Cisco dotted', '0011.32aa.bbcc', true],
    ['MAC, bare hex', '001132AABBCC', true],
    ['MAC, partial with colons', 'aa:bb', true],
    ['MAC, partial across octets in another notation', '32-aa-b', true],
    ['MAC, partial Cisco', '32aa.bb', true],
    ['MAC, partial bare hex', 'aabbcc', true],
    ['host name, any case', 'nas', true],
    ['FQDN', 'lab.home', true],
    ['vendor', 'synology', true],
    ['surrounding blanks are ignored', '  nas ', true],
    ['a MAC this lease does not have', 'aa:bb:cc:dd', false],
    ['no field has it', 'printer', false],
    ['an address that only shares digits with the MAC', '11.32', false],
  ];
  for (const [name, query, expected] of cases)
    test(name, () => assert.equal(leaseMatcher({ ...all, query })(indexLease(row, false)), expected));

  test('state and subnet filters combine with the query', () => {
    const lease = indexLease(row, false);
    assert.equal(leaseMatcher({ ...all, state: 'active' })(lease), true);
    assert.equal(leaseMatcher({ ...all, state: 'released' })(lease), false);
    assert.equal(leaseMatcher({ ...all, subnet: '10.123.0.0/24', query: 'nas' })(lease), true);
    assert.equal(leaseMatcher({ ...all, subnet: '10.124.0.0/24' })(lease), false);
  });
});

test('macNeedle reads each notation, and leaves addresses and words alone', () => {
  assert.equal(macNeedle('AA:BB:CC'), 'aabbcc');
  assert.equal(macNeedle('aa-bb-'), 'aabb');
  assert.equal(macNeedle('aabb.ccdd.eeff'), 'aabbccddeeff');
  assert.equal(macNeedle('aabb.cc'), 'aabbcc');
  assert.equal(macNeedle('beef'), 'beef');
  assert.equal(macNeedle('10.123.0.5'), null);
  assert.equal(macNeedle('10.123'), null);
  assert.equal(macNeedle('nas'), null);
  assert.equal(macNeedle('a'), null);
});

describe('leaseComparator', () => {
  const lease = (address: string, extra: Partial<LeaseRow> = {}) => indexLease({ ...row, address, ...extra }, false);
  const sorted = (column: SortColumn, descending: boolean, leases: ReturnType<typeof lease>[]) =>
    [...leases].sort(leaseComparator({ column, descending })).map((l) => l.row.address);

  test('addresses sort numerically, not as text', () => {
    const leases = ['10.123.0.20', '10.123.0.100', '10.123.0.3', '9.255.255.255', '10.2.0.1'].map((a) => lease(a));
    assert.deepEqual(sorted('address', false, leases), [
      '9.255.255.255',
      '10.2.0.1',
      '10.123.0.3',
      '10.123.0.20',
      '10.123.0.100',
    ]);
    assert.deepEqual(sorted('address', true, leases)[0], '10.123.0.100');
    assert.equal(addressOrder('not an address'), Number.MAX_SAFE_INTEGER);
    assert.equal(addressOrder('10.123..1'), Number.MAX_SAFE_INTEGER);
  });

  test('ties on the column fall back to the address, so the order is total', () => {
    const leases = [
      lease('10.0.0.9', { hostname: 'b' }),
      lease('10.0.0.10', { hostname: 'a' }),
      lease('10.0.0.2', { hostname: 'b' }),
    ];
    assert.deepEqual(sorted('hostname', false, leases), ['10.0.0.10', '10.0.0.2', '10.0.0.9']);
    assert.deepEqual(sorted('hostname', true, leases), ['10.0.0.2', '10.0.0.9', '10.0.0.10']);
  });

  test('leases without a host name or a time sort after the others', () => {
    const leases = [
      lease('10.0.0.1', { hostname: '', expiresAt: null }),
      lease('10.0.0.2', { hostname: 'z', expiresAt: 5 }),
    ];
    assert.deepEqual(sorted('hostname', false, leases), ['10.0.0.2', '10.0.0.1']);
    assert.deepEqual(sorted('expires', false, leases), ['10.0.0.2', '10.0.0.1']);
  });

  test('state sorts in lifecycle order, reserved first', () => {
    const leases = [
      lease('10.0.0.1', { state: 'expired' }),
      lease('10.0.0.2', { state: 'active' }),
      indexLease({ ...row, address: '10.0.0.3', state: 'released' }, true),
    ];
    assert.deepEqual(sorted('state', false, leases), ['10.0.0.2', '10.0.0.3', '10.0.0.1']);
    assert.deepEqual(sorted('reserved', false, leases)[0], '10.0.0.3');
  });
});
