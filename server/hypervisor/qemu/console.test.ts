// SerialConsole against a unix socket server standing in for QEMU's console chardev (a plain byte
// stream both ways, one client), and the log bounding on real files. The real console is used in
// driver.test.ts with the tiny guest.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialConsole, boundLog, rotateConsoleLog, type ConsoleOptions } from './console.ts';
import { runFiles, type RunFiles } from './run-dir.ts';

const ID = '6e796ee8-3f96-46d7-ae8a-ad14c8003f01';
let dir: string;
let server: Server | null = null;

afterEach(async () => {
  if (server !== null) await new Promise<void>((resolve) => server?.close(() => resolve()));
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A console socket in a fresh run folder; resolves with the folder's files and the accepted peer. */
async function fakeConsole(): Promise<{ files: RunFiles; peer: Promise<Socket> }> {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-console-'));
  const files = runFiles(dir);
  let accepted!: (socket: Socket) => void;
  const peer = new Promise<Socket>((resolve) => (accepted = resolve));
  server = createServer((socket) => accepted(socket));
  await new Promise<void>((resolve) => server?.listen(files.consoleSocket, resolve));
  return { files, peer };
}

function options(overrides: Partial<ConsoleOptions> = {}): ConsoleOptions {
  return { ringBytes: 16, maxLogBytes: 1024, connectTimeoutMs: 1000, warn: () => undefined, ...overrides };
}

const tick = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SerialConsole', () => {
  test('recent() keeps the last ringBytes; every subscriber gets every chunk in order', async () => {
    const { files, peer } = await fakeConsole();
    const console = await SerialConsole.open(ID, files, options(), false);
    const guest = await peer;
    const a: string[] = [];
    const b: string[] = [];
    console.subscribe((chunk) => a.push(chunk.toString()));
    const unsubscribe = console.subscribe((chunk) => b.push(chunk.toString()));
    guest.write('login: ');
    await tick();
    unsubscribe();
    guest.write('0123456789abcdef-tail');
    await tick();
    assert.equal(a.join(''), 'login: 0123456789abcdef-tail');
    assert.equal(b.join(''), 'login: ');
    assert.equal(console.recent().toString(), '56789abcdef-tail'); // the last 16 bytes
    console.close('test over');
  });

  test('writes arrive in call order however fast they are made', async () => {
    const { files, peer } = await fakeConsole();
    const console = await SerialConsole.open(ID, files, options(), false);
    const guest = await peer;
    let received = '';
    guest.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const parts = Array.from({ length: 500 }, (_, i) => `${i},`);
    await Promise.all(parts.map((p) => console.write(Buffer.from(p))));
    await tick();
    assert.equal(received, parts.join(''));
    console.close('test over');
  });

  test('when QEMU closes the socket, subscribers end and writes reject', async () => {
    const { files, peer } = await fakeConsole();
    const console = await SerialConsole.open(ID, files, options(), false);
    const ends: string[] = [];
    console.subscribe(
      () => undefined,
      (reason) => ends.push(reason),
    );
    (await peer).destroy();
    await tick();
    assert.deepEqual(ends, ['the VM stopped']);
    await assert.rejects(console.write(Buffer.from('x')), { name: 'VmNotRunningError' });
    const late: string[] = [];
    console.subscribe(
      () => undefined,
      (reason) => late.push(reason),
    );
    await tick();
    assert.deepEqual(late, ['the VM stopped'], 'a subscriber after the end is told at once');
  });

  test('reattaching seeds recent() with the tail of console.log', async () => {
    const { files, peer } = await fakeConsole();
    writeFileSync(files.consoleLog, 'early boot lines\nlast line\n');
    const console = await SerialConsole.open(ID, files, options({ ringBytes: 10 }), true);
    await peer;
    assert.equal(console.recent().toString(), 'last line\n');
    console.close('test over');
  });

  test('past maxLogBytes the log is copied to console.log.1 and truncated', async () => {
    const { files, peer } = await fakeConsole();
    // QEMU's side of the log: O_APPEND, as logappend=on opens it.
    const fd = openSync(files.consoleLog, 'a');
    const console = await SerialConsole.open(ID, files, options({ maxLogBytes: 1000 }), false);
    const guest = await peer;
    const output = 'x'.repeat(70 * 1024);
    writeSync(fd, output);
    guest.write(output); // the console sees what the log gets; 64 KiB triggers a size check
    await tick(100);
    assert.equal(readFileSync(files.consoleLogPrevious, 'utf8').length, output.length);
    assert.equal(readFileSync(files.consoleLog, 'utf8'), '');
    writeSync(fd, 'after');
    assert.equal(readFileSync(files.consoleLog, 'utf8'), 'after', 'O_APPEND writes land at the new start: no hole');
    closeSync(fd);
    console.close('test over');
  });
});

describe('console log files', () => {
  test('rotateConsoleLog moves the last run to console.log.1, and is fine without one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeplane-console-'));
    const files = runFiles(dir);
    await rotateConsoleLog(files);
    writeFileSync(files.consoleLog, 'run 1');
    await rotateConsoleLog(files);
    assert.equal(existsSync(files.consoleLog), false);
    assert.equal(readFileSync(files.consoleLogPrevious, 'utf8'), 'run 1');
  });

  test('boundLog leaves a log within the limit alone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeplane-console-'));
    const files = runFiles(dir);
    writeFileSync(files.consoleLog, 'small');
    assert.equal(await boundLog(files, 5), false);
    assert.equal(readFileSync(files.consoleLog, 'utf8'), 'small');
  });
});
