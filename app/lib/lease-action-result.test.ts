import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { reservationFailure } from './lease-action-result.ts';

function failure(code: grpc.status, details: string, field?: string) {
  const metadata = new grpc.Metadata();
  if (field) metadata.set('homeplane-invalid-field', field);
  return { code, details, message: details, metadata };
}
const at = { leaseAddress: '10.123.0.57', address: '10.123.0.58' };

test('an invalid address is shown at the address field, in words', () => {
  const result = reservationFailure(
    failure(
      grpc.status.INVALID_ARGUMENT,
      'address: 10.9.9.9 is not a host address of any configured subnet',
      'address',
    ),
    at,
  );
  assert.deepEqual(result, {
    ok: false,
    field: 'address',
    message: '10.9.9.9 is not a host address of any configured subnet.',
  });
});

test('a bad host name goes to the host name field', () => {
  const result = reservationFailure(
    failure(grpc.status.INVALID_ARGUMENT, 'hostname: too long', 'reservation.hostname'),
    at,
  );
  assert.equal(result.field, 'hostname');
  assert.equal(result.message, 'Too long.');
});

test('an address taken by another reservation or lease is an address error; a client already reserved is not', () => {
  const taken = reservationFailure(
    failure(grpc.status.FAILED_PRECONDITION, 'address 10.123.0.58 is already reserved by reservation "r7" (api)'),
    at,
  );
  assert.equal(taken.field, 'address');
  const client = reservationFailure(
    failure(grpc.status.FAILED_PRECONDITION, 'MAC 52:54:00:aa:bb:cc is already reserved by reservation "r2" (config)'),
    at,
  );
  assert.equal(client.field, null);
  assert.match(client.message, /^This client already has a reservation: MAC/);
});
