// LeaseService, ReservationService, SubnetService and StatsService over the fake DhcpAdmin, on a
// real server: translation, paging, and every status code the contract names.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { LeaseState } from '../../proto/gen/homeplane/v1/lease.ts';
import { ReservationSource, type Reservation } from '../../proto/gen/homeplane/v1/reservation.ts';
import { AlreadyExistsError } from '../dhcp/errors.ts';
import { parseCidr } from '../dhcp/codec/ipv4.ts';
import { COUNTING_SINCE, testLease } from './testing/fake-admin.ts';
import { FakeEventLog } from './testing/fake-event-log.ts';
import { call, startHarness, type Harness } from './testing/harness.ts';
import { INVALID_FIELD_KEY } from './status.ts';

const apiReservation = (changes: Partial<Reservation> = {}): Reservation => ({
  id: '',
  subnet: '',
  mac: '52:54:00:AA:BB:01',
  clientId: '',
  address: '10.123.0.20',
  hostname: 'printer',
  source: ReservationSource.RESERVATION_SOURCE_UNSPECIFIED,
  ...changes,
});

describe('services', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      log: new FakeEventLog(),
      subnetSettings: {
        leaseTime: 3600,
        subnets: [
          {
            id: '10.123.0.0/24', cidr: parseCidr('10.123.0.0/24')!, pools: [{ start: 0x0a7b0064, end: 0x0a7b00c7 }],
            routers: [0x0a7b0001], dnsServers: [0x0a7b0001, 0x01010101], domainName: 'lab.home', ntpServers: [], leaseTime: 600, reservations: [],
          },
        ],
      },
    });
  });
  after(() => h.close());
  beforeEach(() => {
    h.admin.leases.clear();
    h.admin.reservations.clear();
    h.admin.failNextWith = null;
  });

  const lease = (method: 'listLeases' | 'getLease' | 'releaseLease') => h.leases[method].bind(h.leases) as never;
  const reservation = (method: keyof typeof h.reservations & string) => (h.reservations as never as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(h.reservations) as never;

  describe('LeaseService', () => {
    test('ListLeases filters, pages with opaque tokens and reports the revision and total', async () => {
      for (let i = 1; i <= 25; i++) h.admin.grant(testLease(`10.123.0.${i}`, i % 5 === 0 ? { state: 'expired' } : {}));
      h.admin.grant(testLease('10.124.0.9', { subnetId: '10.124.0.0/24' }));
      const seen: string[] = [];
      let pageToken = '';
      do {
        const { response, error } = await call<object, { leases: { address: string; state: number }[]; nextPageToken: string; revision: number; totalSize: number }>(
          lease('listLeases'),
          { subnet: '10.123.0.0/24', state: LeaseState.LEASE_STATE_ACTIVE, query: '', pageSize: 7, pageToken },
        );
        assert.equal(error, undefined);
        assert.equal(response!.totalSize, 20);
        assert.equal(response!.revision, h.log.lastRevision());
        assert.ok(response!.leases.every((l) => l.state === LeaseState.LEASE_STATE_ACTIVE));
        seen.push(...response!.leases.map((l) => l.address));
        pageToken = response!.nextPageToken;
      } while (pageToken !== '');
      assert.equal(seen.length, 20);
      assert.deepEqual(seen.slice(0, 5), ['10.123.0.1', '10.123.0.2', '10.123.0.3', '10.123.0.4', '10.123.0.6']);

      const byText = await call<object, { leases: { hostname: string }[] }>(lease('listLeases'), { subnet: '', state: 0, query: 'HOST-7', pageSize: 0, pageToken: '' });
      assert.deepEqual(byText.response?.leases.map((l) => l.hostname), ['host-7']);
    });

    test('a page token reused with other filters is INVALID_ARGUMENT', async () => {
      for (let i = 1; i <= 3; i++) h.admin.grant(testLease(`10.123.0.${i}`));
      const first = await call<object, { nextPageToken: string }>(lease('listLeases'), { subnet: '', state: 0, query: '', pageSize: 1, pageToken: '' });
      const { error } = await call(lease('listLeases'), { subnet: '', state: 0, query: 'x', pageSize: 1, pageToken: first.response!.nextPageToken });
      assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /^page_token: was made for other filters/);
    });

    test('GetLease translates every field', async () => {
      h.admin.grant(testLease('10.123.0.57', { clientId: '0152540000aabbcc', fqdn: 'nas.lab.home.', hostname: 'nas' }));
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
      h.admin.grant(testLease('10.123.0.8'));
      const before = h.log.lastRevision();
      const { response } = await call<object, { lease: { state: number } }>(lease('releaseLease'), { address: '10.123.0.8' });
      assert.equal(response?.lease.state, LeaseState.LEASE_STATE_RELEASED);
      assert.deepEqual(h.log.readSince(before, 10).map((e) => e.kind), ['lease.released']);
      const again = await call(lease('releaseLease'), { address: '10.123.0.8' });
      assert.equal(again.error?.code, grpc.status.FAILED_PRECONDITION);
      assert.match(again.error.details, /released, not active/);
    });

    test('NOT_FOUND for an address without a lease', async () => {
      for (const method of ['getLease', 'releaseLease'] as const) {
        const { error } = await call(lease(method), { address: '10.123.0.99' });
        assert.equal(error?.code, grpc.status.NOT_FOUND, method);
        assert.match(error.details, /no lease has the address 10\.123\.0\.99/);
      }
    });
  });

  describe('ReservationService', () => {
    test('Create normalises, stores with source API and appends reservation.created; Get and List find it', async () => {
      const before = h.log.lastRevision();
      const created = await call<object, { reservation: Reservation }>(reservation('createReservation'), { reservation: apiReservation({ clientId: '01:52:54:00:AA:BB:01' }) });
      assert.equal(created.error, undefined);
      const stored = created.response!.reservation;
      assert.deepEqual({ ...stored, id: 'x' }, {
        id: 'x', subnet: '10.123.0.0/24', mac: '52:54:00:aa:bb:01', clientId: '01525400aabb01', address: '10.123.0.20', hostname: 'printer',
        source: ReservationSource.RESERVATION_SOURCE_API,
      });
      assert.deepEqual(h.log.readSince(before, 10).map((e) => e.kind), ['reservation.created']);
      const got = await call<object, { reservation: Reservation }>(reservation('getReservation'), { id: stored.id });
      assert.deepEqual(got.response?.reservation, stored);
      const listed = await call<object, { reservations: Reservation[]; totalSize: number }>(reservation('listReservations'), { subnet: '', source: ReservationSource.RESERVATION_SOURCE_API, query: '', pageSize: 0, pageToken: '' });
      assert.deepEqual(listed.response?.reservations, [stored]);
    });

    test('List pages by address across sources and filters by source', async () => {
      h.admin.addConfigReservation({ subnetId: '10.123.0.0/24', mac: '52:54:00:00:01:01', clientId: null, ip: 0x0a7b0005, hostname: null });
      for (let i = 1; i <= 4; i++) {
        await call(reservation('createReservation'), { reservation: apiReservation({ mac: `52:54:00:00:00:0${i}`, address: `10.123.0.${30 - i}` }) });
      }
      const addresses: string[] = [];
      let pageToken = '';
      do {
        const page = await call<object, { reservations: Reservation[]; nextPageToken: string; totalSize: number }>(reservation('listReservations'), { subnet: '10.123.0.0/24', source: 0, query: '', pageSize: 2, pageToken });
        assert.equal(page.response?.totalSize, 5);
        addresses.push(...page.response!.reservations.map((r) => r.address));
        pageToken = page.response!.nextPageToken;
      } while (pageToken !== '');
      assert.deepEqual(addresses, ['10.123.0.5', '10.123.0.26', '10.123.0.27', '10.123.0.28', '10.123.0.29']);
      const config = await call<object, { reservations: Reservation[] }>(reservation('listReservations'), { subnet: '', source: ReservationSource.RESERVATION_SOURCE_CONFIG, query: '', pageSize: 0, pageToken: '' });
      assert.deepEqual(config.response?.reservations.map((r) => r.source), [ReservationSource.RESERVATION_SOURCE_CONFIG]);
    });

    test('Update changes the fields of the mask, clears a named empty field, keeps the rest', async () => {
      const { response } = await call<object, { reservation: Reservation }>(reservation('createReservation'), { reservation: apiReservation({ clientId: '0152540000aabb' }) });
      const id = response!.reservation.id;
      const updated = await call<object, { reservation: Reservation }>(reservation('updateReservation'), {
        reservation: { ...apiReservation({ id, address: '10.123.0.21', hostname: '', clientId: '' }) },
        updateMask: ['address', 'hostname'],
      });
      assert.equal(updated.error, undefined);
      assert.equal(updated.response!.reservation.address, '10.123.0.21');
      assert.equal(updated.response!.reservation.hostname, '');
      assert.equal(updated.response!.reservation.clientId, '0152540000aabb', 'not in the mask: kept');
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
      const { response } = await call<object, { reservation: Reservation }>(reservation('createReservation'), { reservation: apiReservation() });
      const id = response!.reservation.id;
      const before = h.log.lastRevision();
      const deleted = await call<object, { reservation: Reservation }>(reservation('deleteReservation'), { id });
      assert.deepEqual(deleted.response?.reservation, response!.reservation);
      assert.deepEqual(h.log.readSince(before, 10).map((e) => e.kind), ['reservation.deleted']);
      for (const method of ['getReservation', 'deleteReservation'] as const) {
        const { error } = await call(reservation(method), { id });
        assert.equal(error?.code, grpc.status.NOT_FOUND, method);
      }
    });

    test('config reservations are read-only: FAILED_PRECONDITION for update and delete', async () => {
      const config = h.admin.addConfigReservation({ subnetId: '10.123.0.0/24', mac: '52:54:00:00:01:01', clientId: null, ip: 0x0a7b0005, hostname: null });
      const update = await call(reservation('updateReservation'), { reservation: apiReservation({ id: config.id, hostname: 'x' }), updateMask: ['hostname'] });
      const remove = await call(reservation('deleteReservation'), { id: config.id });
      for (const { error } of [update, remove]) {
        assert.equal(error?.code, grpc.status.FAILED_PRECONDITION);
        assert.match(error.details, /comes from the config file; edit the file instead/);
      }
    });

    test('collisions are FAILED_PRECONDITION naming what collides', async () => {
      const first = await call<object, { reservation: Reservation }>(reservation('createReservation'), { reservation: apiReservation() });
      h.admin.grant(testLease('10.123.0.40'));
      const cases: [Partial<Reservation>, RegExp][] = [
        [{ mac: '52:54:00:aa:bb:99' }, new RegExp(`10\\.123\\.0\\.20 is already reserved by reservation "${first.response!.reservation.id}"`)],
        [{ address: '10.123.0.21' }, /MAC 52:54:00:aa:bb:01 already has reservation/],
        [{ mac: '52:54:00:aa:bb:98', address: '10.123.0.40' }, /10\.123\.0\.40 is held by an active lease of 52:54:00:00:00:28/],
      ];
      for (const [changes, message] of cases) {
        const { error } = await call(reservation('createReservation'), { reservation: apiReservation(changes) });
        assert.equal(error?.code, grpc.status.FAILED_PRECONDITION);
        assert.match(error.details, message);
      }
    });

    test('CreateFromLease takes the lease client and, when absent, its hostname; present and empty means none', async () => {
      h.admin.grant(testLease('10.123.0.50', { clientId: '0152540000aa32', hostname: 'laptop' }), testLease('10.123.0.51', { hostname: 'phone' }));
      const taken = await call<object, { reservation: Reservation }>(reservation('createReservationFromLease'), { address: '10.123.0.50' });
      assert.deepEqual({ ...taken.response!.reservation, id: '' }, {
        id: '', subnet: '10.123.0.0/24', mac: '52:54:00:00:00:32', clientId: '0152540000aa32', address: '10.123.0.50', hostname: 'laptop',
        source: ReservationSource.RESERVATION_SOURCE_API,
      });
      const cleared = await call<object, { reservation: Reservation }>(reservation('createReservationFromLease'), { address: '10.123.0.51', hostname: '' });
      assert.equal(cleared.response?.reservation.hostname, '');
      const again = await call(reservation('createReservationFromLease'), { address: '10.123.0.50' });
      assert.equal(again.error?.code, grpc.status.FAILED_PRECONDITION);
      const missing = await call(reservation('createReservationFromLease'), { address: '10.123.0.52' });
      assert.equal(missing.error?.code, grpc.status.NOT_FOUND);
    });
  });

  describe('INVALID_ARGUMENT names the field and the reason', () => {
    const cases: [string, () => Promise<{ error?: grpc.ServiceError }>, string, RegExp][] = [
      ['GetLease, empty address', () => call(lease('getLease'), { address: '' }), 'address', /is required/],
      ['GetLease, malformed address', () => call(lease('getLease'), { address: '10.123.0.256' }), 'address', /"10\.123\.0\.256" is not a dotted-quad/],
      ['ReleaseLease, malformed address', () => call(lease('releaseLease'), { address: 'nas' }), 'address', /not a dotted-quad/],
      ['ListLeases, negative page_size', () => call(lease('listLeases'), { subnet: '', state: 0, query: '', pageSize: -1, pageToken: '' }), 'page_size', /-1 is negative/],
      ['ListLeases, malformed subnet', () => call(lease('listLeases'), { subnet: '10.123.0.1/24', state: 0, query: '', pageSize: 0, pageToken: '' }), 'subnet', /is not a subnet/],
      ['ListLeases, unknown state', () => call(lease('listLeases'), { subnet: '', state: 9, query: '', pageSize: 0, pageToken: '' }), 'state', /9 is not a LeaseState/],
      ['ListLeases, forged page_token', () => call(lease('listLeases'), { subnet: '', state: 0, query: '', pageSize: 0, pageToken: 'bm9wZQ' }), 'page_token', /not a page token/],
      ['ListReservations, unknown source', () => call(reservation('listReservations'), { subnet: '', source: 7, query: '', pageSize: 0, pageToken: '' }), 'source', /not a ReservationSource/],
      ['CreateReservation, no reservation', () => call(reservation('createReservation'), {}), 'reservation', /is required/],
      ['CreateReservation, malformed MAC', () => call(reservation('createReservation'), { reservation: apiReservation({ mac: '52:54:00:aa:bb' }) }), 'reservation.mac', /is not a MAC address/],
      ['CreateReservation, odd hex client id', () => call(reservation('createReservation'), { reservation: apiReservation({ clientId: '01525' }) }), 'reservation.client_id', /is not a client identifier/],
      ['CreateReservation, no mac and no client_id', () => call(reservation('createReservation'), { reservation: apiReservation({ mac: '' }) }), 'reservation.mac', /needs a mac, a client_id, or both/],
      ['CreateReservation, bad hostname', () => call(reservation('createReservation'), { reservation: apiReservation({ hostname: 'no spaces' }) }), 'reservation.hostname', /not a valid host name/],
      ['CreateReservation, address in no subnet (domain error, proto field name)', () => call(reservation('createReservation'), { reservation: apiReservation({ address: '192.168.1.5' }) }), 'address', /192\.168\.1\.5 is in no configured subnet/],
      ['CreateReservation, subnet not the address\'s', () => call(reservation('createReservation'), { reservation: apiReservation({ subnet: '10.124.0.0/24' }) }), 'subnet', /is in 10\.123\.0\.0\/24, not 10\.124\.0\.0\/24/],
      ['UpdateReservation, no id', () => call(reservation('updateReservation'), { reservation: apiReservation(), updateMask: [] }), 'reservation.id', /is required/],
      ['UpdateReservation, unknown mask path', () => call(reservation('updateReservation'), { reservation: apiReservation({ id: 'api-1' }), updateMask: ['colour'] }), 'update_mask', /"colour" is not a field that can be updated/],
      ['UpdateReservation, subnet in the mask', () => call(reservation('updateReservation'), { reservation: apiReservation({ id: 'api-1' }), updateMask: ['subnet'] }), 'update_mask', /the subnet follows the address/],
      ['UpdateReservation, address cleared', () => call(reservation('updateReservation'), { reservation: apiReservation({ id: 'api-1', address: '' }), updateMask: ['address'] }), 'reservation.address', /is required/],
      ['GetReservation, no id', () => call(reservation('getReservation'), { id: '' }), 'id', /is required/],
      ['CreateFromLease, bad hostname', () => call(reservation('createReservationFromLease'), { address: '10.123.0.1', hostname: '-x' }), 'hostname', /not a valid host name/],
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
    test('ALREADY_EXISTS from the domain', async () => {
      h.admin.failNextWith = new AlreadyExistsError('reservation "api-7" already exists');
      const { error } = await call(reservation('createReservation'), { reservation: apiReservation() });
      assert.equal(error?.code, grpc.status.ALREADY_EXISTS);
      assert.equal(error.details, 'reservation "api-7" already exists');
    });

    test('any other error is INTERNAL with a generic message; the error itself goes to the log', async () => {
      const secret = 'SQLITE_CORRUPT: /var/lib/homeplane/homeplane.db';
      for (const run of [
        () => call(lease('getLease'), { address: '10.123.0.1' }), // throws synchronously
        () => call(lease('releaseLease'), { address: '10.123.0.1' }), // rejects
        () => call(h.stats.getStats.bind(h.stats) as never, {}),
      ]) {
        h.admin.failNextWith = new Error(secret);
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
      h.admin.grant(testLease('10.123.0.100'), testLease('10.123.0.101', { state: 'declined' }));
      const { response } = await call<object, { subnets: object[] }>(h.subnets.listSubnets.bind(h.subnets) as never, {});
      assert.deepEqual(response?.subnets, [
        {
          subnet: '10.123.0.0/24', pools: [{ start: '10.123.0.100', end: '10.123.0.199' }], routers: ['10.123.0.1'], dnsServers: ['10.123.0.1', '1.1.1.1'],
          domainName: 'lab.home', leaseSeconds: 600, poolSize: 100, addressesInUse: 1, declined: 1, free: 98, reservations: 0,
        },
        {
          subnet: '10.124.0.0/24', pools: [], routers: [], dnsServers: [], domainName: '', leaseSeconds: 3600,
          poolSize: 100, addressesInUse: 0, declined: 0, free: 100, reservations: 0,
        },
      ]);
    });

    test('GetStats returns the counters, since when, and the newest revision', async () => {
      const { response } = await call<object, object>(h.stats.getStats.bind(h.stats) as never, {});
      assert.deepEqual(response, {
        dhcp: {
          received: { discover: 7, request: 5 }, sent: { offer: 7, ack: 5 }, dropped: { malformed: 1 },
          declinesRecorded: 1, releasesRecorded: 2, leasesCommitted: 9,
        },
        countingSince: new Date(COUNTING_SINCE),
        revision: h.log.lastRevision(),
      });
    });
  });
});
