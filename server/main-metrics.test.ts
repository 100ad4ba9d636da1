// The metrics endpoint through the composition root: with metrics.tokenFile the daemon makes the
// token file (0600), asks every scrape for it and never logs it; what it serves counts the gRPC
// calls made to it and its watchers; a token file others may read stops the start with a
// `metrics.tokenFile:` problem; no metrics section, no endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { StatusServiceClient } from '../proto/gen/homeplane/v1/status.ts';
import { parseConfig } from './config/parse.ts';
import { startDaemon, StartupError, tokenFileOf } from './main.ts';
import { bearer, recordingLogger, type LogLine } from './grpc/testing/harness.ts';
import { parseExposition, valueOf } from './metrics/testing/exposition.ts';
import { promtoolProblems } from './metrics/testing/promtool.ts';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-metrics-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const BASE = 'dataDir: ./data\ngrpc:\n  listen: 127.0.0.1:0\nhypervisor:\n  accel: tcg\n';

test('a token file is made 0600, asked of every scrape, never logged; gRPC calls show up', async (t) => {
  const dir = scratch(t);
  const config = parseConfig(`${BASE}metrics:\n  listen: 127.0.0.1:0\n  tokenFile: metrics.token\n`, {
    source: join(dir, 'homeplane.yaml'),
    baseDir: dir,
  });
  const lines: LogLine[] = [];
  const daemon = await startDaemon(config, recordingLogger(lines));
  t.after(() => daemon.stop());

  const tokenFile = join(dir, 'metrics.token');
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  const token = readFileSync(tokenFile, 'utf8').trim();
  const serving = lines.find((l) => l.msg === 'metrics serving')!.obj as { address: string; tokenRequired: boolean };
  assert.equal(serving.tokenRequired, true);
  const url = `http://${serving.address}/metrics`;
  assert.equal((await fetch(url)).status, 401);

  // One gRPC call, to see it counted.
  const grpcAddress = (lines.find((l) => l.msg === 'grpc serving')!.obj as { address: string }).address;
  const client = new StatusServiceClient(grpcAddress, grpc.credentials.createInsecure());
  t.after(() => client.close());
  const grpcToken = readFileSync(tokenFileOf(config), 'utf8').trim();
  await new Promise<void>((resolve, reject) =>
    client.getStatus({}, bearer(grpcToken), (err) => (err ? reject(err) : resolve())),
  );

  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.deepEqual(promtoolProblems(text), [], "Prometheus' promtool parses and lints it clean");
  const families = parseExposition(text);
  assert.equal(
    valueOf(families, 'homeplane_grpc_server_handled_total', { grpc_method: 'GetStatus', grpc_code: 'OK' }),
    1,
  );
  assert.equal(valueOf(families, 'homeplane_watch_streams'), 0);
  assert.equal(valueOf(families, 'homeplane_dhcp_serving'), 0, 'no dhcp section: DHCP off');
  assert.ok(families.has('homeplane_vms'), 'the VM side is there');
  assert.ok(families.has('homeplane_host_vcpus'));
  for (const line of lines) assert.ok(!JSON.stringify(line).includes(token), `the token is logged: ${line.msg}`);
});

test('a metrics token file others may read stops the start with the key named', async (t) => {
  const dir = scratch(t);
  const tokenFile = join(dir, 'metrics.token');
  writeFileSync(tokenFile, 'a-token-that-leaked-0123456789\n');
  chmodSync(tokenFile, 0o644);
  const config = parseConfig(`${BASE}metrics:\n  listen: 127.0.0.1:0\n  tokenFile: metrics.token\n`, {
    source: join(dir, 'homeplane.yaml'),
    baseDir: dir,
  });
  await assert.rejects(startDaemon(config, recordingLogger([])), (err: unknown) => {
    assert.ok(err instanceof StartupError);
    assert.match(
      err.message,
      /^metrics\.tokenFile: .*metrics token file is accessible to group or others \(mode 0644\)/,
    );
    return true;
  });
});

test('no metrics section: nothing listens, nothing is logged about metrics', async (t) => {
  const dir = scratch(t);
  const config = parseConfig(BASE, { source: join(dir, 'homeplane.yaml'), baseDir: dir });
  const lines: LogLine[] = [];
  const daemon = await startDaemon(config, recordingLogger(lines));
  t.after(() => daemon.stop());
  assert.ok(!lines.some((l) => /^metrics /.test(l.msg)), JSON.stringify(lines.map((l) => l.msg)));
});
