// Health checks need no token (auth.ts), so anyone who reaches the port may call them: 1,000
// hostile calls, each with a unique service name as large as the receive limit lets through
// (Watch, cancelled, and Check), must leave the server's resident memory flat. The server runs in
// a child process (testing/health-target.ts) so that the figures are its own.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { MAX_RECEIVE_MESSAGE_BYTES } from './server-options.ts';
import { check, healthClient, type HealthClient } from './testing/health-client.ts';
import type { TargetMemory } from './testing/health-target.ts';

const TARGET = new URL('./testing/health-target.ts', import.meta.url).pathname;
const MIB = 1024 * 1024;
/** HealthCheckRequest.service is field 1: one tag byte and a 3-byte length before the name. */
const LARGEST_NAME = MAX_RECEIVE_MESSAGE_BYTES - 4;
/**
 * grpc-health-check's HealthImplementation kept every watched name: +82 MiB of RSS (+63 MiB of
 * heap) for these 1,000 calls; a map of the names alone, +64 MiB (+63 MiB). Without state for them
 * the RSS moves by -5..+10 MiB here (allocator and HTTP/2 buffers), and once by +27.9 MiB in a
 * clean-clone CI run; the bound sits between. The heap bound below is the sharp one.
 */
const RSS_GROWTH_ALLOWED = 40 * MIB;

function request<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: Record<string, unknown>) => {
      if (!(key in reply)) return;
      child.off('message', onMessage);
      resolve(reply[key] as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) =>
      reject(new Error(`the server process exited (${code}) before answering ${message || 'its address'}`)),
    );
    if (message !== '') child.send(message);
  });
}

/** A unique name of `length` characters. */
function hostileName(n: number, length: number): string {
  const prefix = `hostile-${n}-`;
  return prefix + 'x'.repeat(length - prefix.length);
}

/** Watch `name` until its first message, cancel it, then Check it. */
async function hostileCall(client: HealthClient, name: string): Promise<void> {
  const watch = client.Watch({ service: name });
  watch.on('error', () => {}); // CANCELLED, from our cancel()
  const [first] = (await once(watch, 'data')) as [{ status: string }];
  assert.equal(first.status, 'SERVICE_UNKNOWN');
  watch.cancel();
  const checked = await check(client, name);
  assert.equal(checked.error?.code, grpc.status.NOT_FOUND);
}

/** `count` hostile calls, 25 at a time; a new connection every 200 (nghttp2's rapid-reset defence, see watch-limits.test.ts). */
async function hostileCalls(address: string, from: number, count: number, length: number): Promise<void> {
  const parallel = 25;
  let client = healthClient(address);
  try {
    for (let done = 0; done < count; done += parallel) {
      if (done > 0 && done % 200 === 0) {
        client.close();
        client = healthClient(address);
      }
      await Promise.all(
        Array.from({ length: parallel }, (_, i) => hostileCall(client, hostileName(from + done + i, length))),
      );
    }
  } finally {
    client.close();
  }
}

describe('health: no state for names the daemon does not serve', () => {
  test('1,000 hostile health calls with unique, largest-allowed names leave resident memory flat', async (t) => {
    const child = fork(TARGET, [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const address = await request<string>(child, '', 'address');
      await hostileCalls(address, 0, 200, LARGEST_NAME); // warm-up: JIT, pools, HTTP/2 buffers
      const before = await request<TargetMemory>(child, 'measure', 'memory');
      await hostileCalls(address, 200, 1_000, LARGEST_NAME);
      // Give the server the cancellations' last events before measuring.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await request<TargetMemory>(child, 'measure', 'memory');
      const rssGrowth = after.rssBytes - before.rssBytes;
      const heapGrowth = after.heapUsedBytes - before.heapUsedBytes;
      const names = (1_000 * LARGEST_NAME) / MIB;
      t.diagnostic(`names sent: ${names.toFixed(1)} MiB (1,000 x ${LARGEST_NAME} bytes)`);
      t.diagnostic(
        `server RSS ${(before.rssBytes / MIB).toFixed(1)} -> ${(after.rssBytes / MIB).toFixed(1)} MiB (${(rssGrowth / MIB).toFixed(1)} MiB)`,
      );
      t.diagnostic(
        `server heap ${(before.heapUsedBytes / MIB).toFixed(1)} -> ${(after.heapUsedBytes / MIB).toFixed(1)} MiB (${(heapGrowth / MIB).toFixed(1)} MiB)`,
      );
      assert.ok(rssGrowth < RSS_GROWTH_ALLOWED, `the server's RSS grew by ${(rssGrowth / MIB).toFixed(1)} MiB`);
      assert.ok(heapGrowth < 4 * MIB, `the server's heap grew by ${(heapGrowth / MIB).toFixed(1)} MiB`);
    } finally {
      child.disconnect();
      if (child.exitCode === null) await once(child, 'exit');
    }
  });
});
