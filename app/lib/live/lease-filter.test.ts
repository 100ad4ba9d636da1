import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countByState, matchesLease } from './lease-filter.ts';
import type { LeaseRow } from './types.ts';

const row: LeaseRow = {
  address: '10.123.0.57',
  subnet: '10.123.0.0/24',
  hwAddress: '52:54:00:AA:bb:cc',
  clientId: '01525400aabbcc',
  hostname: 'NAS',
  fqdn: 'nas.lab.home',
  state: 'active',
  startsAt: null,
  expiresAt: null,
};

describe('matchesLease', () => {
  const cases: [string, string, LeaseRow['state'] | null, boolean][] = [
    ['empty filter', '', null, true],
    ['address part', '0.57', null, true],
    ['MAC, any case', 'aa:BB', null, true],
    ['hostname, any case', 'nas', null, true],
    ['FQDN', 'lab.home', null, true],
    ['client id', '5400aab', null, true],
    ['surrounding blanks are ignored', '  nas ', null, true],
    ['no field has it', 'printer', null, false],
    ['state matches', '', 'active', true],
    ['state differs', 'nas', 'released', false],
  ];
  for (const [name, query, state, expected] of cases)
    test(name, () => assert.equal(matchesLease(row, { query, state }), expected));
});

test('countByState counts each state', () => {
  const counts = countByState([row, { ...row, state: 'released' }, { ...row, state: 'released' }]);
  assert.equal(counts.get('active'), 1);
  assert.equal(counts.get('released'), 2);
  assert.equal(counts.get('expired'), undefined);
});
