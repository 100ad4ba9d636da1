// The metrics endpoint over real HTTP: what it serves parses strictly (Prometheus' promtool, and
// parseExposition: HELP and TYPE for every metric, no duplicate series), carries the values its
// sources hold, and the token rule holds (none, a wrong one, the right one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createMetrics, type Metrics } from './metrics.ts';
import { isLoopbackHost, startMetricsServer, type MetricsServer } from './http.ts';
import { parseExposition, valueOf } from './testing/exposition.ts';
import { promtoolProblems } from './testing/promtool.ts';
import type { Logger } from '../ports.ts';
import { sampleSources } from './testing/sample-sources.ts';

const TOKEN = 'metrics-test-token-0123456789';
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

async function scrape(server: MetricsServer, headers: Record<string, string> = {}, init: RequestInit = {}) {
  return fetch(`http://${server.address}/metrics`, { headers, ...init });
}

describe('metrics endpoint', () => {
  let metrics: Metrics;
  let sources: ReturnType<typeof sampleSources>;
  let server: MetricsServer;
  const auth = { authorization: `Bearer ${TOKEN}` };

  before(async () => {
    sources = sampleSources();
    metrics = createMetrics(sources);
    server = await startMetricsServer({
      listen: '127.0.0.1:0',
      registry: metrics.registry,
      token: TOKEN,
      logger: quiet,
    });
  });
  after(() => server.close());

  test('without the token, or with a wrong one, a scrape gets 401 and no metrics', async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: TOKEN },
    ];
    for (const headers of refused) {
      const response = await scrape(server, headers);
      assert.equal(response.status, 401, JSON.stringify(headers));
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
      assert.doesNotMatch(await response.text(), /homeplane_/);
    }
  });

  test('other paths are 404, other methods 405', async () => {
    assert.equal((await fetch(`http://${server.address}/`, { headers: auth })).status, 404);
    assert.equal((await scrape(server, auth, { method: 'POST' })).status, 405);
  });

  test('with the token: the text format, parsed strictly by promtool and by the reader here', async () => {
    const response = await scrape(server, auth);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.deepEqual(promtoolProblems(text), []);
    const families = parseExposition(text);
    for (const family of families.values())
      if (family.name.startsWith('homeplane_')) assert.ok(family.help.length > 10, `${family.name} has help text`);
    // Node's process metrics come along.
    assert.ok(families.has('process_cpu_seconds_total') || families.has('process_cpu_user_seconds_total'));
    assert.ok(families.has('nodejs_eventloop_lag_seconds'));
  });

  test('the values are what the sources hold at scrape time', async () => {
    sources.counts.discover = 10;
    sources.counts.ack = 9;
    const families = parseExposition(await (await scrape(server, auth)).text());
    const at = (name: string, labels: Record<string, string> = {}) => valueOf(families, name, labels);
    assert.equal(at('homeplane_build_info', { version: '1.2.3-test' }), 1);
    assert.equal(at('homeplane_dhcp_serving'), 1);
    assert.equal(at('homeplane_dhcp_packets_received_total', { type: 'discover' }), 10);
    assert.equal(at('homeplane_dhcp_packets_received_total', { type: 'inform' }), 0, 'known types start at 0');
    assert.equal(at('homeplane_dhcp_packets_received_total', { type: 'unknown' }), 1);
    assert.equal(at('homeplane_dhcp_packets_sent_total', { type: 'ack' }), 9);
    assert.equal(at('homeplane_dhcp_packets_dropped_total', { reason: 'malformed' }), 1);
    assert.equal(at('homeplane_dhcp_packets_dropped_total', { reason: 'pool-exhausted' }), 0);
    assert.equal(at('homeplane_dhcp_leased_addresses', { subnet: '10.123.0.0/24' }), 2);
    assert.equal(at('homeplane_dhcp_free_addresses', { subnet: '10.123.0.0/24' }), 98);
    assert.equal(at('homeplane_dhcp_pool_addresses', { subnet: '10.123.0.0/24' }), 100);
    assert.equal(at('homeplane_dhcp_reserved_addresses', { subnet: '10.123.0.0/24' }), 1);
    assert.equal(at('homeplane_store_dirty_addresses'), 4);
    assert.equal(at('homeplane_store_behind'), 1);
    assert.equal(at('homeplane_store_failed_writes_total'), 7);
    assert.equal(at('homeplane_event_log_revision'), 42);
    assert.equal(at('homeplane_event_log_rows'), 40);
    assert.equal(at('homeplane_watch_streams'), 3);
    assert.equal(at('homeplane_vms', { state: 'running' }), 1);
    assert.equal(at('homeplane_vms', { state: 'crashed' }), 0);
    assert.equal(at('homeplane_vm_cpu_seconds_total', { vm: 'vm-1', name: 'web' }), 12.5);
    assert.equal(at('homeplane_vm_memory_resident_bytes', { vm: 'vm-1' }), 300 * 2 ** 20);
    assert.equal(
      at('homeplane_vm_network_receive_bytes_total', { vm: 'vm-1' }),
      5000,
      "the tap's tx is the VM's receive",
    );
    assert.equal(at('homeplane_vm_network_transmit_bytes_total', { vm: 'vm-1' }), 1000);
    assert.equal(at('homeplane_host_vcpus', { kind: 'allocatable' }), 16);
    assert.equal(at('homeplane_host_memory_bytes', { kind: 'allocated' }), 512 * 2 ** 20);
    assert.equal(at('homeplane_host_memory_bytes', { kind: 'free' }), (8192 - 1024 - 512) * 2 ** 20);
    assert.equal(at('homeplane_host_disk_bytes', { kind: 'total' }), 100 * 2 ** 30);
  });

  test('commits, gRPC calls and dropped watchers are counted as they are told', async () => {
    metrics.commit({ latencySeconds: 0.0003, rows: 5 });
    metrics.commit({ latencySeconds: 0.02, rows: 1 });
    metrics.grpc.callEnded({
      path: '/homeplane.v1.LeaseService/ListLeases',
      code: grpc.status.OK,
      seconds: 0.002,
      type: 'unary',
    });
    metrics.grpc.callEnded({
      path: '/homeplane.v1.LeaseService/ListLeases',
      code: grpc.status.UNAUTHENTICATED,
      seconds: 0.001,
      type: 'unary',
    });
    metrics.grpc.callEnded({
      path: '/homeplane.v1.EventService/Watch',
      code: grpc.status.CANCELLED,
      seconds: 3600,
      type: 'server_stream',
    });
    metrics.grpc.watchDropped('slow-reader');
    const text = await (await scrape(server, auth)).text();
    assert.deepEqual(promtoolProblems(text), []);
    const families = parseExposition(text);
    const at = (name: string, labels: Record<string, string> = {}) => valueOf(families, name, labels);
    assert.equal(at('homeplane_store_commit_latency_seconds_count'), 2);
    assert.equal(at('homeplane_store_commit_latency_seconds_bucket', { le: '0.0005' }), 1);
    assert.equal(at('homeplane_store_commit_batch_rows_sum'), 6);
    const list = { grpc_service: 'homeplane.v1.LeaseService', grpc_method: 'ListLeases', grpc_type: 'unary' };
    assert.equal(at('homeplane_grpc_server_handled_total', { ...list, grpc_code: 'OK' }), 1);
    assert.equal(at('homeplane_grpc_server_handled_total', { ...list, grpc_code: 'UNAUTHENTICATED' }), 1);
    assert.equal(at('homeplane_grpc_server_handling_seconds_count', list), 2);
    assert.equal(at('homeplane_grpc_server_handled_total', { grpc_method: 'Watch', grpc_code: 'CANCELLED' }), 1);
    assert.equal(
      at('homeplane_grpc_server_handling_seconds_count', { grpc_method: 'Watch' }),
      undefined,
      'streams are not timed',
    );
    assert.equal(at('homeplane_watch_streams_dropped_total', { reason: 'slow-reader' }), 1);
    assert.equal(at('homeplane_watch_streams_dropped_total', { reason: 'stalled' }), 0);
  });
});

test('a metrics endpoint without a token serves anyone', async () => {
  const server = await startMetricsServer({
    listen: '127.0.0.1:0',
    registry: createMetrics({ ...sampleSources(), hypervisor: null }).registry,
    token: null,
    logger: quiet,
  });
  try {
    const families = parseExposition(await (await scrape(server)).text());
    assert.ok(families.has('homeplane_dhcp_packets_received_total'));
    assert.ok(!families.has('homeplane_vms'), 'no hypervisor, no VM metrics');
  } finally {
    await server.close();
  }
});

test('a port in use is refused with the address named', async () => {
  const first = await startMetricsServer({
    listen: '127.0.0.1:0',
    registry: createMetrics(sampleSources()).registry,
    token: null,
    logger: quiet,
  });
  try {
    await assert.rejects(
      startMetricsServer({
        listen: first.address,
        registry: createMetrics(sampleSources()).registry,
        token: null,
        logger: quiet,
      }),
      new RegExp(`metrics cannot listen on ${first.address.replace('.', '\\.')}: .*EADDRINUSE`),
    );
  } finally {
    await first.close();
  }
});

test('loopback hosts are told apart from the rest', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '10.123.0.1', '[::]', 'homeplane.lab']) assert.ok(!isLoopbackHost(host), host);
});

test('the strict reader refuses a sample without HELP and TYPE, and a duplicate series', () => {
  assert.throws(() => parseExposition('x_total 1\n'), /outside its family/);
  assert.throws(
    () => parseExposition('# HELP x_total an x\n# TYPE x_total counter\nx_total{a="1"} 1\nx_total{a="1"} 2\n'),
    /duplicate series/,
  );
  assert.throws(() => parseExposition('# HELP x an x\n# HELP x an x\n'), /second HELP/);
});
