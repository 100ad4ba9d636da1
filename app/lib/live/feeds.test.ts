import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedKey, frameFeed, unionFeeds, type Feed } from './feeds.ts';

const a: Feed = { kind: 'console', vmId: 'a' };
const b: Feed = { kind: 'console', vmId: 'b' };
const stats: Feed = { kind: 'vm-stats' };

test('the union of the tabs’ feeds lists each feed once, in the same order whatever the tabs’ order', () => {
  const one = unionFeeds([[b, stats], [a, b], [stats]]);
  const other = unionFeeds([[stats], [a], [b, a, stats]]);
  assert.deepEqual(one, [a, b, stats]);
  assert.deepEqual(other, one);
});

test('no tab wanting anything is no feed', () => {
  assert.deepEqual(unionFeeds([]), []);
  assert.deepEqual(unionFeeds([[], []]), []);
});

test('consoles of different VMs are different feeds; a frame belongs to its VM’s console', () => {
  assert.notEqual(feedKey(a), feedKey(b));
  assert.equal(feedKey(frameFeed({ kind: 'console', vmId: 'a', data: '', restart: false })), feedKey(a));
  assert.equal(feedKey(frameFeed({ kind: 'console-end', vmId: 'b', reason: 'stopped' })), feedKey(b));
  assert.equal(feedKey(frameFeed({ kind: 'vm-stats', time: 0, vms: [] })), feedKey(stats));
});
