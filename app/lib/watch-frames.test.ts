import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../proto/gen/homeplane/v1/event.ts';
import { LeaseState, type Lease } from '../../proto/gen/homeplane/v1/lease.ts';
import { encodeSseFrame } from './sse.ts';
import { watchFrames } from './watch-frames.ts';

const lease: Lease = {
  address: '10.123.0.57',
  subnet: '10.123.0.0/24',
  // A Synology block, so the event's lease carries the vendor name (app/lib/oui.ts).
  hwAddress: '00:11:32:aa:bb:cc',
  clientId: '0152540000aabbcc',
  hostname: 'nas',
  fqdn: 'nas.lab.home',
  state: LeaseState.LEASE_STATE_ACTIVE,
  startsAt: new Date(1_000_000),
  expiresAt: new Date(4_600_000),
};
const event = (revision: number, kind: string): Event => ({
  revision,
  time: new Date(2_000),
  kind,
  object: { $case: 'lease', lease },
});
const wire = (...frames: ReturnType<typeof watchFrames>) => frames.map(encodeSseFrame).join('');

describe('watchFrames', () => {
  test('each event of a batch is one message whose id is its revision', () => {
    const frames = watchFrames({
      payload: { $case: 'events', events: { events: [event(7, 'lease.granted'), event(8, 'lease.released')] } },
    });
    assert.deepEqual(
      frames.map((f) => [f.id, f.event]),
      [
        [7, 'event'],
        [8, 'event'],
      ],
    );
    assert.deepEqual(JSON.parse(frames[0]!.data!), {
      revision: 7,
      time: 2_000,
      kind: 'lease.granted',
      lease: {
        address: '10.123.0.57',
        subnet: '10.123.0.0/24',
        hwAddress: '00:11:32:aa:bb:cc',
        vendor: 'Synology Incorporated',
        clientId: '0152540000aabbcc',
        hostname: 'nas',
        fqdn: 'nas.lab.home',
        state: 'active',
        startsAt: 1_000_000,
        expiresAt: 4_600_000,
      },
    });
  });

  test('snapshot events carry no id, so they never move the resume point', () => {
    const frames = watchFrames({ payload: { $case: 'events', events: { events: [event(0, 'lease.snapshot')] } } });
    assert.equal(frames[0]!.id, undefined);
    assert.doesNotMatch(wire(...frames), /^id:/m);
  });

  test('reset, synced and bookmark', () => {
    assert.equal(wire(...watchFrames({ payload: { $case: 'reset', reset: {} } })), 'event: reset\ndata: {}\n\n');
    assert.equal(
      wire(...watchFrames({ payload: { $case: 'synced', synced: { revision: 12 } } })),
      'id: 12\nevent: synced\ndata: {"revision":12}\n\n',
    );
    assert.equal(
      wire(...watchFrames({ payload: { $case: 'bookmark', bookmark: { revision: 30 } } })),
      'id: 30\nevent: bookmark\ndata: {"revision":30}\n\n',
    );
  });

  test('an empty frame, or an unknown state, degrade without throwing', () => {
    assert.deepEqual(watchFrames({ payload: undefined }), []);
    const odd = { ...lease, state: 99 as LeaseState, startsAt: undefined };
    const [frame] = watchFrames({
      payload: {
        $case: 'events',
        events: { events: [{ ...event(3, 'lease.granted'), object: { $case: 'lease', lease: odd } }] },
      },
    });
    const data = JSON.parse(frame!.data!);
    assert.equal(data.lease.state, 'unknown');
    assert.equal(data.lease.startsAt, null);
  });
});
