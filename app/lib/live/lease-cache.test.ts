import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FADE_MS, LeaseCache, type LeaseListing, type ReservationPin } from './lease-cache.ts';
import type { LeaseFilter, LeaseSort } from './lease-filter.ts';
import type { LeaseRow, LeaseStateName, StreamMessage } from './types.ts';

function lease(address: string, state: LeaseStateName = 'active', hostname = ''): LeaseRow {
  return {
    address,
    subnet: '10.123.0.0/24',
    hwAddress: '52:54:00:00:00:01',
    vendor: '',
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
const reservationEvent = (
  revision: number,
  pin: Partial<ReservationPin>,
  kind = 'reservation.created',
): StreamMessage => ({
  type: 'event',
  event: { revision, time: null, kind, reservation: pin },
});
const ALL: LeaseFilter = { query: '', state: null, subnet: null };
const BY_ADDRESS: LeaseSort = { column: 'address', descending: false };
const listing = (leases: LeaseRow[], revision: number, reservations: ReservationPin[] = []): LeaseListing => ({
  leases,
  leaseRevision: revision,
  reservations,
  reservationRevision: revision,
});
const shown = (cache: LeaseCache) => cache.order.view().map((c) => `${c.row.address}:${c.row.state}`);

describe('LeaseCache', () => {
  test('live events insert or replace by address, keep the order and advance the revision', () => {
    const cache = new LeaseCache(listing([lease('10.123.0.100')], 5), ALL, BY_ADDRESS);
    assert.equal(cache.apply(event(6, lease('10.123.0.11')), 1), true);
    assert.equal(cache.apply(event(7, lease('10.123.0.100', 'released'), 'lease.released'), 2), true);
    assert.deepEqual(shown(cache), ['10.123.0.11:active', '10.123.0.100:released']);
    assert.equal(cache.revision, 7);
    assert.equal(cache.get('10.123.0.100')!.changes, 1);
    assert.equal(cache.get('10.123.0.100')!.changedAt, 2);
    assert.equal(cache.countOf('active'), 1);
    assert.equal(cache.countOf('released'), 1);
  });

  test('lease.deleted fades the row out, then sweep() removes it', () => {
    const cache = new LeaseCache(listing([lease('10.123.0.100'), lease('10.123.0.101')], 1), ALL, BY_ADDRESS);
    assert.equal(cache.apply(event(2, lease('10.123.0.100', 'expired'), 'lease.deleted'), 1000), true);
    assert.equal(cache.size, 1);
    assert.equal(cache.countOf('active'), 1);
    assert.equal(cache.order.at(0)!.removedAt, 1000, 'still listed, marked as fading');
    assert.equal(cache.sweep(1000 + FADE_MS - 1), false);
    assert.equal(cache.sweep(1000 + FADE_MS), true);
    assert.deepEqual(shown(cache), ['10.123.0.101:active']);
  });

  test('a lease granted again while fading comes back at once', () => {
    const cache = new LeaseCache(listing([lease('10.123.0.100')], 1), ALL, BY_ADDRESS);
    cache.apply(event(2, lease('10.123.0.100'), 'lease.deleted'), 0);
    cache.apply(event(3, lease('10.123.0.100', 'active', 'back')), 10);
    assert.equal(cache.order.length, 1);
    assert.equal(cache.order.at(0)!.removedAt, null);
    cache.sweep(FADE_MS * 2);
    assert.deepEqual(shown(cache), ['10.123.0.100:active']);
  });

  test('an event at or below the revision a row reflects is already in and is ignored', () => {
    const cache = new LeaseCache(listing([lease('10.123.0.100', 'released')], 9), ALL, BY_ADDRESS);
    assert.equal(cache.apply(event(9, lease('10.123.0.100', 'active')), 0), false);
    assert.deepEqual(shown(cache), ['10.123.0.100:released']);
  });

  test('a later page never puts an older row over a newer event, nor an event over a newer page', () => {
    // First page at revision 10; the stream replays from there.
    const cache = new LeaseCache(listing([lease('10.123.0.1')], 10), ALL, BY_ADDRESS);
    cache.apply(event(12, lease('10.123.0.200', 'released'), 'lease.released'), 0);
    // The second page was read at revision 11: its copy of .200 is older than the event.
    assert.equal(cache.addPage([lease('10.123.0.200', 'active'), lease('10.123.0.150')], 11), true);
    // A third page read at revision 20 holds .250 as it is at 20; the replayed event 15 is older.
    cache.addPage([lease('10.123.0.250', 'expired')], 20);
    assert.equal(cache.apply(event(15, lease('10.123.0.250', 'active')), 0), false);
    assert.deepEqual(shown(cache), [
      '10.123.0.1:active',
      '10.123.0.150:active',
      '10.123.0.200:released',
      '10.123.0.250:expired',
    ]);
    assert.equal(cache.order.at(1)!.changes, 0, 'rows from a page are not highlighted');
  });

  test('a page cannot bring back a lease deleted after it was read', () => {
    const cache = new LeaseCache(listing([], 10), ALL, BY_ADDRESS);
    cache.apply(event(11, lease('10.123.0.7')), 0);
    cache.apply(event(13, lease('10.123.0.7'), 'lease.deleted'), 0);
    cache.addPage([lease('10.123.0.7')], 12);
    assert.equal(cache.size, 0);
  });

  test('kinds of other objects, and kinds not yet known, are ignored', () => {
    const cache = new LeaseCache(listing([], 1), ALL, BY_ADDRESS);
    assert.equal(cache.apply({ type: 'event', event: { revision: 3, time: null, kind: 'vm.created' } }, 0), false);
    assert.equal(cache.size, 0);
  });

  test('Reset keeps the old rows visible until Synced, then swaps in the snapshot, which is complete', () => {
    const cache = new LeaseCache(listing([lease('10.123.0.100'), lease('10.123.0.101')], 4), ALL, BY_ADDRESS);
    cache.apply({ type: 'reset' }, 0);
    assert.equal(cache.resyncing, true);
    assert.equal(cache.apply(event(0, lease('10.123.0.102'), 'lease.snapshot'), 0), false);
    assert.equal(cache.apply(event(0, lease('10.123.0.101', 'expired'), 'lease.snapshot'), 0), false);
    assert.deepEqual(shown(cache), ['10.123.0.100:active', '10.123.0.101:active']);
    assert.equal(cache.revision, 4, 'snapshot events do not move the resume point');
    assert.equal(cache.apply({ type: 'synced', revision: 20 }, 0), true);
    assert.equal(cache.resyncing, false);
    assert.equal(cache.complete, true);
    assert.deepEqual(shown(cache), ['10.123.0.101:expired', '10.123.0.102:active']);
    assert.equal(cache.revision, 20);
    assert.equal(cache.addPage([lease('10.123.0.5')], 30), false, 'no page is read after a snapshot');
    assert.equal(cache.apply(event(21, lease('10.123.0.103')), 0), true);
    assert.equal(cache.size, 3);
  });

  test('Synced may lower the revision (the daemon got a new database)', () => {
    const cache = new LeaseCache(listing([lease('10.123.0.100')], 500), ALL, BY_ADDRESS);
    cache.apply({ type: 'reset' }, 0);
    cache.apply({ type: 'synced', revision: 3 }, 0);
    assert.equal(cache.size, 0);
    assert.equal(cache.revision, 3);
    assert.equal(cache.apply(event(4, lease('10.123.0.150')), 0), true);
  });

  test('reservations make a lease reserved, live, in both directions', () => {
    const pin: ReservationPin = { id: 'r1', address: '10.123.0.100', mac: '52:54:00:00:00:01', clientId: '' };
    const cache = new LeaseCache(listing([lease('10.123.0.100'), lease('10.123.0.101')], 5, [pin]), ALL, BY_ADDRESS);
    assert.equal(cache.get('10.123.0.100')!.reserved, true);
    assert.equal(cache.get('10.123.0.101')!.reserved, false);
    // A reservation of another client's MAC at .101 does not make .101's lease reserved.
    assert.equal(
      cache.apply(reservationEvent(6, { id: 'r2', address: '10.123.0.101', mac: 'aa:aa:aa:aa:aa:aa' }), 0),
      false,
    );
    assert.equal(cache.get('10.123.0.101')!.reserved, false);
    assert.equal(
      cache.apply(
        reservationEvent(7, { id: 'r2', address: '10.123.0.101', mac: '52:54:00:00:00:01' }, 'reservation.updated'),
        9,
      ),
      true,
    );
    assert.equal(cache.get('10.123.0.101')!.reserved, true);
    assert.equal(cache.get('10.123.0.101')!.changedAt, 9);
    assert.equal(
      cache.apply(reservationEvent(8, { id: 'r1', address: '10.123.0.100' }, 'reservation.deleted'), 0),
      true,
    );
    assert.equal(cache.get('10.123.0.100')!.reserved, false);
  });

  test('a new view re-places the rows; counts per state and subnet follow every change', () => {
    const other = { ...lease('10.124.0.5', 'released', 'b'), subnet: '10.124.0.0/24' };
    const cache = new LeaseCache(listing([lease('10.123.0.9', 'active', 'a'), other], 1), ALL, BY_ADDRESS);
    cache.setView({ ...ALL, state: 'released' }, BY_ADDRESS);
    assert.deepEqual(shown(cache), ['10.124.0.5:released']);
    cache.apply(event(2, lease('10.123.0.9', 'released', 'a'), 'lease.released'), 0);
    cache.setView({ ...ALL, state: 'released' }, { column: 'hostname', descending: true });
    assert.deepEqual(shown(cache), ['10.124.0.5:released', '10.123.0.9:released']);
    assert.equal(cache.countOf('released'), 2);
    assert.equal(cache.countOf('active'), 0);
    assert.deepEqual([...cache.subnetCounts()].sort(), [
      ['10.123.0.0/24', 1],
      ['10.124.0.0/24', 1],
    ]);
  });
});
