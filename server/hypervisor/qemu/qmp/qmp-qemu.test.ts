// The monitor and command wrappers against a real QEMU 7.2 (-machine none: nothing to boot, the
// monitor is all there is). QEMU runs as our child here, not daemonized, so the connect retry
// meets a socket that QEMU creates only once it has started.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpMonitor, type QmpEvent } from './monitor.ts';
import { cont, queryStatus, quit, setAction, stop } from './commands.ts';
import { QmpCommandError } from './errors.ts';

describe('QMP against qemu-system-x86_64 -machine none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-qmp-qemu-'));
  const path = join(dir, 'qmp.sock');
  let qemu: ChildProcess;
  let exited: Promise<number | null>;
  let monitor: QmpMonitor;
  const events: QmpEvent[] = [];

  /** Resolves with the first event of that name seen from now on (or already seen after `from`). */
  function nextEvent(name: string, from: number): Promise<QmpEvent> {
    return new Promise((resolve) => {
      const check = (): void => {
        const found = events.slice(from).find((e) => e.event === name);
        if (found) resolve(found);
        else setTimeout(check, 10);
      };
      check();
    });
  }

  before(async () => {
    qemu = spawn('qemu-system-x86_64', [
      ...['-machine', 'none', '-nodefaults', '-no-user-config', '-display', 'none'],
      ...['-qmp', `unix:${path},server=on,wait=off`],
    ]);
    exited = new Promise((resolve) => qemu.once('exit', (code) => resolve(code)));
    monitor = await QmpMonitor.connect(path, { connectTimeoutMs: 10_000 });
    monitor.onEvent((e) => events.push(e));
  });

  after(async () => {
    monitor?.close();
    if (qemu.exitCode === null && qemu.signalCode === null) qemu.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test('greeting names QEMU 7.x and query-status says running', async () => {
    assert.equal(monitor.greeting?.version.major, 7);
    assert.deepEqual(await queryStatus(monitor), { status: 'running', running: true });
  });

  test('set-action is accepted (QEMU 6.0+)', async () => {
    await setAction(monitor, { reboot: 'reset', shutdown: 'poweroff' });
  });

  test('stop and cont change the status, with STOP and RESUME events', async () => {
    let from = events.length;
    await stop(monitor);
    await nextEvent('STOP', from);
    assert.deepEqual(await queryStatus(monitor), { status: 'paused', running: false });
    from = events.length;
    await cont(monitor);
    await nextEvent('RESUME', from);
    assert.deepEqual(await queryStatus(monitor), { status: 'running', running: true });
  });

  test('an unknown command is QEMU CommandNotFound', async () => {
    await assert.rejects(monitor.execute('no-such-command'), (err: unknown) => {
      return err instanceof QmpCommandError && err.errorClass === 'CommandNotFound';
    });
  });

  test('quit: SHUTDOWN host-qmp-quit, the monitor closes and QEMU exits 0', async () => {
    const from = events.length;
    await quit(monitor);
    const shutdown = await nextEvent('SHUTDOWN', from);
    assert.deepEqual(shutdown.data, { guest: false, reason: 'host-qmp-quit' });
    assert.equal((await monitor.closed).reason, 'QEMU closed the monitor');
    assert.equal(await exited, 0);
  });
});
