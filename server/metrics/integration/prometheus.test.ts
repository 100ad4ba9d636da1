// A real Prometheus (Debian's prometheus package) scrapes the real daemon while real clients
// (busybox udhcpc) lease from it. Both run in the lab's server namespace, on its own loopback,
// Prometheus with a config and storage folder of the test's own. What Prometheus' HTTP API then
// answers must be what the daemon did: as many leased addresses as clients bound (and as the
// database holds), as many ACKs as the daemon counted; and the target is up with no scrape error
// (Prometheus parsed every scrape).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createLab, type Lab } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import { Udhcpc } from '../../dhcp/integration/clients-udhcpc.ts';
import { daemonCounters, waitForLeases } from '../../dhcp/integration/clients-daemon-view.ts';
import { fetchInLab } from '../testing/scrape-in-lab.ts';

const CLIENTS = 2;
const SUBNET = '10.123.0.0/24';
/** Prometheus' own port, on the server namespace's loopback (nothing else listens there). */
const PROMETHEUS = '127.0.0.1:9090';
const BIND_WAIT_MS = 15_000;
/** Prometheus starts, scrapes every second; a few scrapes after the clients bound is plenty. */
const SCRAPED_WAIT_MS = 30_000;

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus scraping the daemon while clients lease', { concurrency: 1 }, () => {
  let lab: Lab;
  let daemon: LabDaemon;
  let prometheus: ChildProcess;
  let dir: string;
  const clients: Udhcpc[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeplane-prometheus-'));
    lab = await createLab({ name: 'metrics', subnets: [{ serverAddress: '10.123.0.1/24', clients: CLIENTS }] });
    daemon = await LabDaemon.start(lab, (dataDir) => ({
      ...labConfig(lab, dataDir),
      metrics: { listen: '127.0.0.1:0' },
    }));
    const serving = await daemon.waitFor((l) => l.msg === 'metrics serving');
    const target = serving.address as string;
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: homeplane',
        `    static_configs: [{ targets: ["${target}"] }]`,
        '',
      ].join('\n'),
    );
    prometheus = lab.spawn(lab.serverNamespace, 'prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=${PROMETHEUS}`,
      '--log.level=warn',
    ]);
  });

  after(async () => {
    for (const client of clients) await client.dispose().catch(() => undefined);
    prometheus?.kill('SIGTERM');
    await daemon?.dispose();
    await lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Prometheus' HTTP API, asked from inside the namespace (its loopback is not ours). */
  async function api(path: string): Promise<unknown> {
    const text = await fetchInLab(lab, lab.serverNamespace, `http://${PROMETHEUS}${path}`);
    const body = JSON.parse(text) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
    return body.data;
  }

  async function query(expr: string): Promise<Vector[]> {
    const data = (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { result: Vector[] };
    return data.result;
  }

  /** Asks until `expr` has exactly `want` as its one value; fails with what it last had. */
  async function waitForValue(expr: string, want: number): Promise<void> {
    const deadline = Date.now() + SCRAPED_WAIT_MS;
    let last: unknown = 'no answer';
    while (Date.now() < deadline) {
      try {
        const result = await query(expr);
        last = result;
        if (result.length === 1 && Number(result[0]!.value[1]) === want) return;
      } catch (err) {
        last = String(err); // Prometheus still starting
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.fail(`${expr}: wanted ${want}, Prometheus last answered ${JSON.stringify(last)}`);
  }

  test('the leased-address gauge and the ACK counter Prometheus stored are what the daemon did', async () => {
    for (const host of lab.clients) {
      const client = new Udhcpc(lab, host);
      clients.push(client);
      client.start();
    }
    const bound = await Promise.all(clients.map((c) => c.waitForEvent(['bound'], BIND_WAIT_MS)));
    const addresses = new Set(bound.map((b) => b.address));
    assert.equal(addresses.size, CLIENTS, `each client got its own address: ${[...addresses].join(', ')}`);
    const active = (
      await waitForLeases(daemon.dataDir, (all) => all.filter((l) => l.state === 'active').length >= CLIENTS)
    ).filter((l) => l.state === 'active');
    assert.equal(active.length, CLIENTS);

    await waitForValue(`homeplane_dhcp_leased_addresses{job="homeplane",subnet="${SUBNET}"}`, CLIENTS);
    await waitForValue(`homeplane_dhcp_free_addresses{subnet="${SUBNET}"}`, 100 - CLIENTS);
    // The daemon's own count (a client may repeat a REQUEST, and each gets its ACK).
    const acks = (await daemonCounters(daemon)).sent('ack');
    assert.ok(acks >= CLIENTS, `the daemon sent ${acks} ACKs`);
    await waitForValue('homeplane_dhcp_packets_sent_total{type="ack"}', acks);
    // The commits that stored those leases were timed.
    const commits = await query('homeplane_store_commit_latency_seconds_count');
    assert.ok(commits.length === 1 && Number(commits[0]!.value[1]) >= 1, JSON.stringify(commits));
  });

  test('the target is up and every scrape parsed', async () => {
    await waitForValue('up{job="homeplane"}', 1);
    const targets = (await api('/api/v1/targets')) as {
      activeTargets: { labels: { job: string }; health: string; lastError: string }[];
    };
    const target = targets.activeTargets.find((t) => t.labels.job === 'homeplane');
    assert.ok(target, JSON.stringify(targets));
    assert.equal(target.health, 'up');
    assert.equal(target.lastError, '');
  });
});
