import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOrder, LeaseCache } from './lease-cache.ts';
import { ObjectCache, OBJECT_TYPES } from './object-cache.ts';
import type { LeaseRow, LeaseStateName, StreamMessage } from './types.ts';

function lease(address: string, state: LeaseStateName = 'active', hostname = ''): LeaseRow {
  return {
    address,
    subnet: '10.123.0.0/24',
    hwAddress: '52:54:00:00:00:01',
    clientId: '',
    hostname,
    fqdn: '',
    state,
    startsAt: null,
    expiresAt: null,
  };
}
const event = (revision: number, row: LeaseRow, kind = 'lease.granted'): StreamMessage => ({
  type: 'event',
  event: { revision, time: null, kind, lease: row },
});
const addresses = (cache: LeaseCache) => cache.sorted().map((c) => `${c.row.address}:${c.row.state}`);

describe('LeaseCache', () => {
  test('live events insert or replace by address and advance the revision', () => {
    const cache = new LeaseCache([lease('10.123.0.100')], 5);
    assert.equal(cache.apply(event(6, lease('10.123.0.101'))), true);
    assert.equal(cache.apply(event(7, lease('10.123.0.100', 'released'), 'lease.released')), true);
    assert.deepEqual(addresses(cache), ['10.123.0.100:released', '10.123.0.101:active']);
    assert.equal(cache.revision, 7);
    assert.equal(cache.sorted()[0]!.changes, 1);
  });

  test('lease.deleted removes the row', () => {
    const cache = new LeaseCache([lease('10.123.0.100'), lease('10.123.0.101')], 1);
    assert.equal(cache.apply(event(2, lease('10.123.0.100', 'expired'), 'lease.deleted')), true);
    assert.deepEqual(addresses(cache), ['10.123.0.101:active']);
    assert.equal(cache.revision, 2);
  });

  test('an event at or below the revision is already folded in and is ignored', () => {
    const cache = new LeaseCache([lease('10.123.0.100', 'released')], 9);
    assert.equal(cache.apply(event(9, lease('10.123.0.100', 'active'))), false);
    assert.deepEqual(addresses(cache), ['10.123.0.100:released']);
  });

  test('kinds of other objects, and kinds not yet known, are ignored', () => {
    const cache = new LeaseCache([], 1);
    assert.equal(
      cache.apply({ type: 'event', event: { revision: 2, time: null, kind: 'reservation.created', reservation: {} } }),
      false,
    );
    assert.equal(cache.apply({ type: 'event', event: { revision: 3, time: null, kind: 'vm.created' } }), false);
    assert.equal(cache.size, 0);
  });

  test('Reset keeps the old rows visible until Synced, then swaps in the snapshot', () => {
    const cache = new LeaseCache([lease('10.123.0.100'), lease('10.123.0.101')], 4);
    cache.apply({ type: 'reset' });
    assert.equal(cache.resyncing, true);
    assert.equal(cache.apply(event(0, lease('10.123.0.102'), 'lease.snapshot')), false);
    assert.equal(cache.apply(event(0, lease('10.123.0.101', 'expired'), 'lease.snapshot')), false);
    assert.deepEqual(addresses(cache), ['10.123.0.100:active', '10.123.0.101:active']);
    assert.equal(cache.revision, 4, 'snapshot events do not move the resume point');
    assert.equal(cache.apply({ type: 'synced', revision: 20 }), true);
    assert.equal(cache.resyncing, false);
    assert.deepEqual(addresses(cache), ['10.123.0.101:expired', '10.123.0.102:active']);
    assert.equal(cache.revision, 20);
    assert.equal(cache.apply(event(21, lease('10.123.0.103'))), true);
    assert.equal(cache.size, 3);
  });

  test('Synced may lower the revision (the daemon got a new database)', () => {
    const cache = new LeaseCache([lease('10.123.0.100')], 500);
    cache.apply({ type: 'reset' });
    cache.apply({ type: 'synced', revision: 3 });
    assert.equal(cache.size, 0);
    assert.equal(cache.revision, 3);
    assert.equal(cache.apply(event(4, lease('10.123.0.150'))), true);
  });

  test('bookmarks move the resume point forward only', () => {
    const cache = new LeaseCache([], 10);
    cache.apply({ type: 'bookmark', revision: 15 });
    cache.apply({ type: 'bookmark', revision: 12 });
    assert.equal(cache.revision, 15);
    assert.equal(cache.apply(event(14, lease('10.123.0.100'))), false);
  });

  test('rows sort by address numerically', () => {
    const cache = new LeaseCache(
      [lease('10.123.0.20'), lease('10.123.0.100'), lease('10.123.0.3'), lease('9.255.255.255')],
      0,
    );
    assert.deepEqual(
      cache.sorted().map((c) => c.row.address),
      ['9.255.255.255', '10.123.0.3', '10.123.0.20', '10.123.0.100'],
    );
    assert.equal(addressOrder('not an address'), Number.MAX_SAFE_INTEGER);
  });
});

describe('ObjectCache by id (reservations, VMs, hosts)', () => {
  const vmEvent = (revision: number, kind: string, id: string, name: string): StreamMessage => ({
    type: 'event',
    event: { revision, time: null, kind, vm: { id, name } },
  });

  test('VM events insert, replace and delete by id; other objects are ignored', () => {
    const cache = new ObjectCache(OBJECT_TYPES.vm, [], 0);
    assert.equal(cache.apply(vmEvent(1, 'vm.created', 'a', 'web')), true);
    assert.equal(cache.apply(vmEvent(2, 'vm.state_changed', 'a', 'web-running')), true);
    assert.equal(cache.apply(vmEvent(3, 'vm.created', 'b', 'db')), true);
    assert.equal(cache.apply(event(4, lease('10.123.0.100'))), false);
    assert.equal(cache.get('a')?.changes, 2);
    assert.equal((cache.get('a')?.row as unknown as { name: string }).name, 'web-running');
    assert.equal(cache.apply(vmEvent(5, 'vm.deleted', 'b', 'db')), true);
    assert.deepEqual(
      cache.rows().map((c) => c.row.id),
      ['a'],
    );
    assert.equal(cache.revision, 5);
  });

  test('hosts and reservations fold the same way, each by its own id', () => {
    const hosts = new ObjectCache(OBJECT_TYPES.host, [{ id: 'h1' }], 3);
    assert.equal(
      hosts.apply({ type: 'event', event: { revision: 4, time: null, kind: 'host.updated', host: { id: 'h1' } } }),
      true,
    );
    assert.equal(hosts.get('h1')?.changes, 1);
    const reservations = new ObjectCache(OBJECT_TYPES.reservation, [], 0);
    assert.equal(
      reservations.apply({
        type: 'event',
        event: { revision: 1, time: null, kind: 'reservation.created', reservation: { id: '7' } },
      }),
      true,
    );
    assert.equal(reservations.size, 1);
  });
});
