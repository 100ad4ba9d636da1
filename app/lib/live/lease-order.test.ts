import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexLease, leaseComparator, leaseMatcher, type IndexedLease, type LeaseSort } from './lease-filter.ts';
import { LeaseOrder } from './lease-order.ts';
import { LEASE_STATES, type LeaseRow } from './types.ts';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lease(rand: () => number, address: string): IndexedLease {
  const row: LeaseRow = {
    address,
    subnet: '10.0.0.0/16',
    hwAddress: `52:54:00:00:${Math.floor(rand() * 256)
      .toString(16)
      .padStart(2, '0')}:01`,
    vendor: '',
    clientId: '',
    hostname: rand() < 0.3 ? '' : `host-${Math.floor(rand() * 50)}`,
    fqdn: '',
    state: LEASE_STATES[Math.floor(rand() * LEASE_STATES.length)]!,
    startsAt: Math.floor(rand() * 1000),
    expiresAt: rand() < 0.1 ? null : Math.floor(rand() * 1000),
  };
  return indexLease(row, rand() < 0.2);
}

const addresses = (list: readonly IndexedLease[]) => list.map((e) => e.row.address);

test('random inserts, moves and removals keep the same order as a full sort', () => {
  const rand = random(8);
  const sorts: LeaseSort[] = [
    { column: 'address', descending: false },
    { column: 'hostname', descending: true },
    { column: 'state', descending: false },
    { column: 'expires', descending: true },
  ];
  for (const sort of sorts) {
    const compare = leaseComparator(sort);
    const matches = leaseMatcher({ query: '', state: null, subnet: null });
    const order = new LeaseOrder<IndexedLease>(compare, matches);
    const truth = new Map<string, IndexedLease>();
    for (let step = 0; step < 3000; step++) {
      const address = `10.0.${Math.floor(rand() * 4)}.${Math.floor(rand() * 100)}`;
      if (rand() < 0.15) {
        order.remove(address);
        truth.delete(address);
      } else {
        const entry = lease(rand, address);
        order.put(entry);
        truth.set(address, entry);
      }
    }
    assert.deepEqual(addresses(order.view()), addresses([...truth.values()].sort(compare)), sort.column);
  }
});

test('a batch merged in one pass lands where puts one by one would', () => {
  const rand = random(3);
  const compare = leaseComparator({ column: 'hostname', descending: false });
  const matches = leaseMatcher({ query: '', state: 'active', subnet: null });
  const one = new LeaseOrder<IndexedLease>(compare, matches);
  const batch = new LeaseOrder<IndexedLease>(compare, matches);
  const first = Array.from({ length: 500 }, (_, i) => lease(rand, `10.1.${i >> 8}.${i & 255}`));
  one.rebuild(first);
  batch.rebuild(first);
  // Half the batch replaces listed rows (some no longer matching), half is new, one address twice.
  const page = Array.from({ length: 400 }, (_, i) => lease(rand, `10.1.${(i * 2) >> 8}.${(i * 2) & 255}`));
  page.push(lease(rand, '10.1.0.0'));
  for (const entry of page) one.put(entry);
  batch.putMany(page);
  assert.deepEqual(addresses(batch.view()), addresses(one.view()));
  assert.ok(batch.view().every((e) => e.row.state === 'active'));
  assert.equal(batch.indexOf(batch.at(17)!.row.address), 17);
});

test('a row that stops matching the filter leaves the list', () => {
  const rand = random(1);
  const order = new LeaseOrder<IndexedLease>(
    leaseComparator({ column: 'address', descending: false }),
    leaseMatcher({ query: 'keep', state: null, subnet: null }),
  );
  const kept = indexLease({ ...lease(rand, '10.0.0.1').row, hostname: 'keep-me' }, false);
  order.put(kept);
  assert.equal(order.length, 1);
  order.put(indexLease({ ...kept.row, hostname: 'other' }, false));
  assert.equal(order.length, 0);
  assert.equal(order.indexOf('10.0.0.1'), -1);
});
