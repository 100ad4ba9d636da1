import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collidingReservationId, reservationErrors, type ReservationErrors } from './reservation-errors.ts';
import type { ReservationView } from './reservation-view.ts';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const UNAVAILABLE = 14;

// The daemon's own messages, as server/grpc/input.ts, config/names.ts and dhcp/admin-service.ts write them.
const cases: { name: string; code: number; details: string; field?: string; expected: ReservationErrors }[] = [
  {
    name: "an unknown option name goes to that row's option field, with the daemon's suggestion",
    code: INVALID_ARGUMENT,
    field: 'reservation.options[0].name',
    details:
      'reservation.options[0].name: "domain-name-server" is not an option name known here (did you mean "domain-name-servers"?)',
    expected: {
      'option-0-option': '"domain-name-server" is not an option name known here (did you mean "domain-name-servers"?).',
    },
  },
  {
    name: 'several option problems, one a line: each at its own row and field',
    code: INVALID_ARGUMENT,
    field: 'reservation.options[0].data',
    details: [
      'reservation.options[0].data: "10.0.0" is not an IPv4 address; write e.g. 10.0.0.1',
      'reservation.options[2].type: option 252 has no name here, so its type is needed: one of ip, ips, string',
    ].join('\n'),
    expected: {
      'option-0-data': '"10.0.0" is not an IPv4 address; write e.g. 10.0.0.1.',
      'option-2-type': 'Option 252 has no name here, so its type is needed: one of ip, ips, string.',
    },
  },
  {
    name: 'a boot field goes to its input',
    code: INVALID_ARGUMENT,
    field: 'reservation.next_server',
    details: 'reservation.next_server: "10.0.0" is not an IPv4 address',
    expected: { nextServer: '"10.0.0" is not an IPv4 address.' },
  },
  {
    name: 'a malformed MAC goes to the MAC field, in the daemon words',
    code: INVALID_ARGUMENT,
    field: 'reservation.mac',
    details: 'reservation.mac: "zz" is not a MAC address; write six hex pairs, e.g. "52:54:00:aa:bb:cc"',
    expected: { mac: '"zz" is not a MAC address; write six hex pairs, e.g. "52:54:00:aa:bb:cc".' },
  },
  {
    name: 'the field comes from the details when the trailer is missing',
    code: INVALID_ARGUMENT,
    details: 'reservation.hostname: "a..b" is not a valid host name: it has an empty label',
    expected: { hostname: '"a..b" is not a valid host name: it has an empty label.' },
  },
  {
    name: 'a required address reads as a sentence naming the field',
    code: INVALID_ARGUMENT,
    field: 'reservation.address',
    details: 'reservation.address: is required; write a dotted-quad IPv4 address such as "10.123.0.57"',
    expected: { address: 'The address is required; write a dotted-quad IPv4 address such as "10.123.0.57".' },
  },
  {
    name: 'an address outside every subnet',
    code: INVALID_ARGUMENT,
    field: 'address',
    details: 'address: 192.168.9.9 is not a host address of any configured subnet',
    expected: {
      address:
        "192.168.9.9 is not in any subnet this daemon serves (or it is a subnet's network or broadcast address). Pick an address inside one of the subnets.",
    },
  },
  {
    name: 'an address in another subnet than the one chosen',
    code: INVALID_ARGUMENT,
    field: 'subnet',
    details: 'subnet: 10.123.0.10 is not in subnet 10.124.0.0/24',
    expected: {
      subnet: "10.123.0.10 is not in 10.124.0.0/24. Pick the address's own subnet, or leave it to the address.",
    },
  },
  {
    name: 'neither MAC nor client id',
    code: INVALID_ARGUMENT,
    field: 'reservation.mac',
    details: 'reservation.mac: give exactly one of mac or client_id; both are empty',
    expected: { mac: "Give the client's MAC address (or match it by client identifier instead)." },
  },
  {
    name: 'both MAC and client id',
    code: INVALID_ARGUMENT,
    field: 'reservation.client_id',
    details:
      'reservation.client_id: give exactly one of mac or client_id, not both, so the reservation matches one client; leave the other empty',
    expected: { clientId: 'Give either a MAC address or a client identifier, not both.' },
  },
  {
    name: 'a field the form does not have goes above the form',
    code: INVALID_ARGUMENT,
    field: 'update_mask',
    details: 'update_mask: "subnet" the subnet follows the address; change "address" instead',
    expected: { form: 'Update_mask: "subnet" the subnet follows the address; change "address" instead.' },
  },
  {
    name: 'a duplicate MAC goes to the MAC field',
    code: FAILED_PRECONDITION,
    details: 'MAC 52:54:00:aa:bb:cc is already reserved by reservation "cfg-0" (config)',
    expected: {
      mac: '52:54:00:aa:bb:cc already has a reservation: reservation "cfg-0" (from the config file). A client can have only one.',
    },
  },
  {
    name: 'a duplicate client id goes to the client id field',
    code: FAILED_PRECONDITION,
    details: 'client-id 01525400aabbcc is already reserved by reservation "7" (api)',
    expected: {
      clientId:
        'Client identifier 01525400aabbcc already has a reservation: reservation "7" (made in the dashboard). A client can have only one.',
    },
  },
  {
    name: 'a duplicate address goes to the address field',
    code: FAILED_PRECONDITION,
    details: 'address 10.123.0.10 is already reserved by reservation "3" (vm)',
    expected: {
      address:
        '10.123.0.10 is already reserved for another client: reservation "3" (for a virtual machine). Pick another address.',
    },
  },
  {
    name: 'an address another client holds a lease on',
    code: FAILED_PRECONDITION,
    details: 'address 10.123.0.150 is leased to another client (52:54:00:00:00:09) until 2026-12-01T23:41:07.000Z',
    expected: {
      address:
        '10.123.0.150 is leased to another client (52:54:00:00:00:09) until 2026-12-01 23:41 UTC. Pick another address, or release that lease first.',
    },
  },
  {
    name: 'a config reservation changed behind the page',
    code: FAILED_PRECONDITION,
    details: 'reservation "cfg-1" comes from the config file; edit the file instead',
    expected: { form: 'This reservation comes from the config file: edit the file to change it.' },
  },
  {
    name: 'a reservation deleted meanwhile',
    code: NOT_FOUND,
    details: 'no reservation with id "9"',
    expected: {
      form: 'This reservation no longer exists: it was deleted meanwhile. The list shows what is there now.',
    },
  },
  {
    name: 'an unreachable daemon',
    code: UNAVAILABLE,
    details: 'connect ECONNREFUSED 127.0.0.1:50051',
    expected: { form: 'Connect ECONNREFUSED 127.0.0.1:50051.' },
  },
];

describe('reservationErrors', () => {
  for (const c of cases)
    test(c.name, () =>
      assert.deepEqual(reservationErrors({ code: c.code, details: c.details, field: c.field ?? null }), c.expected),
    );

  test('a collision names the reservation it is with when the caller could read it', () => {
    const nas: ReservationView = {
      id: 'cfg-0',
      subnet: '10.123.0.0/24',
      mac: '52:54:00:aa:bb:cc',
      clientId: '',
      address: '10.123.0.10',
      hostname: 'nas',
      source: 'config',
      options: [],
      nextServer: '',
      bootFile: '',
      serverHostname: '',
    };
    const details = 'MAC 52:54:00:aa:bb:cc is already reserved by reservation "cfg-0" (config)';
    assert.equal(collidingReservationId(details), 'cfg-0');
    assert.deepEqual(reservationErrors({ code: FAILED_PRECONDITION, details, field: null }, nas), {
      mac: '52:54:00:aa:bb:cc already has a reservation: 10.123.0.10 (nas), from the config file. A client can have only one.',
    });
    assert.equal(collidingReservationId('no reservation with id "9"'), null);
  });
});
