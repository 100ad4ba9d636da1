import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admitFeeds, MAX_CONSOLE_FEEDS, parseFeedRequest } from './feed-request.ts';
import type { Feed } from './live/feeds.ts';

test('a request lists each feed once and the feeds to restart', () => {
  assert.deepEqual(
    parseFeedRequest({
      stream: '0b5c1c1e-5d0e-4a55-9d7e-2f3c4b5a6d7e',
      feeds: [{ kind: 'console', vmId: 'v1' }, { kind: 'vm-stats' }, { kind: 'console', vmId: 'v1' }],
      restart: ['console:v1'],
    }),
    {
      stream: '0b5c1c1e-5d0e-4a55-9d7e-2f3c4b5a6d7e',
      feeds: [{ kind: 'console', vmId: 'v1' }, { kind: 'vm-stats' }],
      restart: ['console:v1'],
    },
  );
});

test('bad requests say what is wrong', () => {
  const error = (body: unknown): string => {
    const parsed = parseFeedRequest(body);
    assert.ok('error' in parsed, `expected an error for ${JSON.stringify(body)}`);
    return parsed.error;
  };
  assert.match(error(null), /JSON object/);
  assert.match(error({ feeds: [] }), /"stream"/);
  assert.match(error({ stream: 'a b', feeds: [] }), /"stream"/);
  assert.match(error({ stream: 's', feeds: {} }), /"feeds" must be an array/);
  assert.match(error({ stream: 's', feeds: [{ kind: 'shell' }] }), /feeds\[0\]: unknown feed kind "shell"/);
  assert.match(error({ stream: 's', feeds: [{ kind: 'console' }] }), /feeds\[0\]: a console feed needs "vmId"/);
  assert.match(error({ stream: 's', feeds: [{ kind: 'console', vmId: 'x'.repeat(129) }] }), /vmId/);
  assert.match(error({ stream: 's', feeds: [], restart: ['console:v1'] }), /"restart" must list keys of feeds/);
});

test(`a stream carries at most ${MAX_CONSOLE_FEEDS} consoles; the rest are refused with why, the samples still on`, () => {
  const consoles: Feed[] = Array.from({ length: MAX_CONSOLE_FEEDS + 2 }, (_, i) => ({
    kind: 'console',
    vmId: `v${i}`,
  }));
  const { admitted, refused } = admitFeeds([...consoles, { kind: 'vm-stats' }]);
  assert.deepEqual(admitted, [...consoles.slice(0, MAX_CONSOLE_FEEDS), { kind: 'vm-stats' }]);
  assert.deepEqual(
    refused.map((r) => r.feed),
    consoles.slice(MAX_CONSOLE_FEEDS),
  );
  assert.match(refused[0]!.reason, new RegExp(`already shows ${MAX_CONSOLE_FEEDS} consoles`));
});
