import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { afterEnd } from './feed-retry.ts';

test('a console that ended says why (the trailer) and is asked for again for the next start', () => {
  assert.deepEqual(afterEnd(grpc.status.OK, '', 'the VM stopped'), { report: 'the VM stopped', retry: 'when-running' });
  assert.deepEqual(afterEnd(grpc.status.OK, '', null), {
    report: 'the daemon ended the stream',
    retry: 'when-running',
  });
});

test('a VM that does not exist is reported once and never asked for again', () => {
  assert.deepEqual(afterEnd(grpc.status.NOT_FOUND, 'no VM with id x', null), {
    report: 'no VM with id x',
    retry: 'never',
  });
});

test('a VM that is not running is reported and asked for again; a daemon restart backs off', () => {
  assert.equal(afterEnd(grpc.status.FAILED_PRECONDITION, 'VM x is stopped', null).retry, 'when-running');
  const away = afterEnd(grpc.status.UNAVAILABLE, 'shutting down', null);
  assert.equal(away.retry, 'backoff');
  assert.match(away.report!, /not reachable \(shutting down\); reconnecting/);
});

test('a console dropped for falling behind starts over at once without a word; anything else backs off', () => {
  assert.deepEqual(afterEnd(grpc.status.RESOURCE_EXHAUSTED, 'too slow', null), { report: null, retry: 'soon' });
  const odd = afterEnd(grpc.status.INTERNAL, 'boom', null);
  assert.equal(odd.retry, 'backoff');
  assert.match(odd.report!, /^INTERNAL: boom/);
});
