import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientOf,
  compareReservations,
  countReservations,
  isEditable,
  matchesReservation,
  readOnlyReason,
  type ReservationView,
} from './reservation-view.ts';

const r = (address: string, extra: Partial<ReservationView> = {}): ReservationView => ({
  id: address,
  subnet: '10.123.0.0/24',
  mac: '52:54:00:aa:bb:cc',
  clientId: '',
  address,
  hostname: 'NAS',
  source: 'api',
  options: [],
  nextServer: '',
  bootFile: '',
  serverHostname: '',
  ...extra,
});

test('only reservations made through the API are editable; the others say why not', () => {
  assert.equal(isEditable(r('10.123.0.1')), true);
  assert.equal(readOnlyReason(r('10.123.0.1')), null);
  assert.equal(isEditable(r('10.123.0.1', { source: 'config' })), false);
  assert.match(readOnlyReason(r('10.123.0.1', { source: 'config' }))!, /config file/);
  assert.match(readOnlyReason(r('10.123.0.1', { source: 'vm' }))!, /virtual machine/);
  assert.notEqual(readOnlyReason(r('10.123.0.1', { source: 'unknown' })), null);
});

test('reservations sort by address numerically', () => {
  const sorted = [r('10.123.0.100'), r('10.123.0.20'), r('10.123.0.3')].sort(compareReservations);
  assert.deepEqual(
    sorted.map((x) => x.address),
    ['10.123.0.3', '10.123.0.20', '10.123.0.100'],
  );
});

test('the filter looks at address, MAC, client id, host name and subnet, ignoring case', () => {
  assert.equal(matchesReservation(r('10.123.0.10'), ''), true);
  assert.equal(matchesReservation(r('10.123.0.10'), 'nas'), true);
  assert.equal(matchesReservation(r('10.123.0.10'), 'AA:BB'), true);
  assert.equal(matchesReservation(r('10.123.0.10'), ' 0.10 '), true);
  assert.equal(matchesReservation(r('10.123.0.10'), 'printer'), false);
});

test('clientOf says how the client is recognised', () => {
  assert.deepEqual(clientOf(r('10.123.0.10')), { by: 'mac', value: '52:54:00:aa:bb:cc' });
  assert.deepEqual(clientOf(r('10.123.0.10', { mac: '', clientId: '0102' })), { by: 'client-id', value: '0102' });
});

test('counts are plural unless one', () => {
  assert.equal(countReservations(0), '0 reservations');
  assert.equal(countReservations(1), '1 reservation');
  assert.equal(countReservations(2), '2 reservations');
});
