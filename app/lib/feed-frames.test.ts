import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleFrame, feedSseFrame, statsFrame } from './feed-frames.ts';
import { encodeSseFrame } from './sse.ts';

test('console bytes travel as base64, whatever they are (a split UTF-8 character, NUL, CR LF)', () => {
  const bytes = new Uint8Array([0xe2, 0x82, 0x00, 0x0d, 0x0a, 0xff]);
  const frame = consoleFrame('v1', bytes, true);
  assert.deepEqual(frame, { kind: 'console', vmId: 'v1', data: Buffer.from(bytes).toString('base64'), restart: true });
  assert.deepEqual(new Uint8Array(Buffer.from(frame.kind === 'console' ? frame.data : '', 'base64')), bytes);
});

test('a console chunk that is a view into a larger buffer sends only its own bytes', () => {
  const whole = new Uint8Array([1, 2, 3, 4, 5]);
  const frame = consoleFrame('v1', whole.subarray(1, 3), false);
  assert.equal(frame.kind === 'console' && frame.data, Buffer.from([2, 3]).toString('base64'));
});

test('a sample carries every running VM’s usage and the time it was taken', () => {
  const time = new Date('2026-12-02T02:00:00Z');
  assert.deepEqual(
    statsFrame({ time, vms: [{ id: 'v1', cpuPercent: 12.5, memoryBytes: 1024, rxBytes: 10, txBytes: 20 }] }),
    {
      kind: 'vm-stats',
      time: time.getTime(),
      vms: [{ id: 'v1', cpuPercent: 12.5, memoryBytes: 1024, rxBytes: 10, txBytes: 20 }],
    },
  );
});

test('a feed frame is one SSE message of type "feed" whose data is the frame’s JSON on one line', () => {
  const frame = { kind: 'console-end' as const, vmId: 'v1', reason: 'the VM stopped\nfor good' };
  const text = encodeSseFrame(feedSseFrame(frame));
  assert.equal(text, `event: feed\ndata: ${JSON.stringify(frame)}\n\n`);
});
