// Bindings.poolUsage() comes from counts the lease table keeps as it changes (the metrics read it
// at every scrape, so it must not walk the table). Whatever sequence of grants, moves, renewals,
// declines, releases, reclaims and start-up loads happens, those counts must equal a walk over
// the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIPv4 } from './codec/ipv4.ts';
import { parseConfig } from '../config/load.ts';
import { Bindings, type PoolUsage } from './bindings.ts';
import { Subnet } from './subnet.ts';
import type { Lease, LeaseStore } from './lease.ts';

const ip = (s: string) => parseIPv4(s)!;
const T0 = 1_800_000_000_000;
const SUBNET = '10.123.0.0/24';

/** Commits at once: this test is about the table, not the store. */
const memoryStore: LeaseStore = {
  loadAll: () => Promise.resolve([]),
  put: () => Promise.resolve(),
  remove: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

function makeBindings(): { bindings: Bindings; subnet: Subnet } {
  // Two pools; addresses .90-.99 and .120-.130 are in the subnet but in no pool.
  const config = parseConfig(
    `dhcp:
  interfaces: [br0]
  subnets:
    - subnet: ${SUBNET}
      pools: ["10.123.0.100-10.123.0.119", "10.123.0.200-10.123.0.209"]
      reservations: [{ mac: "02:00:00:00:00:aa", ip: 10.123.0.95 }]
`,
    { source: null, baseDir: '/' },
  );
  const subnet = new Subnet(config.dhcp.subnets[0]!);
  return { bindings: new Bindings([subnet], memoryStore), subnet };
}

function lease(address: number, client: number, expiresAt: number): Lease {
  const mac = `02:00:00:00:01:${client.toString(16).padStart(2, '0')}`;
  return {
    address,
    subnetId: SUBNET,
    clientKey: `hw:${mac}`,
    hwAddress: mac,
    clientId: null,
    hostname: null,
    fqdn: null,
    state: 'active',
    startsAt: T0,
    expiresAt,
  };
}

/** The same numbers by walking every lease: what the counts must agree with. */
function walked(bindings: Bindings, subnet: Subnet): PoolUsage {
  let leased = 0;
  let declined = 0;
  let busy = 0;
  for (const l of bindings.leases()) {
    if (l.subnetId !== subnet.id || (l.state !== 'active' && l.state !== 'declined')) continue;
    if (l.state === 'active') leased++;
    else declined++;
    if (subnet.allocator.contains(l.address)) busy++;
  }
  const size = subnet.allocator.capacity;
  return { subnet: subnet.id, size, leased, reserved: subnet.reservationCount, declined, free: size - busy };
}

const addresses = fc.oneof(
  fc.integer({ min: ip('10.123.0.90'), max: ip('10.123.0.130') }),
  fc.integer({ min: ip('10.123.0.200'), max: ip('10.123.0.209') }),
);
const step = fc.oneof(
  fc.record({ op: fc.constant('bind' as const), address: addresses, client: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constant('decline' as const), address: addresses }),
  fc.record({ op: fc.constant('end' as const), address: addresses }),
  fc.record({ op: fc.constant('reclaim' as const), at: fc.integer({ min: 0, max: 4 }) }),
);

test('pool usage kept as leases change equals a walk over the table', () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const { bindings, subnet } = makeBindings();
      let now = T0;
      for (const s of steps) {
        switch (s.op) {
          case 'bind': {
            // Expiries spread over the next hours, so reclaims end some and not others.
            const existing = bindings.forClient(SUBNET, `hw:02:00:00:00:01:${s.client.toString(16).padStart(2, '0')}`);
            const kind = existing?.address === s.address ? 'lease.renewed' : 'lease.granted';
            bindings.bind(lease(s.address, s.client, now + (1 + (s.address % 5)) * 3600_000), kind);
            break;
          }
          case 'decline': {
            const held = bindings.byAddr(s.address);
            if (held?.state === 'active') bindings.decline(held, now, now + 2 * 3600_000);
            break;
          }
          case 'end': {
            const held = bindings.byAddr(s.address);
            if (held?.state === 'active') bindings.end(held, now);
            break;
          }
          case 'reclaim':
            now += s.at * 3600_000;
            bindings.reclaim(now);
            break;
        }
        assert.deepEqual(bindings.poolUsage(), [walked(bindings, subnet)]);
      }
      // A start-up load of the same leases gives the same counts.
      const reloaded = makeBindings();
      reloaded.bindings.load([...bindings.leases()].map((l) => ({ ...l })));
      assert.deepEqual(reloaded.bindings.poolUsage(), bindings.poolUsage());
    }),
    { numRuns: 300 },
  );
});

test('reading the pool usage of a fresh subnet: the whole pool free, reservations counted', () => {
  const { bindings } = makeBindings();
  assert.deepEqual(bindings.poolUsage(), [{ subnet: SUBNET, size: 30, leased: 0, reserved: 1, declined: 0, free: 30 }]);
  bindings.bind(lease(ip('10.123.0.100'), 1, T0 + 3600_000), 'lease.granted');
  bindings.bind(lease(ip('10.123.0.125'), 2, T0 + 3600_000), 'lease.granted'); // outside the pools
  assert.deepEqual(bindings.poolUsage(), [{ subnet: SUBNET, size: 30, leased: 2, reserved: 1, declined: 0, free: 29 }]);
});
