import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamSlots, processStreamSlots, streamLimitMessage } from './stream-slots.ts';

test('N streams fit, the next is refused, and a released slot lets one more in', () => {
  const slots = new StreamSlots(3);
  const releases = [slots.take(), slots.take(), slots.take()];
  assert.ok(releases.every((release) => release !== null));
  assert.equal(slots.open, 3);
  assert.equal(slots.take(), null);
  releases[1]!();
  assert.equal(slots.open, 2);
  const next = slots.take();
  assert.notEqual(next, null);
  assert.equal(slots.take(), null);
});

test('a slot released twice (abort, then the stream closing) frees it once', () => {
  const slots = new StreamSlots(2);
  const first = slots.take()!;
  const second = slots.take()!;
  first();
  first();
  assert.equal(slots.open, 1);
  assert.notEqual(slots.take(), null);
  assert.equal(slots.take(), null);
  second();
  assert.equal(slots.open, 1);
});

test('one set of slots per process and limit', () => {
  assert.equal(processStreamSlots(7), processStreamSlots(7));
  assert.equal(processStreamSlots(7).limit, 7);
  assert.equal(processStreamSlots(9).limit, 9);
});

test('the refusal names the limit and the config key', () => {
  assert.match(streamLimitMessage(256), /256 live event streams are open, the most dashboard\.maxStreams allows/);
  assert.match(streamLimitMessage(256), /raise dashboard\.maxStreams in the config/);
  assert.match(streamLimitMessage(1), /1 live event stream is open/);
});
