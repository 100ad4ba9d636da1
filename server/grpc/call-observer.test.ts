// The call observer on a real grpc-js server: every call of a served method is told once with its
// status code, whatever ended it: the handler (OK, NOT_FOUND), the token check (UNAUTHENTICATED,
// the handler never ran), or the client cancelling a stream (CANCELLED).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { bearer, call, startHarness, waitFor, WatchRecorder } from './testing/harness.ts';
import type { EndedCall } from './call-observer.ts';
import { ListLeasesRequest } from '../../proto/gen/homeplane/v1/lease.ts';

test('each call is told once, with its method, type and status code', async () => {
  const calls: EndedCall[] = [];
  const h = await startHarness({ observer: { callEnded: (c) => calls.push(c), watchDropped: () => undefined } });
  try {
    const leases = h.leases;
    assert.equal(
      (await call(leases.listLeases.bind(leases), ListLeasesRequest.fromPartial({}), bearer())).error,
      undefined,
    );
    const refused = await call(
      leases.listLeases.bind(leases),
      ListLeasesRequest.fromPartial({}),
      bearer('wrong-token-0123456789abcdef'),
    );
    assert.equal(refused.error?.code, grpc.status.UNAUTHENTICATED);
    const missing = await call(leases.getLease.bind(leases), { address: '10.123.0.250' }, bearer());
    assert.equal(missing.error?.code, grpc.status.NOT_FOUND);
    const watch = new WatchRecorder(h.separateEventClient(), { sinceRevision: h.log.lastRevision() });
    await waitFor(() => h.server.openWatches === 1, 'the watch to open');
    await watch.cancel();
    await waitFor(() => calls.length === 4, 'four calls told');
    const told = calls.map(({ path, code, type }) => ({ path, code: grpc.status[code], type }));
    assert.deepEqual(told, [
      { path: '/homeplane.v1.LeaseService/ListLeases', code: 'OK', type: 'unary' },
      { path: '/homeplane.v1.LeaseService/ListLeases', code: 'UNAUTHENTICATED', type: 'unary' },
      { path: '/homeplane.v1.LeaseService/GetLease', code: 'NOT_FOUND', type: 'unary' },
      { path: '/homeplane.v1.EventService/Watch', code: 'CANCELLED', type: 'server_stream' },
    ]);
    for (const c of calls) assert.ok(c.seconds >= 0 && c.seconds < 60, `${c.path} took ${c.seconds} s`);
  } finally {
    await h.close();
  }
});
