// The command-line contract (design.md): check's exit codes and messages, serve on the built-in
// default (in a private network namespace, since it creates its bridge), graceful SIGTERM, and
// a clear start-up error for an interface that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/homeplane.mjs');

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('check accepts the example config and exits 0', () => {
  const r = spawnSync(process.execPath, [BIN, 'check', '--config', join(ROOT, 'homeplane.example.yaml')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /homeplane\.example\.yaml: OK/);
});

test('check lists every problem as "path: reason" and exits 1', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bad.yaml');
  writeFileSync(
    file,
    'dhcp:\n  interfaces: [br0]\n  leaseTime: 1x\n  subnets:\n    - subnet: 10.0.0.0/24\n      pool: ["10.0.0.10-10.0.0.20"]\n',
  );
  const r = spawnSync(process.execPath, [BIN, 'check', '--config', file], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dhcp\.leaseTime: .*duration/m);
  assert.match(r.stderr, /^dhcp\.subnets\[0\]\.pool: unknown key/m);
});

test('check of a missing file exits 1 with the reason', () => {
  const r = spawnSync(process.execPath, [BIN, 'check', '--config', '/nonexistent/homeplane.yaml'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nonexistent/);
});

test('an unknown command prints the usage and exits 2', () => {
  const r = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: homeplane/);
});

test('serve names a missing interface clearly and exits 1', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'homeplane.yaml');
  writeFileSync(
    file,
    'dhcp:\n  interfaces: [hpnosuch0]\n  subnets:\n    - subnet: 10.9.0.0/24\n      pools: ["10.9.0.10-10.9.0.20"]\n',
  );
  const r = spawnSync(process.execPath, [BIN, 'serve', '--config', file], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /dhcp\.interfaces\[0\]: interface "hpnosuch0" does not exist/);
});

test('serve on the built-in default creates its own bridge, serves only it, and stops on SIGTERM with exit 0', async (t) => {
  const ns = `hpcli${randomBytes(3).toString('hex')}`;
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0);
  t.after(() => void spawnSync('ip', ['netns', 'del', ns]));
  assert.equal(spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']).status, 0); // the API listens on 127.0.0.1
  const dir = tempDir(t);
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, BIN, 'serve'], {
    cwd: dir,
    env: { ...process.env, HOMEPLANE_CONFIG: '' },
  });
  t.after(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('"homeplane started"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const serving = lines.find((l) => l.msg === 'dhcp serving');
  assert.ok(serving, out);
  assert.deepEqual(serving.interfaces, [{ name: 'homeplane0', address: '10.123.0.1', subnet: '10.123.0.0/24' }]);
  const addr = spawnSync('ip', ['netns', 'exec', ns, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'homeplane0'], {
    encoding: 'utf8',
  });
  assert.match(addr.stdout, /10\.123\.0\.1\/24/);
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.ok(Date.now() - started < 10_000);
  assert.match(out, /"msg":"stopped"/);
});

test('endpoint prints the gRPC address, token file and dashboard settings of the config as JSON', () => {
  const r = spawnSync(process.execPath, [BIN, 'endpoint', '--config', join(ROOT, 'homeplane.example.yaml')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    grpc: '127.0.0.1:50051',
    tokenFile: join(ROOT, 'data', 'grpc.token'),
    dashboard: { allowedHosts: [], maxStreams: 256 },
  });
});

test('serve exits 1 (no lingering API) when the DHCP socket cannot open after the API is up', async (t) => {
  const dir = tempDir(t);
  const { createSocket } = await import('node:dgram');
  const holder = createSocket('udp4'); // no SO_REUSEADDR: the daemon's bind must fail
  await new Promise<void>((resolve) => holder.bind(0, '0.0.0.0', resolve));
  t.after(() => holder.close());
  const port = holder.address().port;
  const file = join(dir, 'homeplane.yaml');
  writeFileSync(
    file,
    `dataDir: ./data\ngrpc:\n  listen: unix:./grpc.sock\ndhcp:\n  interfaces: [lo]\n  port: ${port}\n  subnets:\n    - subnet: 127.0.0.0/8\n      pools: ["127.0.0.100-127.0.0.200"]\n`,
  );
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'serve', '--config', file], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 1, `exit ${r.status} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
  assert.ok(Date.now() - started < 15_000);
  assert.match(r.stdout, /EADDRINUSE|address already in use/);
});
