import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Lease, LeaseEventKind, LeaseState } from '../dhcp/lease.ts';
import {
  decodeJournalRecord,
  JournalRecordEncoder,
  JournalRecordError,
  type LeaseEventDraft,
  type LeaseParams,
} from './lease-journal-record.ts';
import { labBase, makeLease } from './testing/fixtures.ts';

const states: LeaseState[] = ['active', 'released', 'expired', 'declined'];
const kinds: LeaseEventKind[] = [
  'lease.granted',
  'lease.renewed',
  'lease.released',
  'lease.expired',
  'lease.declined',
  'lease.deleted',
];

const text = fc.string({ unit: 'grapheme', maxLength: 80 });
const lease: fc.Arbitrary<Lease> = fc
  .record({
    address: fc.integer({ min: 0, max: 0xffffffff }),
    subnetId: text,
    clientKey: text,
    hwAddress: text,
    clientId: fc.option(text, { nil: null }),
    hostname: fc.option(text, { nil: null }),
    fqdn: fc.option(text, { nil: null }),
    state: fc.constantFrom(...states),
    startsAt: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    expiresAt: fc.double({ noNaN: true }),
  })
  .map((l) => ({ ...l })); // a plain object, as the store's are (fc.record's have a null prototype)

function paramsOf(l: Lease): LeaseParams {
  return [
    l.address,
    l.subnetId,
    l.clientKey,
    l.hwAddress,
    l.clientId,
    l.hostname,
    l.fqdn,
    l.state,
    l.startsAt,
    l.expiresAt,
  ];
}

describe('journal records', () => {
  test('what is encoded decodes the same: writes (upserts and deletes) in order, events in order', () => {
    const encoder = new JournalRecordEncoder();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.tuple(lease, fc.boolean()), { maxLength: 20 }),
        fc.array(fc.tuple(fc.constantFrom(...kinds), lease), { maxLength: 20 }),
        fc.array(fc.boolean(), { maxLength: 20 }),
        (seq, rows, drafts, echoes) => {
          const writes = new Map<number, LeaseParams | null>(
            rows.map(([l, removed]) => [l.address, removed ? null : paramsOf(l)]),
          );
          // Events of leases of their own, and (as a put makes) events carrying a copy of a written lease.
          const events: LeaseEventDraft[] = drafts.map(([kind, l]) => ({ object: 'lease', kind, lease: l }));
          rows.forEach(([l], i) => {
            if (echoes[i] === true) events.push({ object: 'lease', kind: 'lease.granted', lease: { ...l } });
          });
          const decoded = decodeJournalRecord(Buffer.from(encoder.encode(seq, writes, events)));
          assert.deepEqual(decoded, { seq, writes: [...writes], events });
        },
      ),
    );
  });

  test("an event whose lease is its address's write is stored as a reference, and only then", () => {
    const encoder = new JournalRecordEncoder();
    const first = makeLease(labBase + 5, { hostname: 'first' });
    const second = makeLease(labBase + 5, { hostname: 'second' });
    // The same address put twice in one batch: the write is the second lease, the first event keeps the first.
    const writes = new Map([[second.address, paramsOf(second)]]);
    const events: LeaseEventDraft[] = [
      { object: 'lease', kind: 'lease.granted', lease: { ...first } },
      { object: 'lease', kind: 'lease.renewed', lease: { ...second } },
    ];
    const body = Buffer.from(encoder.encode(9, writes, events));
    assert.deepEqual(decodeJournalRecord(body), { seq: 9, writes: [...writes], events });
    const alone = Buffer.from(encoder.encode(9, writes, [events[1]!]));
    const writesOnly = encoder.encode(9, writes, []).length;
    assert.equal(
      alone.length,
      writesOnly + 2 + 'lease.renewed'.length + 1 + 4,
      'the event: its kind, the form, the address',
    );
    const dangling = Buffer.from(alone);
    dangling.writeUInt32LE(labBase + 6, dangling.length - 4); // the event's address: now one without a write
    assert.throws(() => decodeJournalRecord(dangling), /refers to the write of/);
  });

  test('one encoder serves record after record, growing for a large one', () => {
    const encoder = new JournalRecordEncoder();
    const big = makeLease(labBase + 1, { hostname: 'h'.repeat(60_000) });
    const small = makeLease(labBase + 2, { hostname: 'ünïcode ✓' });
    const first = Buffer.from(encoder.encode(1, new Map([[big.address, paramsOf(big)]]), []));
    const second = Buffer.from(encoder.encode(2, new Map([[small.address, paramsOf(small)]]), []));
    assert.equal(decodeJournalRecord(first).writes[0]![1]![5], big.hostname);
    assert.deepEqual(decodeJournalRecord(second).writes, [[small.address, paramsOf(small)]]);
  });

  test('a field too long for its length prefix is refused rather than cut', () => {
    const huge = makeLease(labBase + 1, { hostname: 'h'.repeat(70_000) });
    assert.throws(
      () => new JournalRecordEncoder().encode(1, new Map([[huge.address, paramsOf(huge)]]), []),
      /70000 bytes does not fit a journal record/,
    );
  });

  test('the JSON records of earlier versions read the same', () => {
    const l = makeLease(labBase + 3, { hostname: 'old' });
    const record = {
      seq: 7,
      writes: [[l.address, paramsOf(l)]],
      events: [{ object: 'lease', kind: 'lease.granted', lease: l }],
    };
    assert.deepEqual(decodeJournalRecord(Buffer.from(JSON.stringify(record))), record);
  });

  test('an unknown format, a body cut short or one with bytes after its end is an error, not a guess', () => {
    const l = makeLease(labBase + 4);
    const body = Buffer.from(new JournalRecordEncoder().encode(3, new Map([[l.address, paramsOf(l)]]), []));
    assert.throws(() => decodeJournalRecord(Buffer.from([2, ...body.subarray(1)])), JournalRecordError);
    assert.throws(() => decodeJournalRecord(Buffer.alloc(0)), /unknown format \(empty\)/);
    for (let cut = 1; cut < body.length; cut += 1)
      assert.throws(() => decodeJournalRecord(body.subarray(0, cut)), JournalRecordError, `cut at ${cut}`);
    assert.throws(() => decodeJournalRecord(Buffer.concat([body, Buffer.from([0])])), /1 bytes after its end/);
    const badTag = Buffer.from(body);
    badTag[1 + 8 + 4 + 4] = 9; // the write's tag
    assert.throws(() => decodeJournalRecord(badTag), /write tag 9/);
  });
});
