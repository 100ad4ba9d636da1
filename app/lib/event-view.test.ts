import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kindLabel, matchesKind, parseKindFilter, toEventEntry } from './event-view.ts';
import type { LeaseRow, LiveEvent } from './live/types.ts';
import type { ReservationView } from './reservation-view.ts';

const lease: LeaseRow = {
  address: '10.123.0.150',
  subnet: '10.123.0.0/24',
  hwAddress: '52:54:00:00:00:01',
  vendor: '',
  clientId: '',
  hostname: 'laptop',
  fqdn: '',
  state: 'active',
  startsAt: null,
  expiresAt: null,
};
const reservation: ReservationView = {
  id: '7',
  subnet: '10.123.0.0/24',
  mac: '52:54:00:aa:bb:cc',
  clientId: '',
  address: '10.123.0.10',
  hostname: 'nas',
  source: 'api',
  options: [],
  nextServer: '',
  bootFile: '',
  serverHostname: '',
};
const at = (kind: string, object: Partial<LiveEvent>): LiveEvent => ({ revision: 9, time: 1_000, kind, ...object });

describe('toEventEntry', () => {
  const cases: [string, LiveEvent, string, string | null][] = [
    [
      'a grant',
      at('lease.granted', { lease }),
      '10.123.0.150 granted to 52:54:00:00:00:01 (laptop)',
      '/leases?q=10.123.0.150',
    ],
    [
      'a release by a client without a host name',
      at('lease.released', { lease: { ...lease, hostname: '' } }),
      '10.123.0.150 released by 52:54:00:00:00:01',
      '/leases?q=10.123.0.150',
    ],
    [
      'an expiry',
      at('lease.expired', { lease }),
      '10.123.0.150 expired (52:54:00:00:00:01 (laptop))',
      '/leases?q=10.123.0.150',
    ],
    [
      'a new reservation links to its row',
      at('reservation.created', { reservation }),
      'Reservation of 10.123.0.10 for 52:54:00:aa:bb:cc (nas) created',
      '/reservations#7',
    ],
    [
      'a reservation by client id',
      at('reservation.updated', { reservation: { ...reservation, mac: '', clientId: '0102', hostname: '' } }),
      'Reservation of 10.123.0.10 for client id 0102 changed',
      '/reservations#7',
    ],
    [
      'a deleted reservation links to the lease of its address',
      at('reservation.deleted', { reservation }),
      'Reservation of 10.123.0.10 for 52:54:00:aa:bb:cc (nas) deleted',
      '/leases?q=10.123.0.10',
    ],
    [
      'a VM state change, from proto JSON',
      at('vm.state_changed', { vm: { id: 'a', name: 'web', state: 'VM_STATE_RUNNING' } }),
      'VM web is running',
      '/vms/a',
    ],
    [
      'a VM address links to its lease',
      at('vm.address_assigned', { vm: { id: 'a', name: 'web', address: '10.123.0.120' } }),
      'VM web got address 10.123.0.120',
      '/leases?q=10.123.0.120',
    ],
    ['a host', at('host.updated', { host: { id: 'h', hostname: 'pve' } }), 'Host pve: facts changed', '/hosts'],
    ['a kind from a newer daemon', at('backup.finished', {}), 'backup.finished', null],
  ];
  for (const [name, event, summary, href] of cases)
    test(name, () => {
      const entry = toEventEntry(event);
      assert.equal(entry.summary, summary);
      assert.equal(entry.link?.href ?? null, href);
      assert.equal(entry.revision, 9);
    });

  test('an event missing its object still gets a row', () => {
    assert.equal(toEventEntry(at('lease.granted', {})).summary, 'Lease granted');
    assert.equal(toEventEntry(at('reservation.created', { reservation: { id: '7' } })).link, null);
  });
});

describe('the kind filter', () => {
  test('matches an object type or one kind', () => {
    assert.equal(matchesKind('lease.granted', ''), true);
    assert.equal(matchesKind('lease.granted', 'lease'), true);
    assert.equal(matchesKind('lease.granted', 'lease.granted'), true);
    assert.equal(matchesKind('lease.renewed', 'lease.granted'), false);
    assert.equal(matchesKind('reservation.created', 'lease'), false);
    assert.equal(matchesKind('leasex.granted', 'lease'), false);
  });

  test('from the URL only known types and kinds; anything else means every event', () => {
    assert.equal(parseKindFilter('lease'), 'lease');
    assert.equal(parseKindFilter('vm.state_changed'), 'vm.state_changed');
    assert.equal(parseKindFilter(' reservation '), 'reservation');
    assert.equal(parseKindFilter('lease.exploded'), '');
    assert.equal(parseKindFilter('lease.granted.x'), '');
    assert.equal(parseKindFilter('nonsense'), '');
    assert.equal(parseKindFilter(['lease', 'vm']), '');
    assert.equal(parseKindFilter(undefined), '');
  });

  test('labels', () => {
    assert.equal(kindLabel('lease'), 'Leases');
    assert.equal(kindLabel('lease.granted'), 'Lease granted');
    assert.equal(kindLabel('vm.state_changed'), 'VM state changed');
  });
});
