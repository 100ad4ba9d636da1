import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OfferBook } from './offers.ts';

const T0 = 1_700_000_000_000;
const A = 0x0a7b0064; // 10.123.0.100
const B = 0x0a7b0065; // 10.123.0.101
const C = 0x0a7b0066; // 10.123.0.102
const D = 0x0a7b0067; // 10.123.0.103

interface Case {
  why: string;
  /** Operations on a fresh book; returns what they observed. */
  run: (book: OfferBook) => unknown;
  expected: unknown;
}

const CASES: Case[] = [
  {
    why: 'a first offer to a client replaces nothing',
    run: (book) => book.hold(A, 's1', 'c1', T0 + 60_000),
    expected: undefined,
  },
  {
    why: "hold replaces the client's earlier offer and returns its address for the pool",
    run: (book) => [
      book.hold(A, 's1', 'c1', T0 + 60_000),
      book.hold(B, 's1', 'c1', T0 + 60_000),
      book.forClient('s1', 'c1', T0),
      book.heldByOther(A, 'c2', T0),
      book.expire(T0 + 60_000),
    ],
    expected: [undefined, A, B, false, [{ address: B, subnetId: 's1' }]],
  },
  {
    why: 'holding the same address for the same client again returns nothing (it stays out of the pool)',
    run: (book) => [book.hold(A, 's1', 'c1', T0 + 1000), book.hold(A, 's1', 'c1', T0 + 2000), book.expire(T0 + 1000)],
    expected: [undefined, undefined, []],
  },
  {
    why: 'the same client key in another subnet is another offer',
    run: (book) => [
      book.hold(A, 's1', 'c1', T0 + 60_000),
      book.hold(B, 's2', 'c1', T0 + 60_000),
      book.forClient('s1', 'c1', T0),
      book.forClient('s2', 'c1', T0),
    ],
    expected: [undefined, undefined, A, B],
  },
  {
    why: 're-holding an address for another client takes it from the first, and it lapses once',
    run: (book) => [
      book.hold(A, 's1', 'c1', T0 + 60_000),
      book.hold(A, 's1', 'c2', T0 + 60_000),
      book.forClient('s1', 'c1', T0),
      book.forClient('s1', 'c2', T0),
      book.heldByOther(A, 'c1', T0),
      book.heldByOther(A, 'c2', T0),
      book.expire(T0 + 60_000),
    ],
    expected: [undefined, undefined, undefined, A, true, false, [{ address: A, subnetId: 's1' }]],
  },
  {
    why: 'release forgets the offer on an address (and of an address without one, nothing)',
    run: (book) => {
      book.hold(A, 's1', 'c1', T0 + 60_000);
      book.release(B);
      book.release(A);
      return [book.forClient('s1', 'c1', T0), book.heldByOther(A, undefined, T0), book.expire(T0 + 60_000)];
    },
    expected: [undefined, false, []],
  },
  {
    why: "dropClient returns the client's address and forgets the offer; an unknown client drops nothing",
    run: (book) => {
      book.hold(A, 's1', 'c1', T0 + 60_000);
      return [
        book.dropClient('s1', 'c2'),
        book.dropClient('s1', 'c1'),
        book.heldByOther(A, undefined, T0),
        book.expire(T0 + 60_000),
      ];
    },
    expected: [undefined, A, false, []],
  },
  {
    why: 'an offer stops counting at its expiry time, before expire removes it',
    run: (book) => {
      book.hold(A, 's1', 'c1', T0 + 60_000);
      const at = (now: number) => [book.forClient('s1', 'c1', now), book.heldByOther(A, 'c2', now)];
      return [at(T0 + 59_999), at(T0 + 60_000)];
    },
    expected: [
      [A, true],
      [undefined, false],
    ],
  },
  {
    why: 'expire returns exactly the lapsed offers, soonest first, equal times in hold order',
    run: (book) => {
      book.hold(A, 's1', 'c1', T0 + 300);
      book.hold(B, 's1', 'c2', T0 + 100);
      book.hold(C, 's2', 'c3', T0 + 200);
      book.hold(D, 's1', 'c4', T0 + 200);
      return [book.expire(T0 + 99), book.expire(T0 + 250), book.expire(T0 + 250), book.expire(T0 + 300)];
    },
    expected: [
      [],
      [
        { address: B, subnetId: 's1' },
        { address: C, subnetId: 's2' },
        { address: D, subnetId: 's1' },
      ],
      [],
      [{ address: A, subnetId: 's1' }],
    ],
  },
  {
    why: 'after the clock steps back, a later offer with an earlier expiry lapses first',
    run: (book) => {
      book.hold(A, 's1', 'c1', T0 + 60_000);
      book.hold(B, 's1', 'c2', T0 - 3_600_000 + 60_000); // the clock went back an hour
      return [book.expire(T0 - 3_600_000 + 60_000), book.forClient('s1', 'c1', T0)];
    },
    expected: [[{ address: B, subnetId: 's1' }], A],
  },
];

describe('OfferBook', () => {
  for (const c of CASES) {
    test(c.why, () => {
      assert.deepEqual(c.run(new OfferBook()), c.expected);
    });
  }
});

/**
 * Expiry times that count their reads: every comparison of an offer's expiry time (a heap step,
 * an expiry check) reads it through valueOf, so the count is the number of offers looked at.
 */
class CountedTimes {
  reads = 0;

  at(ms: number): number {
    const valueOf = () => {
      this.reads++;
      return ms;
    };
    return { valueOf } as unknown as number;
  }
}

describe('OfferBook work with 65,536 offers held (a spoofer filled the pool)', () => {
  const n = 65_536;
  const levels = Math.log2(n) + 1;
  /** Offer i expires at T0 + (i * 7919 mod n): a permutation of 0..n-1, held out of order. */
  const expiryOf = (i: number) => T0 + ((i * 7919) % n);

  function filled(): { book: OfferBook; times: CountedTimes } {
    const times = new CountedTimes();
    const book = new OfferBook();
    for (let i = 0; i < n; i++) book.hold(i, 's1', `c${i}`, times.at(expiryOf(i)));
    times.reads = 0;
    return { book, times };
  }

  test('expire with nothing lapsed reads one expiry time, not every offer', () => {
    const { book, times } = filled();
    assert.deepEqual(book.expire(T0 - 1), []);
    assert.equal(times.reads, 1);
  });

  test('expire of 10 lapsed offers reads O(10 log n) expiry times and returns them soonest first', () => {
    const { book, times } = filled();
    const lapsed = book.expire(T0 + 9);
    // Per removal: the check, then at most two comparisons (four reads) on each heap level.
    assert.ok(times.reads <= 11 * 4 * levels, `${times.reads} expiry times read`);
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => expiryOf(i) <= T0 + 9)
      .sort((a, b) => expiryOf(a) - expiryOf(b));
    assert.equal(expected.length, 10);
    assert.deepEqual(
      lapsed,
      expected.map((address) => ({ address, subnetId: 's1' })),
    );
  });

  test('release, dropClient and a replacing hold each read O(log n) expiry times', () => {
    const { book, times } = filled();
    book.release(12_345);
    book.dropClient('s1', 'c777');
    book.hold(n + 1, 's1', 'c4242', times.at(T0 + 5));
    // A removal moves the last offer into the gap and sifts it up (two reads a level) or down
    // (four); the hold adds one offer and sifts it up.
    assert.ok(times.reads <= (6 + 6 + 6 + 2) * levels, `${times.reads} expiry times read`);
  });
});

/** The meaning of OfferBook without the index: every offer in a list, scanned. */
class ScannedOffers {
  private offers: { address: number; subnetId: string; clientKey: string; expiresAt: number }[] = [];

  hold(address: number, subnetId: string, clientKey: string, expiresAt: number): number | undefined {
    const previous = this.dropClient(subnetId, clientKey);
    this.release(address);
    this.offers.push({ address, subnetId, clientKey, expiresAt });
    return previous !== address ? previous : undefined;
  }

  forClient(subnetId: string, clientKey: string, now: number): number | undefined {
    const offer = this.offers.find((o) => o.subnetId === subnetId && o.clientKey === clientKey);
    return offer && offer.expiresAt > now ? offer.address : undefined;
  }

  heldByOther(address: number, clientKey: string | undefined, now: number): boolean {
    return this.offers.some((o) => o.address === address && o.expiresAt > now && o.clientKey !== clientKey);
  }

  release(address: number): void {
    this.offers = this.offers.filter((o) => o.address !== address);
  }

  dropClient(subnetId: string, clientKey: string): number | undefined {
    const offer = this.offers.find((o) => o.subnetId === subnetId && o.clientKey === clientKey);
    if (offer) this.offers = this.offers.filter((o) => o !== offer);
    return offer?.address;
  }

  /** Soonest first; the list is in hold order and the sort is stable, so ties stay in it. */
  expire(now: number): { address: number; subnetId: string }[] {
    const lapsed = this.offers.filter((o) => o.expiresAt <= now).sort((a, b) => a.expiresAt - b.expiresAt);
    this.offers = this.offers.filter((o) => o.expiresAt > now);
    return lapsed.map(({ address, subnetId }) => ({ address, subnetId }));
  }
}

const address = fc.integer({ min: 1, max: 6 });
const subnet = fc.constantFrom('s1', 's2');
const client = fc.constantFrom('a', 'b', 'c', 'd');
const time = fc.integer({ min: 0, max: 20 });
const operation = fc.oneof(
  fc.tuple(fc.constant('hold' as const), address, subnet, client, time),
  fc.tuple(fc.constant('forClient' as const), subnet, client, time),
  fc.tuple(fc.constant('heldByOther' as const), address, fc.option(client, { nil: undefined }), time),
  fc.tuple(fc.constant('release' as const), address),
  fc.tuple(fc.constant('dropClient' as const), subnet, client),
  fc.tuple(fc.constant('expire' as const), time),
);

test('property: OfferBook answers every sequence of operations as the scanned list does', () => {
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 80 }), (operations) => {
      const book = new OfferBook();
      const model = new ScannedOffers();
      for (const op of operations) {
        const apply = (target: OfferBook | ScannedOffers): unknown => {
          switch (op[0]) {
            case 'hold':
              return target.hold(op[1], op[2], op[3], op[4]);
            case 'forClient':
              return target.forClient(op[1], op[2], op[3]);
            case 'heldByOther':
              return target.heldByOther(op[1], op[2], op[3]);
            case 'release':
              return target.release(op[1]);
            case 'dropClient':
              return target.dropClient(op[1], op[2]);
            case 'expire':
              return target.expire(op[1]);
          }
        };
        assert.deepEqual(apply(book), apply(model), JSON.stringify(op));
      }
    }),
    { numRuns: 500 },
  );
});
