// The daemon's last-resort handlers in a real Node process with the real pino logger: an
// unhandled rejection is logged and the process goes on; an uncaught exception is logged as
// fatal and the process exits 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HANDLERS = fileURLToPath(new URL('./last-resort.ts', import.meta.url));

function run(body: string) {
  const script = `
    import pino from 'pino';
    import { installLastResortHandlers } from ${JSON.stringify(HANDLERS)};
    const logger = pino({ base: null });
    installLastResortHandlers(process, logger, (code) => process.exit(code));
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } });
  return { status: r.status, lines, stdout: r.stdout, stderr: r.stderr };
}

test('an unhandled rejection is logged as an error with its reason, and the daemon goes on', () => {
  const r = run(
    `Promise.reject(new Error('nobody awaited this')); setTimeout(() => { console.log('still running'); }, 50);`,
  );
  assert.equal(r.status, 0, r.stderr);
  const entry = r.lines.find((l) => l.msg.startsWith('unhandled promise rejection'));
  assert.ok(entry, r.stdout);
  assert.equal(entry.level, 50, 'error level');
  assert.equal(entry.err?.message, 'nobody awaited this');
  assert.match(r.stdout, /still running/);
});

test('an uncaught exception is logged as fatal and the process exits 1', () => {
  const r = run(
    `setTimeout(() => { throw new TypeError('a bug'); }, 10); setTimeout(() => console.log('never'), 500);`,
  );
  assert.equal(r.status, 1);
  const entry = r.lines.find((l) => l.msg.startsWith('uncaught exception'));
  assert.ok(entry, r.stdout + r.stderr);
  assert.equal(entry.level, 60, 'fatal level');
  assert.equal(entry.err?.message, 'a bug');
  assert.doesNotMatch(r.stdout, /never/);
});
