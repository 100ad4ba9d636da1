// LeaseService, ReservationService, SubnetService and StatsService on a real server over the
// real DhcpAdminService, Bindings, engine and stores on a temporary SQLite file (a fresh one per
// test): translation, paging, the daemon's own rules, and every status code the contract names.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { LeaseState } from '../../proto/gen/homeplane/v1/lease.ts';
import { ReservationSource, type Reservation } from '../../proto/gen/homeplane/v1/reservation.ts';
import { OptionScope } from '../../proto/gen/homeplane/v1/dhcp_option.ts';
import { parseIPv4 } from '../dhcp/codec/ipv4.ts';
import { emptyOptions } from '../dhcp/codec/index.ts';
import { MessageType, type Packet } from '../dhcp/codec/types.ts';
import { SERVER_ADDRESS, subnetConfig, testLease, WORLD_STARTED_AT } from './testing/dhcp-world.ts';
import { call, startHarness, type Harness } from './testing/harness.ts';
import { INVALID_FIELD_KEY } from './status.ts';

const ip = (text: string): number => parseIPv4(text)!;

/** The config: one served subnet with a pool and a reservation of the file's, one bare subnet. */
const SUBNETS = [
  subnetConfig('10.123.0.0/24', {
    pools: [{ start: ip('10.123.0.100'), end: ip('10.123.0.199') }],
    routers: [SERVER_ADDRESS],
    dnsServers: [SERVER_ADDRESS, ip('1.1.1.1')],
    domainName: 'lab.home',
    leaseTime: 600,
    reservations: [
      {
        mac: '52:54:00:00:01:01',
        clientId: null,
        ip: ip('10.123.0.5'),
        hostname: null,
        options: [],
        nextServer: null,
        bootFile: null,
        serverHostname: null,
      },
    ],
  }),
  subnetConfig('10.124.0.0/24'),
];

/** A DHCPDISCOVER from `mac` as the engine receives it. */
function discover(mac: string): Packet {
  const options = emptyOptions();
  options.messageType = MessageType.Discover;
  return {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 0x1234,
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

const apiReservation = (changes: Partial<Reservation> = {}): Reservation => ({
  id: '',
  subnet: '',
  mac: '52:54:00:AA:BB:01',
  clientId: '',
  address: '10.123.0.20',
  hostname: 'printer',
  source: ReservationSource.RESERVATION_SOURCE_UNSPECIFIED,
  options: [],
  nextServer: '',
  bootFile: '',
  serverHostname: '',
  ...changes,
});

describe('services', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ subnets: SUBNETS });
  });
  afterEach(() => h.close());

  const lease = (method: 'listLeases' | 'getLease' | 'releaseLease') => h.leases[method].bind(h.leases) as never;
  const reservation = (method: keyof typeof h.reservations & string) =>
    (h.reservations as never as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(h.reservations) as never;

  describe('LeaseService', () => {
    test('ListLeases filters, pages with opaque tokens and reports the revision and total', async () => {
      // Every fifth lease has run out: the reclaimer marks it expired (lease.expired).
      const now = h.world.clock.now();
      const leases = Array.from({ length: 25 }, (_, k) =>
        testLease(`10.123.0.${k + 1}`, (k + 1) % 5 === 0 ? { expiresAt: now - 1 } : {}),
      );
      await h.world.grant(...leases, testLease('10.124.0.9', { subnetId: '10.124.0.0/24' }));
      assert.ok(await h.world.bindings.reclaim(now).durable);
      const seen: string[] = [];
      let pageToken = '';
      do {
        const { response, error } = await call<
          object,
          { leases: { address: string; state: number }[]; nextPageToken: string; revision: number; totalSize: number }
        >(lease('listLeases'), {
          subnet: '10.123.0.0/24',
          state: LeaseState.LEASE_STATE_ACTIVE,
          query: '',
          pageSize: 7,
          pageToken,
        });
        assert.equal(error, undefined);
        assert.equal(response!.totalSize, 20);
        assert.equal(response!.revision, h.log.lastRevision());
        assert.ok(response!.leases.every((l) => l.state === LeaseState.LEASE_STATE_ACTIVE));
        seen.push(...response!.leases.map((l) => l.address));
        pageToken = response!.nextPageToken;
      } while (pageToken !== '');
      assert.equal(seen.length, 20);
      assert.deepEqual(seen.slice(0, 5), ['10.123.0.1', '10.123.0.2', '10.123.0.3', '10.123.0.4', '10.123.0.6']);

      const byText = await call<object, { leases: { hostname: string }[] }>(lease('listLeases'), {
        subnet: '',
        state: 0,
        query: 'HOST-7',
        pageSize: 0,
        pageToken: '',
      });
      assert.deepEqual(
        byText.response?.leases.map((l) => l.hostname),
        ['host-7'],
      );
    });

    test('a page token reused with other filters is INVALID_ARGUMENT', async () => {
      await h.world.grant(testLease('10.123.0.1'), testLease('10.123.0.2'), testLease('10.123.0.3'));
      const first = await call<object, { nextPageToken: string }>(lease('listLeases'), {
        subnet: '',
        state: 0,
        query: '',
        pageSize: 1,
        pageToken: '',
      });
      const { error } = await call(lease('listLeases'), {
        subnet: '',
        state: 0,
        query: 'x',
        pageSize: 1,
        pageToken: first.response!.nextPageToken,
      });
      assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /^page_token: was made for other filters/);
    });

    test('GetLease translates every field', async () => {
      await h.world.grant(
        testLease('10.123.0.57', {
          clientKey: 'id:0152540000aabbcc',
          clientId: '0152540000aabbcc',
          fqdn: 'nas.lab.home.',
          hostname: 'nas',
        }),
      );
      const { response } = await call<object, { lease: object }>(lease('getLease'), { address: '10.123.0.57' });
      assert.deepEqual(response?.lease, {
        address: '10.123.0.57',
        subnet: '10.123.0.0/24',
        hwAddress: '52:54:00:00:00:39',
        clientId: '0152540000aabbcc',
        hostname: 'nas',
        fqdn: 'nas.lab.home.',
        state: LeaseState.LEASE_STATE_ACTIVE,
        startsAt: new Date('2025-01-02T03:04:05Z'),
        expiresAt: new Date('2025-01-02T04:04:05Z'),
      });
    });

    test('ReleaseLease frees an active lease and appends lease.released; a second release is FAILED_PRECONDITION', async () => {
      await h.world.grant(testLease('10.123.0.8'));
      const before = h.log.lastRevision();
      const { response } = await call<object, { lease: { state: number } }>(lease('releaseLease'), {
        address: '10.123.0.8',
      });
      assert.equal(response?.lease.state, LeaseState.LEASE_STATE_RELEASED);
      assert.deepEqual(
        h.log.readSince(before, 10).map((e) => e.kind),
        ['lease.released'],
      );
      const again = await call(lease('releaseLease'), { address: '10.123.0.8' });
      assert.equal(again.error?.code, grpc.status.FAILED_PRECONDITION);
      assert.match(again.error.details, /is not active \(state released\)/);
    });

    test('NOT_FOUND for an address without a lease', async () => {
      for (const method of ['getLease', 'releaseLease'] as const) {
        const { error } = await call(lease(method), { address: '10.123.0.99' });
        assert.equal(error?.code, grpc.status.NOT_FOUND, method);
        assert.match(error.details, /no lease for 10\.123\.0\.99/);
      }
    });
  });

  describe('ReservationService', () => {
    test('Create normalises a MAC or a client id, stores with source API and appends reservation.created; Get and List find it', async () => {
      const before = h.log.lastRevision();
      const byMac = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
        reservation: apiReservation(),
      });
      const byClientId = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
        reservation: apiReservation({ mac: '', clientId: '01:52:54:00:AA:BB:02', address: '10.123.0.21' }),
      });
      assert.equal(byMac.error, undefined);
      assert.equal(byClientId.error, undefined);
      const stored = [byMac.response!.reservation, byClientId.response!.reservation];
      assert.deepEqual(
        stored.map((r) => ({ ...r, id: 'x' })),
        [
          {
            id: 'x',
            subnet: '10.123.0.0/24',
            mac: '52:54:00:aa:bb:01',
            clientId: '',
            address: '10.123.0.20',
            hostname: 'printer',
            source: ReservationSource.RESERVATION_SOURCE_API,
            options: [],
            nextServer: '',
            bootFile: '',
            serverHostname: '',
          },
          {
            id: 'x',
            subnet: '10.123.0.0/24',
            mac: '',
            clientId: '01525400aabb02',
            address: '10.123.0.21',
            hostname: 'printer',
            source: ReservationSource.RESERVATION_SOURCE_API,
            options: [],
            nextServer: '',
            bootFile: '',
            serverHostname: '',
          },
        ],
      );
      assert.deepEqual(
        h.log.readSince(before, 10).map((e) => e.kind),
        ['reservation.created', 'reservation.created'],
      );
      const got = await call<object, { reservation: Reservation }>(reservation('getReservation'), {
        id: stored[0]!.id,
      });
      assert.deepEqual(got.response?.reservation, stored[0]);
      const listed = await call<object, { reservations: Reservation[]; totalSize: number }>(
        reservation('listReservations'),
        { subnet: '', source: ReservationSource.RESERVATION_SOURCE_API, query: '', pageSize: 0, pageToken: '' },
      );
      assert.deepEqual(listed.response?.reservations, stored);
      const byQuery = await call<object, { reservations: Reservation[] }>(reservation('listReservations'), {
        subnet: '',
        source: 0,
        query: 'AABB02',
        pageSize: 0,
        pageToken: '',
      });
      assert.deepEqual(byQuery.response?.reservations, [stored[1]], 'the query matches the client id too');
    });

    test('a reservation names exactly one of mac and client_id: both is INVALID_ARGUMENT on create, and on an update that would leave both', async () => {
      const before = h.log.lastRevision();
      const both = await call(reservation('createReservation'), {
        reservation: apiReservation({ clientId: '0152540000aabb01' }),
      });
      assert.equal(both.error?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(both.error.details, /^reservation\.client_id: give exactly one of mac or client_id/);
      assert.equal(h.log.lastRevision(), before, 'nothing stored, no event');

      const { response } = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
        reservation: apiReservation(),
      });
      const id = response!.reservation.id;
      // The mac is kept (not in the mask): the daemon's own check refuses the merged reservation.
      const adding = await call(reservation('updateReservation'), {
        reservation: apiReservation({ id, clientId: '0152540000aabb01' }),
        updateMask: ['client_id'],
      });
      assert.equal(adding.error?.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(adding.error.details, 'client_id: give exactly one of mac or client_id');
      assert.deepEqual(adding.error.metadata.get(INVALID_FIELD_KEY), ['client_id']);
      const got = await call<object, { reservation: Reservation }>(reservation('getReservation'), { id });
      assert.deepEqual(got.response?.reservation, response!.reservation, 'unchanged');

      // Trading the MAC for a client id in one update keeps exactly one.
      const traded = await call<object, { reservation: Reservation }>(reservation('updateReservation'), {
        reservation: apiReservation({ id, mac: '', clientId: '0152540000aabb01' }),
        updateMask: ['mac', 'client_id'],
      });
      assert.equal(traded.error, undefined);
      assert.deepEqual(
        [traded.response!.reservation.mac, traded.response!.reservation.clientId],
        ['', '0152540000aabb01'],
      );
    });

    test('a reservation made here is what the engine offers its client; once deleted, the client gets a pool address', async () => {
      const subnet = h.world.bindings.subnets[0]!;
      const offered = (): string | undefined => {
        const outcome = h.world.engine.handle(discover('52:54:00:aa:bb:01'), {
          iface: { name: 'lab0', address: SERVER_ADDRESS, subnet },
          now: h.world.clock.now(),
        });
        return outcome.action === 'reply'
          ? `${outcome.reply.yiaddr >>> 24}.${(outcome.reply.yiaddr >>> 16) & 255}.${(outcome.reply.yiaddr >>> 8) & 255}.${outcome.reply.yiaddr & 255}`
          : undefined;
      };
      const { response } = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
        reservation: apiReservation(),
      });
      assert.equal(offered(), '10.123.0.20');
      await call(reservation('deleteReservation'), { id: response!.reservation.id });
      assert.equal(offered(), '10.123.0.100');
    });

    test('List pages by address across sources and filters by source', async () => {
      // The config file's reservation at 10.123.0.5 (SUBNETS) and four made here.
      for (let i = 1; i <= 4; i++) {
        await call(reservation('createReservation'), {
          reservation: apiReservation({ mac: `52:54:00:00:00:0${i}`, address: `10.123.0.${30 - i}` }),
        });
      }
      const addresses: string[] = [];
      let pageToken = '';
      do {
        const page = await call<object, { reservations: Reservation[]; nextPageToken: string; totalSize: number }>(
          reservation('listReservations'),
          { subnet: '10.123.0.0/24', source: 0, query: '', pageSize: 2, pageToken },
        );
        assert.equal(page.response?.totalSize, 5);
        addresses.push(...page.response!.reservations.map((r) => r.address));
        pageToken = page.response!.nextPageToken;
      } while (pageToken !== '');
      assert.deepEqual(addresses, ['10.123.0.5', '10.123.0.26', '10.123.0.27', '10.123.0.28', '10.123.0.29']);
      const config = await call<object, { reservations: Reservation[] }>(reservation('listReservations'), {
        subnet: '',
        source: ReservationSource.RESERVATION_SOURCE_CONFIG,
        query: '',
        pageSize: 0,
        pageToken: '',
      });
      assert.deepEqual(
        config.response?.reservations.map((r) => r.source),
        [ReservationSource.RESERVATION_SOURCE_CONFIG],
      );
    });

    test('Update changes the fields of the mask, clears a named empty field, keeps the rest', async () => {
      const { response } = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
        reservation: apiReservation(),
      });
      const id = response!.reservation.id;
      const updated = await call<object, { reservation: Reservation }>(reservation('updateReservation'), {
        reservation: { ...apiReservation({ id, mac: '52:54:00:aa:bb:99', address: '10.123.0.21', hostname: '' }) },
        updateMask: ['address', 'hostname'],
      });
      assert.equal(updated.error, undefined);
      assert.equal(updated.response!.reservation.address, '10.123.0.21');
      assert.equal(updated.response!.reservation.hostname, '');
      assert.equal(updated.response!.reservation.mac, '52:54:00:aa:bb:01', 'not in the mask: kept');
      // Empty mask: the non-empty fields given change.
      const byGiven = await call<object, { reservation: Reservation }>(reservation('updateReservation'), {
        reservation: { ...apiReservation({ id, mac: '', address: '', hostname: 'scanner', clientId: '' }) },
        updateMask: [],
      });
      assert.equal(byGiven.response!.reservation.hostname, 'scanner');
      assert.equal(byGiven.response!.reservation.address, '10.123.0.21');
      assert.equal(byGiven.response!.reservation.mac, '52:54:00:aa:bb:01');
    });

    test('Delete removes it and appends reservation.deleted; then NOT_FOUND', async () => {
      const { response } = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
        reservation: apiReservation(),
      });
      const id = response!.reservation.id;
      const before = h.log.lastRevision();
      const deleted = await call<object, { reservation: Reservation }>(reservation('deleteReservation'), { id });
      assert.deepEqual(deleted.response?.reservation, response!.reservation);
      assert.deepEqual(
        h.log.readSince(before, 10).map((e) => e.kind),
        ['reservation.deleted'],
      );
      for (const method of ['getReservation', 'deleteReservation'] as const) {
        const { error } = await call(reservation(method), { id });
        assert.equal(error?.code, grpc.status.NOT_FOUND, method);
      }
    });

    test('config and VM reservations are read-only: FAILED_PRECONDITION for update and delete', async () => {
      const listed = await call<object, { reservations: Reservation[] }>(reservation('listReservations'), {
        subnet: '',
        source: ReservationSource.RESERVATION_SOURCE_CONFIG,
        query: '',
        pageSize: 0,
        pageToken: '',
      });
      const [config] = listed.response!.reservations;
      assert.equal(config?.address, '10.123.0.5');
      const update = await call(reservation('updateReservation'), {
        reservation: apiReservation({ id: config.id, hostname: 'x' }),
        updateMask: ['hostname'],
      });
      const remove = await call(reservation('deleteReservation'), { id: config.id });
      for (const { error } of [update, remove]) {
        assert.equal(error?.code, grpc.status.FAILED_PRECONDITION);
        assert.match(error.details, /comes from the config file; edit the file instead/);
      }
      const vm = await h.admin.reserveForVm('52:54:00:ab:cd:01', 'web', 'homeplane0');
      const updateVm = await call(reservation('updateReservation'), {
        reservation: apiReservation({ id: vm.id, hostname: 'x' }),
        updateMask: ['hostname'],
      });
      const removeVm = await call(reservation('deleteReservation'), { id: vm.id });
      for (const { error } of [updateVm, removeVm]) {
        assert.equal(error?.code, grpc.status.FAILED_PRECONDITION);
        assert.match(error.details, /comes from the VM inventory/);
      }
    });

    test('collisions are FAILED_PRECONDITION naming what collides', async () => {
      const first = await call<object, { reservation: Reservation }>(reservation('createReservation'), {
        reservation: apiReservation(),
      });
      const id = first.response!.reservation.id;
      await h.world.grant(testLease('10.123.0.40'));
      const cases: [Partial<Reservation>, RegExp][] = [
        [
          { mac: '52:54:00:aa:bb:99' },
          new RegExp(`^address 10\\.123\\.0\\.20 is already reserved by reservation "${id}" \\(api\\)$`),
        ],
        [
          { address: '10.123.0.21' },
          new RegExp(`^MAC 52:54:00:aa:bb:01 is already reserved by reservation "${id}" \\(api\\)$`),
        ],
        [
          { mac: '52:54:00:00:01:01', address: '10.123.0.22' },
          /^MAC 52:54:00:00:01:01 is already reserved by reservation "cfg-1" \(config\)$/,
        ],
        [
          { mac: '52:54:00:aa:bb:98', address: '10.123.0.40' },
          /^address 10\.123\.0\.40 is leased to another client \(52:54:00:00:00:28\) until 2025-01-02T04:04:05\.000Z$/,
        ],
      ];
      for (const [changes, message] of cases) {
        const { error } = await call(reservation('createReservation'), { reservation: apiReservation(changes) });
        assert.equal(error?.code, grpc.status.FAILED_PRECONDITION);
        assert.match(error.details, message);
      }
    });

    test('CreateFromLease takes the client by its client id, else its MAC, and, when absent, its hostname', async () => {
      await h.world.grant(
        testLease('10.123.0.50', { clientKey: 'id:0152540000aa32', clientId: '0152540000aa32', hostname: 'laptop' }),
        testLease('10.123.0.51', { hostname: 'phone' }),
      );
      const taken = await call<object, { reservation: Reservation }>(reservation('createReservationFromLease'), {
        address: '10.123.0.50',
      });
      assert.deepEqual(
        { ...taken.response!.reservation, id: '' },
        {
          id: '',
          subnet: '10.123.0.0/24',
          mac: '',
          clientId: '0152540000aa32',
          address: '10.123.0.50',
          hostname: 'laptop',
          source: ReservationSource.RESERVATION_SOURCE_API,
          options: [],
          nextServer: '',
          bootFile: '',
          serverHostname: '',
        },
      );
      const byMac = await call<object, { reservation: Reservation }>(reservation('createReservationFromLease'), {
        address: '10.123.0.51',
      });
      assert.deepEqual(
        [byMac.response?.reservation.mac, byMac.response?.reservation.clientId, byMac.response?.reservation.hostname],
        ['52:54:00:00:00:33', '', 'phone'],
      );
      const again = await call(reservation('createReservationFromLease'), { address: '10.123.0.50' });
      assert.equal(again.error?.code, grpc.status.FAILED_PRECONDITION);
      assert.match(again.error.details, /^client-id 0152540000aa32 is already reserved by reservation/);
      const missing = await call(reservation('createReservationFromLease'), { address: '10.123.0.52' });
      assert.equal(missing.error?.code, grpc.status.NOT_FOUND);
    });

    // The service resolves "absent" to the lease's hostname itself; the admin takes the hostname as given (null: none).
    test('CreateFromLease with hostname present and empty makes a reservation without one', async () => {
      await h.world.grant(testLease('10.123.0.51', { hostname: 'phone' }));
      const cleared = await call<object, { reservation: Reservation }>(reservation('createReservationFromLease'), {
        address: '10.123.0.51',
        hostname: '',
      });
      assert.equal(cleared.error, undefined);
      assert.equal(cleared.response!.reservation.hostname, '');
    });

    test('CreateFromLease on a lease that ended still pins its client; a declined address, which has no client, is NOT_FOUND', async () => {
      const released = testLease('10.123.0.60');
      const declined = testLease('10.123.0.61');
      await h.world.grant(released, declined);
      const now = h.world.clock.now();
      assert.ok(await h.world.bindings.end(released, now).durable);
      assert.ok(await h.world.bindings.decline(declined, now, now + 3600_000).durable);
      const pinned = await call<object, { reservation: Reservation }>(reservation('createReservationFromLease'), {
        address: '10.123.0.60',
      });
      assert.equal(pinned.error, undefined);
      assert.deepEqual(
        [pinned.response!.reservation.mac, pinned.response!.reservation.address],
        ['52:54:00:00:00:3c', '10.123.0.60'],
      );
      const unknown = await call(reservation('createReservationFromLease'), { address: '10.123.0.61', hostname: '' });
      assert.equal(unknown.error?.code, grpc.status.NOT_FOUND);
    });
  });

  describe('INVALID_ARGUMENT names the field and the reason', () => {
    const cases: [string, () => Promise<{ error?: grpc.ServiceError }>, string, RegExp][] = [
      ['GetLease, empty address', () => call(lease('getLease'), { address: '' }), 'address', /is required/],
      [
        'GetLease, malformed address',
        () => call(lease('getLease'), { address: '10.123.0.256' }),
        'address',
        /"10\.123\.0\.256" is not a dotted-quad/,
      ],
      [
        'ReleaseLease, malformed address',
        () => call(lease('releaseLease'), { address: 'nas' }),
        'address',
        /not a dotted-quad/,
      ],
      [
        'ListLeases, negative page_size',
        () => call(lease('listLeases'), { subnet: '', state: 0, query: '', pageSize: -1, pageToken: '' }),
        'page_size',
        /-1 is negative/,
      ],
      [
        'ListLeases, malformed subnet',
        () => call(lease('listLeases'), { subnet: '10.123.0.1/24', state: 0, query: '', pageSize: 0, pageToken: '' }),
        'subnet',
        /is not a subnet/,
      ],
      [
        'ListLeases, unknown state',
        () => call(lease('listLeases'), { subnet: '', state: 9, query: '', pageSize: 0, pageToken: '' }),
        'state',
        /9 is not a LeaseState/,
      ],
      [
        'ListLeases, forged page_token',
        () => call(lease('listLeases'), { subnet: '', state: 0, query: '', pageSize: 0, pageToken: 'bm9wZQ' }),
        'page_token',
        /not a page token/,
      ],
      [
        'ListReservations, unknown source',
        () => call(reservation('listReservations'), { subnet: '', source: 7, query: '', pageSize: 0, pageToken: '' }),
        'source',
        /not a ReservationSource/,
      ],
      [
        'CreateReservation, no reservation',
        () => call(reservation('createReservation'), {}),
        'reservation',
        /is required/,
      ],
      [
        'CreateReservation, malformed MAC',
        () => call(reservation('createReservation'), { reservation: apiReservation({ mac: '52:54:00:aa:bb' }) }),
        'reservation.mac',
        /is not a MAC address/,
      ],
      [
        'CreateReservation, odd hex client id',
        () => call(reservation('createReservation'), { reservation: apiReservation({ clientId: '01525' }) }),
        'reservation.client_id',
        /is not a client identifier/,
      ],
      [
        'CreateReservation, no mac and no client_id',
        () => call(reservation('createReservation'), { reservation: apiReservation({ mac: '' }) }),
        'reservation.mac',
        /give exactly one of mac or client_id/,
      ],
      [
        'CreateReservation, both mac and client_id',
        () => call(reservation('createReservation'), { reservation: apiReservation({ clientId: '0152540000aabb01' }) }),
        'reservation.client_id',
        /give exactly one of mac or client_id, not both/,
      ],
      [
        'CreateReservation, bad hostname',
        () => call(reservation('createReservation'), { reservation: apiReservation({ hostname: 'no spaces' }) }),
        'reservation.hostname',
        /not a valid host name/,
      ],
      [
        'CreateReservation, address in no subnet (domain error, proto field name)',
        () => call(reservation('createReservation'), { reservation: apiReservation({ address: '192.168.1.5' }) }),
        'address',
        /192\.168\.1\.5 is not a host address of any configured subnet/,
      ],
      [
        'CreateReservation, a broadcast address',
        () => call(reservation('createReservation'), { reservation: apiReservation({ address: '10.123.0.255' }) }),
        'address',
        /10\.123\.0\.255 is not a host address of any configured subnet/,
      ],
      [
        "CreateReservation, subnet not the address's",
        () => call(reservation('createReservation'), { reservation: apiReservation({ subnet: '10.124.0.0/24' }) }),
        'subnet',
        /10\.123\.0\.20 is not in subnet 10\.124\.0\.0\/24/,
      ],
      [
        'UpdateReservation, no id',
        () => call(reservation('updateReservation'), { reservation: apiReservation(), updateMask: [] }),
        'reservation.id',
        /is required/,
      ],
      [
        'UpdateReservation, unknown mask path',
        () =>
          call(reservation('updateReservation'), {
            reservation: apiReservation({ id: 'api-1' }),
            updateMask: ['colour'],
          }),
        'update_mask',
        /"colour" is not a field that can be updated/,
      ],
      [
        'UpdateReservation, subnet in the mask',
        () =>
          call(reservation('updateReservation'), {
            reservation: apiReservation({ id: 'api-1' }),
            updateMask: ['subnet'],
          }),
        'update_mask',
        /the subnet follows the address/,
      ],
      [
        'UpdateReservation, address cleared',
        () =>
          call(reservation('updateReservation'), {
            reservation: apiReservation({ id: 'api-1', address: '' }),
            updateMask: ['address'],
          }),
        'reservation.address',
        /is required/,
      ],
      ['GetReservation, no id', () => call(reservation('getReservation'), { id: '' }), 'id', /is required/],
      [
        'CreateFromLease, bad hostname',
        () => call(reservation('createReservationFromLease'), { address: '10.123.0.1', hostname: '-x' }),
        'hostname',
        /not a valid host name/,
      ],
    ];
    for (const [name, run, field, reason] of cases) {
      test(name, async () => {
        const { error } = await run();
        assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, error?.details);
        assert.ok(error.details.startsWith(`${field}: `), `"${error.details}" names ${field}`);
        assert.match(error.details, reason);
        assert.deepEqual(error.metadata.get(INVALID_FIELD_KEY), [field]);
      });
    }
  });

  describe('other failures', () => {
    test('any other error is INTERNAL with a generic message; the error itself goes to the log', async () => {
      const secret = 'SQLITE_CORRUPT: /var/lib/homeplane/homeplane.db';
      for (const run of [
        () => call(lease('getLease'), { address: '10.123.0.1' }), // throws synchronously
        () => call(lease('releaseLease'), { address: '10.123.0.1' }), // rejects
        () => call(h.stats.getStats.bind(h.stats) as never, {}),
      ]) {
        h.faults.failNextWith = new Error(secret);
        const { error } = await run();
        assert.equal(error?.code, grpc.status.INTERNAL);
        assert.doesNotMatch(error.details, /SQLITE/);
        const logged = h.logLines.at(-1)!;
        assert.equal(logged.level, 'error');
        assert.equal((logged.obj as { err: Error }).err.message, secret);
      }
      // The daemon is still serving.
      const { error } = await call(h.subnets.listSubnets.bind(h.subnets) as never, {});
      assert.equal(error, undefined);
    });
  });

  describe('SubnetService and StatsService', () => {
    test('ListSubnets joins the usage with the config settings, in config order', async () => {
      const SUBNET = OptionScope.OPTION_SCOPE_SUBNET;
      const declined = testLease('10.123.0.101');
      await h.world.grant(testLease('10.123.0.100'), declined);
      assert.ok(await h.world.bindings.decline(declined, h.world.clock.now(), h.world.clock.now() + 3600_000).durable);
      const { response } = await call<object, { subnets: object[] }>(
        h.subnets.listSubnets.bind(h.subnets) as never,
        {},
      );
      assert.deepEqual(response?.subnets, [
        {
          subnet: '10.123.0.0/24',
          pools: [{ start: '10.123.0.100', end: '10.123.0.199' }],
          routers: ['10.123.0.1'],
          dnsServers: ['10.123.0.1', '1.1.1.1'],
          domainName: 'lab.home',
          leaseSeconds: 600,
          poolSize: 100,
          addressesInUse: 1,
          declined: 1,
          free: 98,
          reservations: 1,
          // The shorthands as options, and the broadcast address from the prefix, all the subnet's.
          options: [
            { name: 'routers', code: 3, type: 'ips', data: '10.123.0.1', always: false, scope: SUBNET },
            {
              name: 'domain-name-servers',
              code: 6,
              type: 'ips',
              data: '10.123.0.1, 1.1.1.1',
              always: false,
              scope: SUBNET,
            },
            { name: 'domain-name', code: 15, type: 'string', data: 'lab.home', always: false, scope: SUBNET },
            { name: 'broadcast-address', code: 28, type: 'ip', data: '10.123.0.255', always: false, scope: SUBNET },
          ],
          nextServer: '',
          bootFile: '',
          serverHostname: '',
        },
        {
          subnet: '10.124.0.0/24',
          pools: [],
          routers: [],
          dnsServers: [],
          domainName: '',
          leaseSeconds: 3600,
          poolSize: 0,
          addressesInUse: 0,
          declined: 0,
          free: 0,
          reservations: 0,
          options: [
            { name: 'broadcast-address', code: 28, type: 'ip', data: '10.124.0.255', always: false, scope: SUBNET },
          ],
          nextServer: '',
          bootFile: '',
          serverHostname: '',
        },
      ]);
    });

    test('GetStats returns the counters, since when, and the newest revision', async () => {
      // Counted as DhcpServer counts them.
      const counters = h.world.counters;
      for (let i = 0; i < 7; i++) {
        counters.countReceived(MessageType.Discover);
        counters.countSent(MessageType.Offer);
      }
      for (let i = 0; i < 5; i++) {
        counters.countReceived(MessageType.Request);
        counters.countSent(MessageType.Ack);
      }
      counters.countDrop('malformed');
      counters.declined = 1;
      counters.released = 2;
      counters.leasesCommitted = 9;
      await h.world.grant(testLease('10.123.0.100'));
      const { response } = await call<object, object>(h.stats.getStats.bind(h.stats) as never, {});
      assert.deepEqual(response, {
        dhcp: {
          received: { discover: 7, request: 5 },
          sent: { offer: 7, ack: 5 },
          dropped: { malformed: 1 },
          declinesRecorded: 1,
          releasesRecorded: 2,
          leasesCommitted: 9,
        },
        countingSince: new Date(WORLD_STARTED_AT),
        revision: h.log.lastRevision(),
      });
    });
  });
});
