import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsoleInputQueue, MAX_INPUT_BYTES, type InputState, type SendOutcome } from './console-input.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A send whose requests the test answers one by one, and a clock the test runs. */
function harness() {
  const requests: { body: string; raw: Uint8Array; answer: (outcome: SendOutcome) => void }[] = [];
  const timers: (() => void)[] = [];
  const states: InputState[] = [];
  const queue = new ConsoleInputQueue({
    send: (body) => new Promise((answer) => requests.push({ body: text(body), raw: body, answer })),
    onState: (state) => states.push(state),
    schedule: (run) => void timers.push(run),
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { queue, requests, timers, states, settle };
}

test('keys typed while a request is in flight go in the next one, joined, in the order typed', async () => {
  const { queue, requests, settle } = harness();
  for (const key of 'ls -l\r') queue.push(bytes(key));
  assert.deepEqual(
    requests.map((r) => r.body),
    ['l'],
    'one request in flight at a time',
  );
  requests[0]!.answer({ kind: 'sent' });
  await settle();
  assert.deepEqual(
    requests.map((r) => r.body),
    ['l', 's -l\r'],
  );
  queue.push(bytes('x'));
  requests[1]!.answer({ kind: 'sent' });
  await settle();
  assert.deepEqual(
    requests.map((r) => r.body),
    ['l', 's -l\r', 'x'],
  );
});

test('ten thousand keys typed fast arrive complete and in order, in requests of at most 4096 bytes', async () => {
  const { queue, requests, settle } = harness();
  const typed: string[] = [];
  let answered = 0;
  for (let i = 0; i < 10_000; i++) {
    // Multi-byte characters too: a request may end inside one, the bytes still join up.
    const key = String.fromCharCode(97 + (i % 26)) + (i % 7 === 0 ? '\u00e9' : '');
    typed.push(key);
    queue.push(bytes(key));
    if (i % 997 === 0) {
      requests[answered++]!.answer({ kind: 'sent' });
      await settle();
    }
  }
  while (answered < requests.length) {
    requests[answered++]!.answer({ kind: 'sent' });
    await settle();
  }
  const sent = Buffer.concat(requests.map((r) => r.raw));
  assert.equal(sent.toString('utf8'), typed.join(''));
  for (const r of requests) assert.ok(r.raw.length <= MAX_INPUT_BYTES && r.raw.length > 0);
  assert.ok(requests.length < 30, `coalesced into few requests, not ${requests.length}`);
});

test('a request that fails for a passing reason is sent again before what was typed since', async () => {
  const { queue, requests, timers, states, settle } = harness();
  queue.push(bytes('a'));
  queue.push(bytes('b'));
  requests[0]!.answer({ kind: 'retry', message: 'the daemon is not reachable' });
  await settle();
  assert.deepEqual(states.at(-1), { kind: 'retrying', message: 'the daemon is not reachable', queuedBytes: 2 });
  queue.push(bytes('c'));
  assert.equal(requests.length, 1, 'nothing goes before the retry');
  timers.shift()!();
  assert.deepEqual(
    requests.map((r) => r.body),
    ['a', 'abc'],
  );
  requests[1]!.answer({ kind: 'sent' });
  await settle();
  assert.deepEqual(states.at(-1), { kind: 'idle' });
});

test('a refusal for good is reported with how much was not typed, and typing goes on afterwards', async () => {
  const { queue, requests, states, settle } = harness();
  queue.push(bytes('abc'));
  queue.push(bytes('de'));
  requests[0]!.answer({ kind: 'refused', message: 'the VM is not running' });
  await settle();
  assert.deepEqual(states.at(-1), { kind: 'refused', message: 'the VM is not running', droppedBytes: 5 });
  queue.push(bytes('f'));
  assert.equal(requests.at(-1)!.body, 'f');
});
