import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReservationSource, type Reservation } from '../../proto/gen/homeplane/v1/reservation.ts';
import { ObjectCache } from './live/object-cache.ts';
import { toReservationView } from './reservation-convert.ts';
import { asReservationView, RESERVATION_TYPE, type ReservationView } from './reservation-view.ts';
import { watchFrames } from './watch-frames.ts';

const proto: Reservation = {
  id: '7',
  subnet: '10.123.0.0/24',
  mac: '',
  clientId: '01525400aabbcc',
  address: '10.123.0.10',
  hostname: '',
  source: ReservationSource.RESERVATION_SOURCE_API,
  options: [],
  nextServer: '',
  bootFile: '',
  serverHostname: '',
};

describe('toReservationView', () => {
  test('keeps empty fields and names the source', () => {
    assert.deepEqual(toReservationView(proto), {
      id: '7',
      subnet: '10.123.0.0/24',
      mac: '',
      clientId: '01525400aabbcc',
      address: '10.123.0.10',
      hostname: '',
      source: 'api',
    });
  });

  test('each source by name; an unknown one is read-only "unknown"', () => {
    const source = (s: number) => toReservationView({ ...proto, source: s as ReservationSource }).source;
    assert.equal(source(ReservationSource.RESERVATION_SOURCE_CONFIG), 'config');
    assert.equal(source(ReservationSource.RESERVATION_SOURCE_VM), 'vm');
    assert.equal(source(ReservationSource.RESERVATION_SOURCE_UNSPECIFIED), 'unknown');
    assert.equal(source(42), 'unknown');
  });
});

describe('reservation events through the relay', () => {
  const frame = (revision: number, kind: string, reservation: Reservation) =>
    watchFrames({
      payload: {
        $case: 'events',
        events: { events: [{ revision, time: new Date(5_000), kind, object: { $case: 'reservation', reservation } }] },
      },
    })[0]!;

  test('the SSE data carries the plain view, which the page folds by id', () => {
    const data = JSON.parse(frame(12, 'reservation.created', proto).data!) as { reservation: unknown };
    assert.deepEqual(data.reservation, toReservationView(proto));

    const cache = new ObjectCache(RESERVATION_TYPE, [], 11);
    const apply = (revision: number, kind: string, r: Reservation) =>
      cache.apply({ type: 'event', event: JSON.parse(frame(revision, kind, r).data!) });
    assert.equal(apply(12, 'reservation.created', proto), true);
    assert.equal(apply(13, 'reservation.updated', { ...proto, hostname: 'nas' }), true);
    assert.equal(cache.get('7')?.row.hostname, 'nas');
    assert.equal(cache.get('7')?.changes, 2);
    assert.equal(apply(14, 'reservation.deleted', proto), true);
    assert.equal(cache.size, 0);
  });

  test('an object of another shape (proto JSON, say) is not folded in', () => {
    const cache = new ObjectCache(RESERVATION_TYPE, [], 0);
    const protoJson = { id: '7', address: '10.123.0.10', source: 'RESERVATION_SOURCE_API' };
    assert.equal(
      cache.apply({
        type: 'event',
        event: { revision: 1, time: null, kind: 'reservation.created', reservation: protoJson },
      }),
      false,
    );
    assert.equal(asReservationView(protoJson), undefined);
    assert.equal(asReservationView(null), undefined);
    const view: ReservationView = toReservationView(proto);
    assert.equal(asReservationView(view), view);
  });
});
