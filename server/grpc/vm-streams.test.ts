// VmService's streams and console input on a real server over the real inventory
// (testing/vm-world.ts). The console is the QEMU driver's own SerialConsole, connected to a unix
// socket this test serves as QEMU's console chardev (ConsolePeer): the test prints what the guest
// would and reads what is typed, since no guest boots here. WatchVmStats samples real processes
// (a busy child, an exited one) through the real UsageSampler, with `lo` standing in for a tap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  CreateVmRequest,
  type CreateVmResponse,
  type StreamConsoleResponse,
  type Vm,
  type VmServiceClient,
  type WatchVmStatsResponse,
} from '../../proto/gen/homeplane/v1/vm.ts';
import type { Console } from '../hypervisor/hypervisor-port.ts';
import { bzImageFile } from '../hypervisor/testing/image-files.ts';
import { CONSOLE_END_KEY } from './console-stream.ts';
import { INVALID_FIELD_KEY } from './status.ts';
import { bearer, waitFor } from './testing/harness.ts';
import { ask, ConsolePeer, startVmWorld, type VmWorld } from './testing/vm-world.ts';

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root (network namespace for taps)';

/** Passes everything through to the real console and counts the subscriptions open on it. */
class CountingConsole implements Console {
  active = 0;
  constructor(private readonly inner: Console) {}
  recent(): Buffer {
    return this.inner.recent();
  }
  subscribe(onData: (chunk: Buffer) => void, onEnd?: (reason: string) => void): () => void {
    this.active += 1;
    let left = false;
    const leave = () => {
      if (!left) this.active -= 1;
      left = true;
    };
    const unsubscribe = this.inner.subscribe(onData, (reason) => {
      leave();
      onEnd?.(reason);
    });
    return () => {
      leave();
      unsubscribe();
    };
  }
  write(data: Buffer): Promise<void> {
    return this.inner.write(data);
  }
}

/** One StreamConsole call: its messages, and how it ended. */
class ConsoleReader {
  readonly messages: Buffer[] = [];
  status: grpc.StatusObject | null = null;
  error: grpc.ServiceError | null = null;
  readonly stream: grpc.ClientReadableStream<StreamConsoleResponse>;

  constructor(client: VmServiceClient, id: string) {
    this.stream = client.streamConsole({ id }, bearer());
    this.stream.on('data', (message: StreamConsoleResponse) => this.messages.push(message.data));
    this.stream.on('status', (status: grpc.StatusObject) => (this.status = status));
    this.stream.on('error', (err: grpc.ServiceError) => (this.error = err));
  }

  get text(): string {
    return Buffer.concat(this.messages).toString('latin1');
  }

  get bytes(): number {
    return this.messages.reduce((n, m) => n + m.length, 0);
  }
}

/** One WatchVmStats call. */
class StatsReader {
  readonly samples: WatchVmStatsResponse[] = [];
  error: grpc.ServiceError | null = null;
  readonly stream: grpc.ClientReadableStream<WatchVmStatsResponse>;

  constructor(client: VmServiceClient) {
    this.stream = client.watchVmStats({}, bearer());
    this.stream.on('data', (sample: WatchVmStatsResponse) => this.samples.push(sample));
    this.stream.on('error', (err: grpc.ServiceError) => (this.error = err));
  }
}

async function createVm(w: VmWorld, name: string): Promise<Vm> {
  const kernel = join(w.imageDir, 'vmlinuz');
  writeFileSync(kernel, bzImageFile());
  const request = CreateVmRequest.fromPartial({
    name,
    vcpus: 1,
    memoryMib: 64,
    diskGib: 1,
    boot: { $case: 'kernel', kernel: { kernelPath: kernel, initrdPath: '', cmdline: '' } },
  });
  const { response, error } = await ask<CreateVmResponse>((md, cb) => w.vms.createVm(request, md, cb));
  assert.equal(error, undefined, error?.details);
  return response!.vm!;
}

async function attachConsole(w: VmWorld, vm: Vm): Promise<{ peer: ConsolePeer; console: CountingConsole }> {
  const { peer, console } = await ConsolePeer.open(vm.id);
  const counting = new CountingConsole(console);
  w.consoles.set(vm.id, counting);
  return { peer, console: counting };
}

describe('StreamConsole, SendConsoleInput and WatchVmStats', { skip }, () => {
  let w: VmWorld;
  const children: ChildProcess[] = [];
  before(async () => {
    w = await startVmWorld({ statsIntervalMs: 200 });
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await w.close();
  });

  test('recent output first, then live output in order; input arrives in call order; the console ending ends the stream with OK and why', async () => {
    const vm = await createVm(w, 'console');
    const { peer, console } = await attachConsole(w, vm);
    await peer.print('SeaBIOS\r\nbooting\r\n');
    await waitFor(() => console.recent().length === 18, 'the boot text in the ring');

    const first = new ConsoleReader(w.vms, vm.id);
    await waitFor(() => first.messages.length === 1, 'the recent output');
    assert.equal(first.messages[0]!.toString(), 'SeaBIOS\r\nbooting\r\n', 'the first message is the recent output');
    let expected = 'SeaBIOS\r\nbooting\r\n';
    for (let i = 0; i < 200; i++) {
      const line = `line ${i}\r\n`;
      expected += line;
      await peer.print(line);
    }
    await waitFor(() => first.text === expected, 'every live chunk, in order');

    const second = new ConsoleReader(w.separateVmClient(), vm.id);
    await waitFor(() => second.messages.length >= 1, "the second client's recent output");
    assert.equal(second.messages[0]!.toString(), expected, 'a later client starts with everything the ring holds');
    assert.equal(console.active, 2);

    const keys = Array.from({ length: 50 }, (_, i) => `k${i};`);
    const answers = await Promise.all(
      keys.map((k) => ask((md, cb) => w.vms.sendConsoleInput({ id: vm.id, data: Buffer.from(k) }, md, cb))),
    );
    assert.deepEqual(
      answers.map((a) => a.error?.details),
      keys.map(() => undefined),
    );
    await waitFor(() => peer.received.length === keys.join('').length, 'every keystroke at the guest');
    assert.equal(peer.received.toString(), keys.join(''), 'in the order the calls were made');
    const largest = await ask((md, cb) =>
      w.vms.sendConsoleInput({ id: vm.id, data: Buffer.alloc(4096, 0x61) }, md, cb),
    );
    assert.equal(largest.error, undefined, '4096 bytes are allowed');
    for (const size of [0, 4097]) {
      const refused = await ask((md, cb) =>
        w.vms.sendConsoleInput({ id: vm.id, data: Buffer.alloc(size, 0x61) }, md, cb),
      );
      assert.equal(refused.error?.code, grpc.status.INVALID_ARGUMENT, `${size} bytes`);
      assert.deepEqual(refused.error.metadata.get(INVALID_FIELD_KEY), ['data']);
    }

    peer.hangUp();
    await waitFor(() => first.status !== null && second.status !== null, 'both streams to end');
    for (const reader of [first, second]) {
      assert.equal(reader.error, null);
      assert.equal(reader.status!.code, grpc.status.OK);
      assert.deepEqual(reader.status!.metadata.get(CONSOLE_END_KEY), ['the VM stopped']);
    }
    assert.equal(console.active, 0, 'both subscriptions are gone');
    const late = await ask((md, cb) => w.vms.sendConsoleInput({ id: vm.id, data: Buffer.from('x') }, md, cb));
    assert.equal(late.error?.code, grpc.status.FAILED_PRECONDITION, 'input to a console that is gone');
    w.consoles.delete(vm.id);
  });

  test('a cancelled stream leaves the console at once', async () => {
    const vm = await createVm(w, 'cancelled');
    const { peer, console } = await attachConsole(w, vm);
    const reader = new ConsoleReader(w.vms, vm.id);
    await peer.print('hello\r\n');
    await waitFor(() => reader.messages.length === 1, 'the live output');
    assert.equal(console.active, 1);
    reader.stream.cancel();
    await waitFor(() => console.active === 0, 'the subscription to go');
    assert.equal(reader.error?.code, grpc.status.CANCELLED);
    peer.hangUp();
    w.consoles.delete(vm.id);
  });

  test('stats: the first sample at once with cpu 0, then CPU from the delta; a gone QEMU is left out; a new pid starts over; cancel stops sampling', async () => {
    const [a, b] = [await createVm(w, 'busy'), await createVm(w, 'gone')];
    const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end);'], {
      stdio: 'ignore',
    });
    children.push(busy);
    const exited = spawn('true');
    await once(exited, 'exit');
    let busyPid = busy.pid!;
    w.running = () => [
      { vm: w.inventory.get(a.id), pid: busyPid, tap: 'lo' },
      { vm: w.inventory.get(b.id), pid: exited.pid!, tap: 'lo' },
    ];
    const reader = new StatsReader(w.vms);
    await waitFor(() => reader.samples.length >= 3, 'three samples', 5_000);
    const [s0, s1] = reader.samples as [WatchVmStatsResponse, WatchVmStatsResponse];
    assert.deepEqual(
      s0.vms.map((v) => v.id),
      [a.id],
      'the VM whose process is gone is left out',
    );
    assert.equal(s0.vms[0]!.cpuPercent, 0, 'nothing to compare the first sample with');
    assert.ok(s0.vms[0]!.memoryBytes > 1024 * 1024, `RSS of the busy child: ${s0.vms[0]!.memoryBytes}`);
    assert.ok(
      s1.vms[0]!.cpuPercent > 20 && s1.vms[0]!.cpuPercent < 250,
      `a busy loop is near 100% of one CPU: ${s1.vms[0]!.cpuPercent}`,
    );
    assert.ok(s1.time!.getTime() > s0.time!.getTime());

    busyPid = process.pid; // the VM restarted: another QEMU
    const seen = reader.samples.length;
    await waitFor(() => reader.samples.length > seen, 'a sample after the restart');
    assert.equal(reader.samples[seen]!.vms[0]!.cpuPercent, 0, 'a new process starts from 0');

    reader.stream.cancel();
    await waitFor(() => reader.error !== null, 'the cancellation');
    await new Promise((resolve) => setTimeout(resolve, 250));
    const calls = w.runningCalls;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(w.runningCalls, calls, 'no sampling after the cancel');
    busy.kill('SIGKILL');
    w.running = null;
  });

  test('shutdown ends console and stats streams with UNAVAILABLE, and new ones are refused', async () => {
    const vm = await createVm(w, 'last');
    const { peer, console } = await attachConsole(w, vm);
    const con = new ConsoleReader(w.vms, vm.id);
    const stats = new StatsReader(w.vms);
    await waitFor(() => stats.samples.length >= 1, 'a stats sample');
    assert.deepEqual(stats.samples[0]!.vms, [], 'no VM runs');
    const started = performance.now();
    await w.server.shutdown(5_000);
    assert.ok(performance.now() - started < 2_000, 'nothing held the shutdown up to its deadline');
    await waitFor(() => con.error !== null && stats.error !== null, 'both streams to end');
    assert.equal(con.error!.code, grpc.status.UNAVAILABLE);
    assert.equal(stats.error!.code, grpc.status.UNAVAILABLE);
    assert.equal(console.active, 0);
    peer.hangUp();
  });
});

describe('StreamConsole with a client that stops reading', { skip }, () => {
  test('it is dropped with RESOURCE_EXHAUSTED and leaves the console; a reading client is unaffected', async () => {
    const w = await startVmWorld({ consoleQueueBytes: 64 * 1024, overflowGraceMs: 200 });
    try {
      const vm = await createVm(w, 'flood');
      const { peer, console } = await attachConsole(w, vm);
      const healthy = new ConsoleReader(w.separateVmClient(), vm.id);
      const stalled = new ConsoleReader(w.separateVmClient(), vm.id);
      stalled.stream.pause();
      await waitFor(() => console.active === 2, 'both subscriptions');
      // Up to 20 MB, far beyond the HTTP/2 windows and the 64 KiB queue, paced on the healthy reader.
      const chunk = Buffer.alloc(16 * 1024, 0x2e);
      let printed = 0;
      for (let i = 0; i < 1280 && console.active === 2; i++) {
        await peer.print(chunk);
        printed += chunk.length;
        await waitFor(() => healthy.bytes === printed, 'the healthy reader to keep up');
      }
      await waitFor(() => console.active === 1, 'the stalled stream to leave the console');
      assert.ok(
        w.logLines.some((l) => l.level === 'warn' && /console stream dropped/.test(l.msg)),
        'the drop is logged',
      );
      stalled.stream.resume();
      await waitFor(() => stalled.error !== null, "the stalled stream's status");
      assert.equal(stalled.error!.code, grpc.status.RESOURCE_EXHAUSTED);
      await peer.print('still here\r\n');
      await waitFor(() => healthy.text.endsWith('still here\r\n'), 'the healthy reader goes on');
      peer.hangUp();
    } finally {
      await w.close();
    }
  });
});
