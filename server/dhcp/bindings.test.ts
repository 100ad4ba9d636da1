// Bindings on a real SQLite store whose commits fail on demand (store/testing/failing-disk.ts):
// whatever fails, the database ends equal to the table, no newer lease is undone by a retry, the
// event log folds to the same state, and the store says when it is behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCidr, parseIPv4 } from './codec/ipv4.ts';
import { Bindings, type StoreHealth } from './bindings.ts';
import { Subnet } from './subnet.ts';
import type { Lease } from './lease.ts';
import { failingDisk, type FailingDisk } from '../store/testing/failing-disk.ts';
import { makeScratchDir } from '../store/testing/fixtures.ts';

const ip = (s: string) => parseIPv4(s)!;
const T0 = 1_800_000_000_000;
const scratch = makeScratchDir();
let files = 0;
after(() => scratch.remove());

function world(options: { onStoreHealth?: (h: StoreHealth, e: unknown) => void } = {}) {
  const subnet = new Subnet({
    id: '10.123.0.0/24',
    cidr: parseCidr('10.123.0.0/24')!,
    pools: [{ start: ip('10.123.0.100'), end: ip('10.123.0.109') }],
    routers: [],
    dnsServers: [],
    domainName: null,
    ntpServers: [],
    leaseTime: null,
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
    reservations: [],
  });
  const disk = failingDisk(`${scratch.path}/bindings-${++files}.db`, { now: () => T0 });
  const bindings = new Bindings([subnet], disk.store, { retryDelayMs: 5, maxRetryDelayMs: 20, ...options });
  return { subnet, disk, bindings };
}

function lease(address: string, client: string, now = T0, state: Lease['state'] = 'active'): Lease {
  const mac = `02:00:00:00:00:${client}`;
  return {
    address: ip(address),
    subnetId: '10.123.0.0/24',
    clientKey: `hw:${mac}`,
    hwAddress: mac,
    clientId: null,
    hostname: null,
    fqdn: null,
    state,
    startsAt: now,
    expiresAt: now + 3600_000,
  };
}

async function settled(bindings: Bindings): Promise<void> {
  for (let i = 0; i < 500 && (bindings.health().dirty > 0 || bindings.health().behind); i++)
    await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual([bindings.health().dirty, bindings.health().behind], [0, false], 'the store caught up');
}

/** The table as rows, to compare with the database. */
function tableRows(bindings: Bindings): Map<number, Lease> {
  return new Map([...bindings.leases()].map((l) => [l.address, { ...l }]));
}

/** The leases a watcher folding the whole event log ends with (lease.deleted removes the row). */
function foldedEvents(disk: FailingDisk): Map<number, Lease> {
  const folded = new Map<number, Lease>();
  for (const event of disk.events.readSince(0, 1_000_000)) {
    if (!('lease' in event)) continue;
    if (event.kind === 'lease.deleted') folded.delete(event.lease.address);
    else folded.set(event.lease.address, event.lease);
  }
  return folded;
}

test('a retry never undoes a newer lease: A moves off X, the commit fails, X goes to B, B stays', async (t) => {
  const { disk, bindings } = world();
  t.after(() => disk.store.close());
  assert.ok(await bindings.bind(lease('10.123.0.100', 'aa'), 'lease.granted').durable);
  disk.fail(1);
  // A moves to Y: its old row X is deleted in the same commit, which fails.
  assert.equal(await bindings.bind(lease('10.123.0.101', 'aa', T0 + 1), 'lease.granted').durable, false);
  // X goes to B, and that commit succeeds (before the retry runs).
  assert.ok(await bindings.bind(lease('10.123.0.100', 'bb', T0 + 2), 'lease.granted').durable);
  await settled(bindings);
  const rows = disk.rows();
  assert.equal(rows.get(ip('10.123.0.100'))?.hwAddress, '02:00:00:00:00:bb', "B's ACKed lease is still stored");
  assert.equal(rows.get(ip('10.123.0.101'))?.hwAddress, '02:00:00:00:00:aa', "A's move was stored by the retry");
  assert.deepEqual(rows, tableRows(bindings));
  assert.deepEqual(foldedEvents(disk), tableRows(bindings), 'the event log tells the same story');
});

test('retries never give up, and the store says it is behind until it catches up', async (t) => {
  const reports: [boolean, string | null][] = [];
  const { disk, bindings } = world({
    onStoreHealth: (h, e) => reports.push([h.behind, e === null ? null : String(e)]),
  });
  t.after(() => disk.store.close());
  disk.fail(60); // far more failed commits than the old code's 20 retries
  assert.equal(await bindings.bind(lease('10.123.0.100', 'aa'), 'lease.granted').durable, false);
  assert.equal(bindings.health().behind, true);
  await settled(bindings);
  assert.equal(disk.rows().get(ip('10.123.0.100'))?.hwAddress, '02:00:00:00:00:aa');
  assert.equal(bindings.health().failedWrites, 60, 'the first write and 59 retries failed');
  assert.equal(bindings.health().retries, 60, 'the 60th retry stored it');
  assert.equal(reports.length, 2, 'one report falling behind, one catching up');
  assert.equal(reports[0]![0], true);
  assert.match(reports[0]![1]!, /disk is full/);
  assert.deepEqual(reports[1], [false, null]);
});

test('a failed reclaim pass and a failed operator release are retried too', async (t) => {
  const { disk, bindings } = world();
  t.after(() => disk.store.close());
  const held = lease('10.123.0.100', 'aa');
  const other = lease('10.123.0.101', 'bb');
  assert.ok(await bindings.bind(held, 'lease.granted').durable);
  assert.ok(await bindings.bind(other, 'lease.granted').durable);
  disk.fail(3);
  assert.equal(await bindings.reclaim(T0 + 3600_001).durable, false);
  assert.equal(await bindings.end(bindings.byAddr(other.address)!, T0 + 3600_002).durable, false);
  await settled(bindings);
  assert.deepEqual(
    [...disk.rows().values()].map((l) => l.state),
    ['expired', 'released'],
  );
  assert.deepEqual(disk.rows(), tableRows(bindings));
});

test('any sequence of changes with failing commits ends with the database equal to the table', async () => {
  const addresses = ['10.123.0.100', '10.123.0.101', '10.123.0.102', '10.123.0.103'];
  const clients = ['01', '02', '03', '04', '05'];
  const step = fc.oneof(
    fc.record({
      op: fc.constant('bind' as const),
      address: fc.constantFrom(...addresses),
      client: fc.constantFrom(...clients),
    }),
    fc.record({ op: fc.constant('end' as const), address: fc.constantFrom(...addresses) }),
    fc.record({ op: fc.constant('decline' as const), address: fc.constantFrom(...addresses) }),
    fc.record({ op: fc.constant('reclaim' as const) }),
    fc.record({ op: fc.constant('fail' as const), commits: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ op: fc.constant('turn' as const) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
      const { disk, bindings } = world();
      try {
        let now = T0;
        for (const s of steps) {
          now += 1000;
          switch (s.op) {
            case 'bind': {
              // Only bind where the engine would: a free address, or the client's own.
              const current = bindings.byAddr(ip(s.address));
              const mine = `hw:02:00:00:00:00:${s.client}`;
              if (current && current.state === 'active' && current.expiresAt > now && current.clientKey !== mine) break;
              if (current?.state === 'declined' && current.expiresAt > now) break;
              const renewed = current?.clientKey === mine && current.state === 'active' && current.expiresAt > now;
              bindings.bind(lease(s.address, s.client, now), renewed ? 'lease.renewed' : 'lease.granted');
              break;
            }
            case 'end': {
              const current = bindings.byAddr(ip(s.address));
              if (current?.state === 'active') bindings.end(current, now);
              break;
            }
            case 'decline': {
              const current = bindings.byAddr(ip(s.address));
              if (current?.state === 'active') bindings.decline(current, now, now + 2000);
              break;
            }
            case 'reclaim':
              bindings.reclaim(now + 3600_000);
              break;
            case 'fail':
              disk.fail(s.commits);
              break;
            case 'turn':
              await new Promise((r) => setImmediate(r));
              break;
            default: {
              const never: never = s;
              throw new Error(`unknown step ${JSON.stringify(never)}`);
            }
          }
        }
        disk.heal();
        await settled(bindings);
        assert.deepEqual(disk.rows(), tableRows(bindings));
        assert.deepEqual(foldedEvents(disk), tableRows(bindings));
      } finally {
        await disk.store.close();
      }
    }),
    { numRuns: 60 },
  );
});
