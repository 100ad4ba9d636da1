// Reservations carry DHCP options and boot settings through the API, checked by the same
// function as the config file's lists; the engine answers the reserved client with them at once;
// ListSubnets shows each subnet's effective options (with their scope), boot settings and the
// classes. Real server, real DhcpAdminService, engine and SQLite stores (a fresh file per test).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { Reservation } from '../../proto/gen/homeplane/v1/reservation.ts';
import { OptionScope, type DhcpOption } from '../../proto/gen/homeplane/v1/dhcp_option.ts';
import { emptyOptions, formatIPv4, parseIPv4 } from '../dhcp/codec/index.ts';
import { MessageType, type Packet } from '../dhcp/codec/types.ts';
import { compileOptionEntries } from '../dhcp/options/index.ts';
import { parseConfig } from '../config/load.ts';
import { SERVER_ADDRESS, subnetConfig } from './testing/dhcp-world.ts';
import { call, startHarness, type Harness } from './testing/harness.ts';
import { INVALID_FIELD_KEY } from './status.ts';
import { openSqlite } from '../store/sqlite.ts';
import { SqliteEventLog } from '../store/sqlite-event-log.ts';
import { SqliteReservationStore } from '../store/sqlite-reservation-store.ts';
import { makeScratchDir } from '../store/testing/fixtures.ts';

const ip = (text: string): number => parseIPv4(text)!;

function compiled(entries: unknown[]) {
  const result = compileOptionEntries(entries, 'test');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.options;
}

const CLASSES = parseConfig(
  `dhcp:
  interfaces: [br0]
  classes:
    - { name: ipxe, match: { userClass: iPXE }, bootFile: "http://10.123.0.1/boot.ipxe",
        options: [{ name: ntp-servers, data: "10.123.0.9" }] }
  subnets:
    - subnet: 10.123.0.0/24`,
  { source: null, baseDir: '/tmp' },
).dhcp.classes;

const SUBNETS = [
  subnetConfig('10.123.0.0/24', {
    pools: [{ start: ip('10.123.0.100'), end: ip('10.123.0.199') }],
    routers: [SERVER_ADDRESS],
    nextServer: ip('10.123.0.1'),
    bootFile: 'pxelinux.0',
    options: compiled([{ name: 'interface-mtu', data: '9000' }]),
  }),
];

const SCOPES = { options: compiled([{ name: 'domain-name-servers', data: '10.123.0.53' }]), classes: CLASSES };

function option(fields: Partial<DhcpOption>): DhcpOption {
  return { name: '', code: 0, type: '', data: '', always: false, scope: 0, ...fields };
}

function reservationOf(fields: Partial<Reservation>): Reservation {
  return {
    id: '',
    subnet: '',
    mac: '52:54:00:aa:bb:01',
    clientId: '',
    address: '10.123.0.20',
    hostname: '',
    source: 0,
    options: [],
    nextServer: '',
    bootFile: '',
    serverHostname: '',
    ...fields,
  };
}

function discover(mac: string, prl: number[]): Packet {
  const options = emptyOptions();
  options.messageType = MessageType.Discover;
  options.parameterRequestList = prl;
  return {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 1,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: 0,
    chaddr: Uint8Array.from(mac.split(':').map((octet) => parseInt(octet, 16))),
    sname: '',
    file: '',
    options,
  };
}

describe('reservation options through the API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ subnets: SUBNETS, scopes: SCOPES });
  });
  afterEach(() => h.close());

  const reservation = (method: keyof typeof h.reservations & string) =>
    (h.reservations as never as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(h.reservations) as never;

  /** What the engine offers `mac` now. */
  function offer(mac: string, prl = [6, 42]): Packet {
    const outcome = h.world.engine.handle(discover(mac, prl), {
      iface: { name: 'hp0', address: SERVER_ADDRESS, subnet: h.world.bindings.subnets[0]! },
      now: h.world.clock.now(),
    });
    assert.equal(outcome.action, 'reply');
    return (outcome as { reply: Packet }).reply;
  }

  test('Create stores options (canonical, by code) and boot settings; the client gets them at once, others the global', async () => {
    const created = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
      reservation: reservationOf({
        options: [
          option({ code: 252, type: 'string', data: 'http://wpad.lab/wpad.dat', always: true }),
          option({ name: 'domain-name-servers', data: '10.123.0.99,10.123.0.98' }),
        ],
        bootFile: 'own.efi',
        nextServer: '10.123.0.7',
      }),
    });
    assert.equal(created.error, undefined, created.error?.details);
    const stored = created.response!.reservation;
    assert.deepEqual(stored.options, [
      option({ name: 'domain-name-servers', code: 6, type: 'ips', data: '10.123.0.99, 10.123.0.98' }),
      option({ code: 252, type: 'string', data: 'http://wpad.lab/wpad.dat', always: true }),
    ]);
    assert.equal(stored.bootFile, 'own.efi');
    assert.equal(stored.nextServer, '10.123.0.7');
    const got = await call<object, { reservation: Reservation }>(reservation('getReservation'), { id: stored.id });
    assert.deepEqual(got.response?.reservation, stored);

    const mine = offer('52:54:00:aa:bb:01');
    assert.deepEqual(mine.options.dnsServers?.map(formatIPv4), ['10.123.0.99', '10.123.0.98']);
    assert.equal(Buffer.from(mine.options.other.get(252)!).toString(), 'http://wpad.lab/wpad.dat');
    assert.equal(mine.file, 'own.efi');
    assert.equal(formatIPv4(mine.siaddr), '10.123.0.7');
    const other = offer('52:54:00:aa:bb:02');
    assert.deepEqual(other.options.dnsServers?.map(formatIPv4), ['10.123.0.53']);
    assert.equal(other.file, 'pxelinux.0');
    assert.equal(other.options.other.get(252), undefined);

    // The event carries them too (Watch, the dashboard).
    const event = h.log.readSince(0, 100).find((e) => e.kind === 'reservation.created');
    assert.deepEqual((event as { reservation?: { options: unknown[] } }).reservation?.options.length, 2);
  });

  test('Update replaces or clears options by mask; the engine follows', async () => {
    const { response } = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
      reservation: reservationOf({ options: [option({ name: 'domain-name-servers', data: '10.123.0.99' })] }),
    });
    const id = response!.reservation.id;
    const changed = await call<object, { reservation: Reservation }>(reservation('updateReservation'), {
      reservation: reservationOf({ id, options: [option({ name: 'ntp-servers', data: '10.123.0.77' })] }),
      updateMask: ['options'],
    });
    assert.equal(changed.error, undefined, changed.error?.details);
    assert.deepEqual(changed.response?.reservation.options, [
      option({ name: 'ntp-servers', code: 42, type: 'ips', data: '10.123.0.77' }),
    ]);
    let reply = offer('52:54:00:aa:bb:01');
    assert.deepEqual(reply.options.dnsServers?.map(formatIPv4), ['10.123.0.53']);
    assert.deepEqual(reply.options.ntpServers?.map(formatIPv4), ['10.123.0.77']);

    // Empty mask: options given non-empty change, the rest stay; then a named empty list clears.
    const boot = await call<object, { reservation: Reservation }>(reservation('updateReservation'), {
      reservation: reservationOf({ id, bootFile: 'x.efi', mac: '', address: '' }),
    });
    assert.equal(boot.response?.reservation.bootFile, 'x.efi');
    assert.equal(boot.response?.reservation.options.length, 1);
    const cleared = await call<object, { reservation: Reservation }>(reservation('updateReservation'), {
      reservation: reservationOf({ id }),
      updateMask: ['options', 'boot_file'],
    });
    assert.deepEqual(cleared.response?.reservation.options, []);
    assert.equal(cleared.response?.reservation.bootFile, '');
    reply = offer('52:54:00:aa:bb:01');
    assert.equal(reply.options.ntpServers, undefined, 'the global set has no NTP server');
    assert.equal(reply.file, 'pxelinux.0');
  });

  test('bad options are INVALID_ARGUMENT with every problem at its path, as the config file reports them', async () => {
    const { error } = await call(reservation('createReservation'), {
      reservation: reservationOf({
        options: [
          option({ name: 'domain-name-server', data: '10.0.0.1' }),
          option({ name: 'interface-mtu', data: 'jumbo' }),
          option({ code: 51, type: 'uint32', data: '60' }),
        ],
      }),
    });
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
    assert.deepEqual(error.metadata.get(INVALID_FIELD_KEY), ['reservation.options[0].name']);
    assert.deepEqual(error.details.split('\n'), [
      'reservation.options[0].name: "domain-name-server" is not an option name known here (did you mean "domain-name-servers"?)',
      'reservation.options[1].data: "jumbo" is not a whole number; write a uint16 such as "1500"',
      'reservation.options[2].code: option 51 cannot be configured: dhcp-lease-time is set by leaseTime (dhcp.leaseTime or the subnet leaseTime)',
    ]);
    const boot = await call(reservation('createReservation'), { reservation: reservationOf({ bootFile: 'a b' }) });
    assert.equal(boot.error?.code, grpc.status.INVALID_ARGUMENT);
    assert.deepEqual(boot.error.metadata.get(INVALID_FIELD_KEY), ['reservation.boot_file']);
    const next = await call(reservation('createReservation'), { reservation: reservationOf({ nextServer: '10.1' }) });
    assert.deepEqual(next.error?.metadata.get(INVALID_FIELD_KEY), ['reservation.next_server']);
    const listed = await call<object, { totalSize: number }>(reservation('listReservations'), {
      subnet: '',
      source: 2,
      query: '',
      pageSize: 0,
      pageToken: '',
    });
    assert.equal(listed.response?.totalSize, 0, 'nothing stored');
  });

  test('ListSubnets shows effective options with their scope, boot settings and the classes', async () => {
    const { response } = await call<object, { subnets: Record<string, unknown>[]; classes: unknown[] }>(
      h.subnets.listSubnets.bind(h.subnets) as never,
      {},
    );
    const subnet = response!.subnets[0]!;
    const scoped = (subnet.options as DhcpOption[]).map((o) => [o.code, o.data, o.scope]);
    assert.deepEqual(scoped, [
      [3, '10.123.0.1', OptionScope.OPTION_SCOPE_SUBNET],
      [6, '10.123.0.53', OptionScope.OPTION_SCOPE_GLOBAL],
      [26, '9000', OptionScope.OPTION_SCOPE_SUBNET],
      [28, '10.123.0.255', OptionScope.OPTION_SCOPE_SUBNET],
    ]);
    assert.equal(subnet.nextServer, '10.123.0.1');
    assert.equal(subnet.bootFile, 'pxelinux.0');
    assert.deepEqual(response!.classes, [
      {
        name: 'ipxe',
        vendorClass: '',
        userClass: 'iPXE',
        clientArch: undefined,
        mac: '',
        hostname: '',
        options: [option({ name: 'ntp-servers', code: 42, type: 'ips', data: '10.123.0.9' })],
        nextServer: '',
        bootFile: 'http://10.123.0.1/boot.ipxe',
        serverHostname: '',
      },
    ]);
  });
});

test('stored reservation options and boot settings survive a reopen of the database', async () => {
  const scratch = makeScratchDir();
  try {
    const open = () => {
      const handle = openSqlite({ file: scratch.databaseFile, durability: 'process' });
      return {
        handle,
        store: new SqliteReservationStore(handle.raw, new SqliteEventLog(handle.raw, { now: () => 0 })),
      };
    };
    const first = open();
    first.store.create({
      subnetId: '10.123.0.0/24',
      mac: '52:54:00:00:00:01',
      clientId: null,
      ip: ip('10.123.0.10'),
      hostname: null,
      source: 'api',
      options: [
        { code: 121, name: 'classless-static-route', type: 'routes', data: '0.0.0.0/0 - 10.123.0.1', always: false },
      ],
      nextServer: ip('10.123.0.5'),
      bootFile: 'a.efi',
      serverHostname: 'tftp',
    });
    first.handle.raw.close();
    const again = open();
    const [loaded] = again.store.loadAll();
    again.handle.raw.close();
    assert.deepEqual(
      {
        options: loaded?.options,
        nextServer: loaded?.nextServer,
        bootFile: loaded?.bootFile,
        serverHostname: loaded?.serverHostname,
      },
      {
        options: [
          { code: 121, name: 'classless-static-route', type: 'routes', data: '0.0.0.0/0 - 10.123.0.1', always: false },
        ],
        nextServer: ip('10.123.0.5'),
        bootFile: 'a.efi',
        serverHostname: 'tftp',
      },
    );
  } finally {
    scratch.remove();
  }
});
