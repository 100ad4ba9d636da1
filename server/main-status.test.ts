// StatusService through the composition root: a daemon started on a user config without a dhcp
// section reports DHCP off in the very words it logged, and its version and start time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { StatusServiceClient, type GetStatusResponse } from '../proto/gen/homeplane/v1/status.ts';
import { parseConfig } from './config/parse.ts';
import { startDaemon, tokenFileOf } from './main.ts';
import { bearer, recordingLogger, type LogLine } from './grpc/testing/harness.ts';

test('a config without a dhcp section: DHCP off, the logged reason reported as it is, version and start time', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-status-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const source = join(dir, 'homeplane.yaml');
  const config = parseConfig('dataDir: ./data\ngrpc:\n  listen: 127.0.0.1:0\n', { source, baseDir: dir });
  const lines: LogLine[] = [];
  const daemon = await startDaemon(config, recordingLogger(lines));
  t.after(() => daemon.stop());
  assert.equal(daemon.dhcp, null);

  const logged = lines.filter((l) => l.msg.startsWith('DHCP disabled: '));
  assert.equal(logged.length, 1, JSON.stringify(lines.map((l) => l.msg)));
  assert.match(logged[0]!.msg, new RegExp(`^DHCP disabled: ${source.replaceAll('/', '\\/')} has no dhcp section`));
  const serving = lines.find((l) => l.msg === 'grpc serving')!.obj as { address: string };

  const token = readFileSync(tokenFileOf(config), 'utf8').trim();
  const client = new StatusServiceClient(serving.address, grpc.credentials.createInsecure());
  t.after(() => client.close());
  const status = await new Promise<GetStatusResponse>((resolve, reject) =>
    client.getStatus({}, bearer(token), (err, response) => (err ? reject(err) : resolve(response))),
  );
  const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  assert.equal(status.version, version);
  assert.deepEqual(status.dhcp, { serving: false, disabledReason: logged[0]!.msg, interfaces: [] });
  // The process began before this test did, and not in the future.
  assert.ok(status.startTime!.getTime() <= Date.now() - process.uptime() * 1000 + 1_000);
  assert.ok(status.startTime!.getTime() > Date.now() - process.uptime() * 1000 - 1_000);
});
