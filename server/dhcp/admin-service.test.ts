// DhcpAdminService on a real SQLite file and the real engine: reservations (collisions, read-only
// config entries, persistence, effect on the engine), operator release, listings with revisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite } from '../store/sqlite.ts';
import { SqliteEventLog } from '../store/sqlite-event-log.ts';
import { SqliteLeaseStore } from '../store/sqlite-lease-store.ts';
import { SqliteLeaseQueries } from '../store/sqlite-lease-queries.ts';
import { SqliteReservationStore } from '../store/sqlite-reservation-store.ts';
import { makeScratchDir } from '../store/testing/fixtures.ts';
import { parseCidr, parseIPv4 } from './codec/ipv4.ts';
import { DhcpEngine } from './engine.ts';
import { Bindings } from './bindings.ts';
import { Subnet } from './subnet.ts';
import { DhcpCounters } from './counters.ts';
import { DhcpAdminService } from './admin-service.ts';
import { ConflictError, InvalidInputError, NotFoundError, ReadOnlyError } from '../errors.ts';
import type { Lease } from './lease.ts';

const ip = (s: string) => parseIPv4(s)!;
const NOW = 1_800_000_000_000;

async function world(file: string) {
  const handle = openSqlite({ file, durability: 'process' });
  const clock = { now: () => NOW };
  const log = new SqliteEventLog(handle.raw, clock);
  const store = new SqliteLeaseStore(handle, log);
  const subnet = new Subnet({
    id: '10.123.0.0/24',
    cidr: parseCidr('10.123.0.0/24')!,
    pools: [{ start: ip('10.123.0.100'), end: ip('10.123.0.199') }],
    routers: [],
    dnsServers: [],
    domainName: null,
    ntpServers: [],
    leaseTime: null,
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
    reservations: [
      {
        mac: '52:54:00:aa:bb:cc',
        clientId: null,
        ip: ip('10.123.0.10'),
        hostname: 'nas',
        options: [],
        nextServer: null,
        bootFile: null,
        serverHostname: null,
      },
    ],
  });
  const bindings = new Bindings([subnet], store);
  bindings.load(await store.loadAll());
  const engine = new DhcpEngine(
    {
      authoritative: true,
      port: 67,
      leaseTime: 3600,
      minLeaseTime: 60,
      maxLeaseTime: 7200,
      declineProbation: 60,
      offerTimeout: 60,
      cacheThreshold: 0.25,
    },
    bindings,
    new Set([ip('10.123.0.1')]),
  );
  const counters = new DhcpCounters();
  const admin = new DhcpAdminService({
    bindings,
    subnetOnInterface: () => subnet,
    log,
    leases: new SqliteLeaseQueries(handle.raw),
    reservations: new SqliteReservationStore(handle.raw, log),
    counters,
    clock,
    startedAt: NOW - 1000,
  });
  return { admin, engine, bindings, store, log, subnet };
}

function lease(address: string, mac: string): Lease {
  return {
    address: ip(address),
    subnetId: '10.123.0.0/24',
    clientKey: `hw:${mac}`,
    hwAddress: mac,
    clientId: null,
    hostname: 'h',
    fqdn: null,
    state: 'active',
    startsAt: NOW,
    expiresAt: NOW + 3600_000,
  };
}

test('reservations: create, collide, update, delete; config ones are read-only; API ones survive a restart', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  let w = await world(dir.databaseFile);
  assert.deepEqual(
    w.admin.listReservations({}).items.map((r) => [r.id, r.source]),
    [['cfg-1', 'config']],
  );
  const r = await w.admin.createReservation({
    mac: '52:54:00:00:00:01',
    clientId: null,
    ip: ip('10.123.0.20'),
    hostname: 'printer',
  });
  assert.equal(r.source, 'api');
  assert.equal(w.subnet.reservationAt(ip('10.123.0.20'))?.mac, '52:54:00:00:00:01', 'the engine sees it at once');
  await assert.rejects(
    w.admin.createReservation({ mac: '52:54:00:aa:bb:cc', clientId: null, ip: ip('10.123.0.21'), hostname: null }),
    (e: Error) => e instanceof ConflictError && /MAC 52:54:00:aa:bb:cc .*cfg-1/.test(e.message),
  );
  await assert.rejects(
    w.admin.createReservation({ mac: '52:54:00:00:00:09', clientId: null, ip: ip('10.123.0.20'), hostname: null }),
    ConflictError,
  );
  await assert.rejects(
    w.admin.createReservation({ mac: null, clientId: null, ip: ip('10.123.0.22'), hostname: null }),
    InvalidInputError,
  );
  await assert.rejects(
    w.admin.createReservation({ mac: '52:54:00:00:00:08', clientId: null, ip: ip('192.168.1.1'), hostname: null }),
    InvalidInputError,
  );
  await assert.rejects(w.admin.updateReservation('cfg-1', { hostname: 'x' }), ReadOnlyError);
  await assert.rejects(w.admin.deleteReservation('nope'), NotFoundError);
  const moved = await w.admin.updateReservation(r.id, { ip: ip('10.123.0.30') });
  assert.equal(w.subnet.reservationAt(ip('10.123.0.20')), undefined);
  assert.equal(w.subnet.reservationAt(ip('10.123.0.30'))?.hostname, 'printer');
  assert.deepEqual(
    w.log.readSince(0, 10).map((e) => e.kind),
    ['reservation.created', 'reservation.updated'],
  );
  await w.store.close();
  w = await world(dir.databaseFile);
  assert.deepEqual(w.admin.getReservation(moved.id).ip, ip('10.123.0.30'));
  assert.equal(w.subnet.reservationAt(ip('10.123.0.30'))?.mac, '52:54:00:00:00:01', 'reloaded into the engine');
  await w.admin.deleteReservation(moved.id);
  assert.equal(w.subnet.reservationAt(ip('10.123.0.30')), undefined);
  await w.store.close();
});

test('a reservation on an address another client leases is refused; from-lease takes the lease over', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const w = await world(dir.databaseFile);
  const held = lease('10.123.0.150', '02:00:00:00:00:05');
  assert.ok(await w.bindings.bind(held, 'lease.granted').durable);
  await assert.rejects(
    w.admin.createReservation({ mac: '02:00:00:00:00:06', clientId: null, ip: held.address, hostname: null }),
    (e: Error) => e instanceof ConflictError && /leased to another client \(02:00:00:00:00:05\)/.test(e.message),
  );
  const r = await w.admin.createReservationFromLease(held.address, held.hostname);
  assert.deepEqual([r.mac, r.ip, r.hostname], ['02:00:00:00:00:05', held.address, 'h']);
  await w.store.close();
});

test('operator release, lease listing with filters, paging and revision', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const w = await world(dir.databaseFile);
  for (let i = 0; i < 5; i++) {
    const l = lease(`10.123.0.${100 + i}`, `02:00:00:00:00:0${i}`);
    assert.ok(await w.bindings.bind(l, 'lease.granted').durable);
  }
  const first = w.admin.listLeases({}, null, 2);
  assert.deepEqual(
    first.items.map((l) => l.address),
    [ip('10.123.0.100'), ip('10.123.0.101')],
  );
  assert.equal(first.total, 5);
  assert.equal(first.revision, 5);
  const second = w.admin.listLeases({}, first.nextAfter, 10);
  assert.equal(second.items.length, 3);
  assert.equal(second.nextAfter, null);
  assert.deepEqual(w.admin.listLeases({ query: '0.10' }, null, 10).items.length, 5);
  assert.deepEqual(
    w.admin.listLeases({ query: '00:03' }, null, 10).items.map((l) => l.address),
    [ip('10.123.0.103')],
  );
  const released = await w.admin.releaseLease(ip('10.123.0.102'));
  assert.equal(released.state, 'released');
  assert.equal(w.admin.getLease(ip('10.123.0.102')).lease.state, 'released');
  assert.deepEqual(
    w.admin.listLeases({ state: 'released' }, null, 10).items.map((l) => l.address),
    [ip('10.123.0.102')],
  );
  await assert.rejects(w.admin.releaseLease(ip('10.123.0.102')), ConflictError);
  await assert.rejects(w.admin.releaseLease(ip('10.123.0.199')), NotFoundError);
  assert.throws(() => w.admin.getLease(ip('10.123.0.199')), NotFoundError);
  const [summary] = w.admin.subnets();
  const { effective, ...usage } = summary!;
  assert.deepEqual(usage, { id: '10.123.0.0/24', poolSize: 100, inUse: 4, declined: 0, free: 96, reservations: 1 });
  assert.deepEqual(
    effective.options.map((planned) => [planned.option.name, planned.option.data, planned.scope]),
    [['broadcast-address', '10.123.0.255', 'subnet']],
  );
  await w.store.close();
});

test('deleting a reservation on a pool address gives the address back to the pool', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const w = await world(dir.databaseFile);
  const r = await w.admin.createReservation({
    mac: '52:54:00:00:00:07',
    clientId: null,
    ip: ip('10.123.0.100'),
    hostname: null,
  });
  const check = { isFree: (a: number) => !w.subnet.reservationAt(a), hasHistory: () => false };
  assert.equal(w.subnet.allocator.allocate(check), ip('10.123.0.101'), 'the cursor passes the reserved address');
  await w.admin.deleteReservation(r.id);
  const handedOut = new Set<number>();
  for (let a = w.subnet.allocator.allocate(check); a !== null; a = w.subnet.allocator.allocate(check)) handedOut.add(a);
  assert.ok(handedOut.has(ip('10.123.0.100')), 'the formerly reserved address is allocatable again');
  await w.store.close();
});

test('VM reservations: a free pool address (source vm, the VM name as host name), refused twice for a MAC, released', async (t) => {
  const dir = makeScratchDir();
  t.after(() => dir.remove());
  const w = await world(dir.databaseFile);
  assert.ok(await w.bindings.bind(lease('10.123.0.100', '02:00:00:00:00:05'), 'lease.granted').durable);
  const r = await w.admin.reserveForVm('52:54:00:12:34:56', 'web', 'br0');
  assert.deepEqual(
    [r.ip, r.source, r.hostname, r.mac],
    [ip('10.123.0.101'), 'vm', 'web', '52:54:00:12:34:56'],
    'the first address nobody holds',
  );
  assert.equal(w.subnet.reservationAt(ip('10.123.0.101'))?.mac, '52:54:00:12:34:56', 'the engine sees it at once');
  await assert.rejects(w.admin.reserveForVm('52:54:00:12:34:56', 'web2', 'br0'), ConflictError);
  await assert.rejects(
    w.admin.deleteReservation(r.id),
    (e: Error) => e instanceof ReadOnlyError && /VM inventory/.test(e.message),
  );
  await w.admin.releaseVm('52:54:00:12:34:56');
  assert.equal(w.subnet.reservationAt(ip('10.123.0.101')), undefined);
  assert.deepEqual(
    w.log.readSince(0, 10).map((e) => e.kind),
    ['lease.granted', 'reservation.created', 'reservation.deleted'],
  );
  await w.store.close();
});
