// The QEMU driver with real QEMU 7.2 under TCG (root: taps and -runas). Five QEMU launches in
// all, kept lean for a 2-core machine: the tiny guest once (console, pause/resume, guest power-
// off), SeaBIOS on a blank disk three times (it ignores the ACPI power button), and one launch
// QEMU refuses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ensureTinyGuest, MARKER } from '../../../scripts/guest/tiny.ts';
import { VmAlreadyRunningError, VmStartError, type DriverEvent } from '../hypervisor-port.ts';
import { QemuDriver } from './driver.ts';
import { isQemuOf } from './process.ts';
import { runFiles } from './run-dir.ts';
import { EventLog, QemuLab, pidOf } from './testing/qemu-lab.ts';

const isRoot = process.getuid?.() === 0;
const stateIs = (id: string, state: string, reason?: string) => (e: DriverEvent) =>
  e.id === id && e.state === state && (reason === undefined || e.reason === reason);

/** Resolves once `text` has appeared in the console output (recent + live). */
function consoleShows(driver: QemuDriver, id: string, text: string | RegExp, timeoutMs: number): Promise<string> {
  const console = driver.console(id);
  let seen = console.recent().toString('utf8');
  const found = (): boolean => (typeof text === 'string' ? seen.includes(text) : text.test(seen));
  if (found()) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`console never showed ${String(text)}; it showed:\n${seen.slice(-2000)}`));
    }, timeoutMs);
    const unsubscribe = console.subscribe((chunk) => {
      seen += chunk.toString('utf8');
      if (found()) {
        clearTimeout(timer);
        unsubscribe();
        resolve(seen);
      }
    });
  });
}

describe('QemuDriver with real QEMU', { skip: isRoot ? false : 'needs root (taps, -runas)' }, () => {
  let lab: QemuLab;
  const drivers: QemuDriver[] = [];
  const newDriver = (log: EventLog): QemuDriver => {
    const driver = new QemuDriver({ pollIntervalMs: 500, quitGraceMs: 1500, killGraceMs: 3000 });
    driver.onEvent(log.listener);
    drivers.push(driver);
    return driver;
  };

  before(() => {
    lab = new QemuLab();
  });
  after(async () => {
    for (const driver of drivers) await driver.close();
    lab.cleanup();
  });

  test('tiny guest: start, pause/resume, console in and out, reattach, guest power-off', async (t) => {
    const guest = await ensureTinyGuest();
    const log = new EventLog();
    const driver = newDriver(log);
    const spec = lab.spec('tiny', {
      disk: null,
      boot: { kind: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline },
    });
    const t0 = performance.now();
    await driver.start(spec);
    t.diagnostic(`start() -> QEMU running, QMP answered, CPUs running: ${Math.round(performance.now() - t0)} ms`);
    assert.deepEqual(log.of(spec.id), [
      ['starting', 'start-requested'],
      ['running', 'started'],
    ]);
    const pid = driver.pid(spec.id);
    assert.ok(pid !== null && isQemuOf(pid, spec.id));
    assert.match(readStatus(pid), /^Uid:\s+65534\b/m, 'QEMU dropped to nobody');

    let mark = log.mark();
    await driver.pause(spec.id);
    await log.next(stateIs(spec.id, 'paused', 'paused'), 5000, mark);
    mark = log.mark();
    await driver.resume(spec.id);
    await log.next(stateIs(spec.id, 'running', 'resumed'), 5000, mark);

    // The guest tries DHCP on the unbridged tap for ~10 s, then its shell starts.
    const t1 = performance.now();
    await consoleShows(driver, spec.id, MARKER.ready, 60_000);
    t.diagnostic(`guest shell ready after ${Math.round(performance.now() - t1)} ms more`);
    const console = driver.console(spec.id);
    const writes = ['echo ', 'hel', 'lo-', '$((6', '*7))', '\n'].map((part) => console.write(Buffer.from(part)));
    await Promise.all(writes);
    await consoleShows(driver, spec.id, /^hello-42\r?$/m, 15_000);

    // The daemon goes away and comes back: monitor and console are taken over, the console's
    // recent output is seeded from console.log, and input still reaches the guest.
    await driver.close();
    const again = newDriver(log);
    assert.equal(await again.reattach(spec), 'running');
    assert.match(again.console(spec.id).recent().toString('utf8'), /^hello-42\r?$/m);
    await again.console(spec.id).write(Buffer.from('echo again-$((6*7))\n'));
    await consoleShows(again, spec.id, /^again-42\r?$/m, 15_000);

    const from = log.mark();
    await again.console(spec.id).write(Buffer.from('poweroff -f\n'));
    const stopped = await log.next(
      (e) => e.id === spec.id && (e.state === 'stopped' || e.state === 'crashed'),
      30_000,
      from,
    );
    assert.deepEqual([stopped.state, stopped.reason], ['stopped', 'guest-shutdown']);
    assert.equal(again.pid(spec.id), null);
    assert.equal(existsSync(runFiles(spec.runDir).pidfile), false, 'the driver removed the pidfile QEMU could not');
    assert.equal(again.state(spec.id), null, 'the driver forgot the VM');
  });

  test('SeaBIOS: reboot resets, shutdown of a guest ignoring ACPI is forced after the timeout', async (t) => {
    const log = new EventLog();
    const driver = newDriver(log);
    const spec = lab.spec('seabios');
    const t0 = performance.now();
    await driver.start(spec);
    t.diagnostic(`start() -> ready: ${Math.round(performance.now() - t0)} ms`);

    const mark = log.mark();
    await driver.reboot(spec.id);
    await log.next(stateIs(spec.id, 'running', 'reset'), 5000, mark);

    const t1 = performance.now();
    await driver.shutdown(spec.id, 1500);
    const waited = performance.now() - t1;
    assert.ok(waited >= 1400, `shutdown waited ${waited} ms for the guest first`);
    assert.deepEqual(log.of(spec.id).slice(-2), [
      ['stopping', 'powerdown-requested'],
      ['stopped', 'powerdown-timeout-forced'],
    ]);
  });

  test('kill -9 from outside is reported as crashed', async (t) => {
    const log = new EventLog();
    const driver = newDriver(log);
    const spec = lab.spec('killed');
    await driver.start(spec);
    const pid = driver.pid(spec.id) as number;
    const t0 = performance.now();
    const mark = log.mark();
    process.kill(pid, 'SIGKILL');
    const crashed = await log.next(stateIs(spec.id, 'crashed'), 5000, mark);
    t.diagnostic(`kill -9 noticed after ${Math.round(performance.now() - t0)} ms`);
    assert.equal(crashed.reason, 'exited-unexpectedly');
    assert.match(crashed.detail, /without a shutdown event/);
    await assert.rejects(driver.pause(spec.id), { name: 'VmNotRunningError' });
  });

  test('a new driver reattaches by pidfile + UUID; a pidfile naming another process is refused', async () => {
    const firstLog = new EventLog();
    const first = newDriver(firstLog);
    const spec = lab.spec('survivor');
    await first.start(spec);
    const pid = first.pid(spec.id) as number;
    await first.close(); // the daemon goes away
    assert.ok(isQemuOf(pid, spec.id), 'QEMU outlives the driver');

    const log = new EventLog();
    const second = newDriver(log);
    // A start of the same VM is refused while its QEMU runs: reattach, never a second QEMU.
    await assert.rejects(second.start(spec), VmAlreadyRunningError);
    assert.equal(await second.reattach(spec), 'running');
    assert.deepEqual(log.of(spec.id), [['running', 'reattached']]);
    assert.equal(second.pid(spec.id), pid);
    const mark = log.mark();
    await second.pause(spec.id);
    await log.next(stateIs(spec.id, 'paused', 'paused'), 5000, mark);

    // A pidfile whose PID is some other process (here: this test): never trusted or signalled.
    const impostor = lab.spec('impostor');
    writePidfile(impostor.runDir, String(process.pid));
    assert.equal(await second.reattach(impostor), 'absent');
    assert.equal(await second.reattach(lab.spec('never-started')), 'absent');

    // QEMU frozen (SIGSTOP) cannot answer quit: the stop escalates to SIGKILL.
    process.kill(pid, 'SIGSTOP');
    await second.forceStop(spec.id);
    assert.deepEqual(log.of(spec.id).slice(-2), [
      ['stopping', 'stop-requested'],
      ['stopped', 'forced-killed'],
    ]);
    assert.equal(isQemuOf(pid, spec.id), false);
  });

  test('QEMU refusing to start: its words in VmStartError, a start-failed event, nothing left', async () => {
    const log = new EventLog();
    const driver = newDriver(log);
    const spec = lab.spec('refused', { runAs: 'no-such-user-hp' });
    await assert.rejects(driver.start(spec), (err: unknown) => {
      assert.ok(err instanceof VmStartError);
      assert.match(err.message, /no-such-user-hp/);
      return true;
    });
    assert.deepEqual(log.of(spec.id), [
      ['starting', 'start-requested'],
      ['stopped', 'start-failed'],
    ]);
    assert.equal(pidOf(spec), null);
    const noTap = lab.spec('no-tap', { tap: 'hp-missing0' });
    await assert.rejects(driver.start(noTap), /tap device hp-missing0 does not exist/);
  });
});

function readStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}

function writePidfile(runDir: string, pid: string): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(runFiles(runDir).pidfile, `${pid}\n`);
}
