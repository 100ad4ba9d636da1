import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchResponse, type DeepPartial } from '../../proto/gen/homeplane/v1/event.ts';
import { LeaseState, type Lease } from '../../proto/gen/homeplane/v1/lease.ts';
import { readFrameFull, readFrameLean, type Frame } from './watch-frames.ts';

function bytesOf(response: DeepPartial<WatchResponse>): Buffer {
  return Buffer.from(WatchResponse.encode(WatchResponse.fromPartial(response)).finish());
}

function lease(address: string): DeepPartial<Lease> {
  return {
    address,
    subnet: '10.64.0.0/12',
    hwAddress: '00:0c:01:02:03:04',
    hostname: 'host-with-a-long-name',
    state: LeaseState.LEASE_STATE_ACTIVE,
    startsAt: new Date(1_700_000_000_123),
    expiresAt: new Date(1_700_003_600_123),
  };
}

const BATCH = bytesOf({
  payload: {
    $case: 'events',
    events: {
      events: [
        {
          revision: 41,
          time: new Date(1_760_000_000_987),
          kind: 'lease.granted',
          object: { $case: 'lease', lease: lease('10.65.0.1') },
        },
        // Past 2^32, so a varint longer than five bytes is read right.
        {
          revision: 2 ** 40 + 3,
          time: new Date(1_760_000_001_005),
          kind: 'lease.renewed',
          object: { $case: 'lease', lease: lease('10.65.0.2') },
        },
      ],
    },
  },
});

describe('reading Watch frames', () => {
  test('a batch gives each event its revision and commit time in ms, skipping the lease', () => {
    const expected: Frame = {
      type: 'events',
      events: [
        { revision: 41, timeMs: 1_760_000_000_987 },
        { revision: 2 ** 40 + 3, timeMs: 1_760_000_001_005 },
      ],
    };
    assert.deepEqual(readFrameLean(BATCH), expected);
    assert.deepEqual(readFrameFull(BATCH), expected);
  });

  test('reset, synced and bookmark frames', () => {
    const cases: [DeepPartial<WatchResponse>, Frame][] = [
      [{ payload: { $case: 'reset', reset: {} } }, { type: 'reset' }],
      [{ payload: { $case: 'synced', synced: { revision: 300 } } }, { type: 'synced', revision: 300 }],
      [{ payload: { $case: 'bookmark', bookmark: { revision: 7 } } }, { type: 'bookmark', revision: 7 }],
      [{ payload: { $case: 'bookmark', bookmark: { revision: 0 } } }, { type: 'bookmark', revision: 0 }],
    ];
    for (const [response, frame] of cases) {
      assert.deepEqual(readFrameLean(bytesOf(response)), frame);
      assert.deepEqual(readFrameFull(bytesOf(response)), frame);
    }
  });

  test('an empty frame is unknown; a truncated one throws', () => {
    assert.deepEqual(readFrameLean(Buffer.alloc(0)), { type: 'unknown' });
    assert.throws(() => readFrameLean(BATCH.subarray(0, BATCH.length - 3)), RangeError);
  });
});
