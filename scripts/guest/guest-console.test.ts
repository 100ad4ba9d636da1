import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ConsoleWaitError, GuestConsole } from './guest-console.ts';

function fakeSerial() {
  const output = new PassThrough();
  const input = new PassThrough();
  return { output, input, console: new GuestConsole(output, input) };
}

test('a pattern split across chunks matches once both have arrived; CRs are dropped', async () => {
  const { output, console } = fakeSerial();
  const waiting = console.waitFor(/^homeplane-guest: leased (\S+)$/m);
  output.write('boot\r\nhomeplane-guest: lea');
  output.write('sed 10.123.0.100\r\nnext');
  const got = await waiting;
  assert.equal(got.match[1], '10.123.0.100');
  assert.equal(console.transcript, 'boot\nhomeplane-guest: leased 10.123.0.100\nnext');
  assert.equal(console.transcript.slice(got.end), '\nnext');
  assert.ok(got.atMs >= 0);
});

test('only complete lines are searched, unless partial', async () => {
  const { output, console } = fakeSerial();
  const leased = console.waitFor(/^leased (\S+)$/m);
  const prompt = console.waitFor(/# $/, { partial: true });
  output.write('leased 10.123.0.10');
  await new Promise((resolve) => setImmediate(resolve));
  output.write('0\nhomeplane-guest# ');
  assert.equal((await leased).match[1], '10.123.0.100');
  assert.equal((await prompt).end, console.transcript.length);
});

test('from skips what was matched before', async () => {
  const { output, console } = fakeSerial();
  output.write('hp-1\nhp-2\n');
  const first = await console.waitFor(/hp-\d/);
  const second = await console.waitFor(/hp-\d/, { from: first.end });
  assert.deepEqual([first.match[0], second.match[0]], ['hp-1', 'hp-2']);
});

test('a wait fails with the reason and the last output when the console ends or time runs out', async () => {
  const { output, console } = fakeSerial();
  output.write('Kernel panic\n');
  await assert.rejects(
    console.waitFor(/leased/, { timeoutMs: 20 }),
    (err: Error) => err instanceof ConsoleWaitError && /within 20 ms[\s\S]*Kernel panic/.test(err.message),
  );
  const waiting = console.waitFor(/leased/);
  console.end('QEMU exited (1)');
  await assert.rejects(waiting, /QEMU exited \(1\)/);
});

test('lines() yields each line as it completes and the rest at the end', async () => {
  const { output, console } = fakeSerial();
  const seen: string[] = [];
  const reading = (async () => {
    for await (const line of console.lines()) seen.push(line);
  })();
  output.write('a\nb');
  output.write('c\n');
  output.write('tail');
  await new Promise((resolve) => setImmediate(resolve));
  console.end('done');
  await reading;
  assert.deepEqual(seen, ['a', 'bc', 'tail']);
});

test('write() types on the console', async () => {
  const { input, console } = fakeSerial();
  console.write('echo hi\n');
  assert.equal(String(input.read()), 'echo hi\n');
});
