// The monitor against a fake QMP server on a temporary unix socket (fake-qmp-server.ts keeps
// QEMU's rules); qmp-qemu.test.ts runs the same client against a real QEMU.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeQmpServer, type Handler, type Reply } from './testing/fake-qmp-server.ts';
import { QmpMonitor, type QmpEvent } from './monitor.ts';
import { QmpCommandError, QmpConnectError, QmpDisconnectedError, QmpTimeoutError } from './errors.ts';
import { queryStatus, quit } from './commands.ts';

let fakes: FakeQmpServer[] = [];
let monitors: QmpMonitor[] = [];

async function fake(handler: Handler, opts?: { listen?: boolean; greet?: boolean }): Promise<FakeQmpServer> {
  const server = await FakeQmpServer.start(handler, opts);
  fakes.push(server);
  return server;
}

async function connect(server: FakeQmpServer, opts = {}): Promise<QmpMonitor> {
  const monitor = await QmpMonitor.connect(server.path, opts);
  monitors.push(monitor);
  return monitor;
}

afterEach(async () => {
  for (const m of monitors) m.close();
  for (const f of fakes) await f.stop();
  fakes = [];
  monitors = [];
});

const answerAll: Handler = (command, reply) => {
  if (command.execute === 'query-status') reply.ok({ status: 'running', singlestep: false, running: true });
  else reply.ok();
};

describe('QmpMonitor', () => {
  test('reads the greeting and negotiates capabilities before any other command', async () => {
    const server = await fake(answerAll);
    const monitor = await connect(server);
    assert.deepEqual(monitor.greeting?.version, { major: 7, minor: 2, micro: 22 });
    assert.deepEqual(monitor.greeting?.capabilities, ['oob']);
    assert.deepEqual(await queryStatus(monitor), { status: 'running', running: true });
    assert.deepEqual(
      server.received.map((c) => c.execute),
      ['qmp_capabilities', 'query-status'],
    );
    assert.equal(server.received[0]?.arguments, undefined, 'no capability (oob) is asked for');
  });

  test('matches replies by id when they come out of order, with events between them', async () => {
    const held: Reply[] = [];
    const server = await fake((_command, reply, peer) => {
      held.push(reply);
      if (held.length < 3) return;
      // Replies C, A, B, with events before, between and after (QEMU sends RESUME before cont's reply).
      peer.event('RESUME');
      held[2]?.ok('c');
      peer.event('STOP');
      held[0]?.ok('a');
      held[1]?.ok('b');
      peer.event('POWERDOWN');
    });
    const monitor = await connect(server);
    const seen: string[] = [];
    monitor.onEvent((e: QmpEvent) => seen.push(`event ${e.event}`));
    const results = ['a', 'b', 'c'].map((name) =>
      monitor.execute(`cmd-${name}`).then((value) => {
        seen.push(`reply ${String(value)}`);
        return value;
      }),
    );
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      seen.filter((s) => s.startsWith('event')),
      ['event RESUME', 'event STOP', 'event POWERDOWN'],
    );
    assert.ok(seen.indexOf('event RESUME') < seen.indexOf('reply c'), 'an event before a reply is delivered first');
  });

  test('an error reply rejects with the class and desc QEMU gave', async () => {
    const server = await fake((_c, reply) => reply.error('GenericError', 'Invalid parameter type for "reboot"'));
    const monitor = await connect(server);
    await assert.rejects(monitor.execute('set-action', { reboot: 1 }), (err: unknown) => {
      assert.ok(err instanceof QmpCommandError);
      assert.equal(err.command, 'set-action');
      assert.equal(err.errorClass, 'GenericError');
      assert.equal(err.desc, 'Invalid parameter type for "reboot"');
      return true;
    });
  });

  test('a command without a reply times out; its late reply is dropped and the monitor goes on', async () => {
    let late: Reply | null = null;
    const server = await fake((command, reply) => {
      if (command.execute === 'slow') late = reply;
      else reply.ok(command.execute);
    });
    const monitor = await connect(server);
    await assert.rejects(monitor.execute('slow', undefined, { timeoutMs: 80 }), (err: unknown) => {
      assert.ok(err instanceof QmpTimeoutError);
      assert.equal(err.command, 'slow');
      return true;
    });
    (late as Reply | null)?.ok('too late');
    assert.equal(await monitor.execute('next'), 'next');
    assert.equal(monitor.unmatchedReplies, 1);
  });

  test('a hang-up mid-command rejects it with QmpDisconnectedError and resolves `closed`', async () => {
    const server = await fake((command, _reply, peer) => {
      if (command.execute === 'quit') peer.hangUp();
    });
    const monitor = await connect(server);
    const pending = monitor.execute('query-block');
    const quitting = quit(monitor); // quit treats the hang-up as QEMU exiting as asked
    await assert.rejects(
      pending,
      (err: unknown) => err instanceof QmpDisconnectedError && err.command === 'query-block',
    );
    await quitting;
    const closed = await monitor.closed;
    assert.equal(closed.reason, 'QEMU closed the monitor');
    await assert.rejects(monitor.execute('query-status'), QmpDisconnectedError);
  });

  test('events sent before anyone listens are held for the first listener', async () => {
    const server = await fake((_command, reply, peer) => {
      reply.ok();
      peer.event('RESET', { guest: false, reason: 'host-qmp-system-reset' });
    });
    const monitor = await connect(server);
    await monitor.execute('system_reset');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const seen: QmpEvent[] = [];
    monitor.onEvent((e) => seen.push(e));
    assert.deepEqual(
      seen.map((e) => [e.event, e.data]),
      [['RESET', { guest: false, reason: 'host-qmp-system-reset' }]],
    );
  });

  test('connect retries while the socket does not exist yet', async () => {
    const server = await fake(answerAll, { listen: false });
    const connecting = connect(server, { connectTimeoutMs: 3000, retryIntervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await server.listen();
    const monitor = await connecting;
    assert.ok(monitor.greeting);
  });

  test('connect gives up with QmpConnectError when nothing listens', async () => {
    const server = await fake(answerAll, { listen: false });
    await assert.rejects(connect(server, { connectTimeoutMs: 100, retryIntervalMs: 20 }), QmpConnectError);
  });

  test('a peer that accepts but never greets (monitor held by another client) times out', async () => {
    const server = await fake(answerAll, { greet: false });
    await assert.rejects(connect(server, { greetingTimeoutMs: 100 }), (err: unknown) => {
      return err instanceof QmpTimeoutError && err.command === 'greeting';
    });
  });

  test('a line that is not JSON ends the connection', async () => {
    const server = await fake((_c, _reply, peer) => peer.raw('this is not json\r\n'));
    const monitor = await connect(server);
    await assert.rejects(monitor.execute('query-status'), (err: unknown) => {
      return err instanceof QmpDisconnectedError && /not JSON/.test(err.reason);
    });
  });
});
