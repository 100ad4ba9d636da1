// kill -9 of the daemon in the middle of a stream of new clients, restarted at once on the same
// data dir while the clients carry on. RFC 2131 4.3.1: a server must not hand an address it has
// promised to someone else, and design.md promises that a lease is committed before its ACK
// leaves. So across both lifetimes of the daemon:
//   (a) no address is ACKed to two different clients while both leases are valid;
//   (b) every lease ACKed before the kill is in the database when the daemon is back.
//
// perfdhcp cannot report which client got which address, so the load comes from ClientSwarm: new
// clients (unique MAC and client-id) at RATE per second, behind a relay probe in the lab's relay
// namespace, recording every ACK. Clients wait up to 200 ms between OFFER and REQUEST and
// retransmit every 500 ms, so at the kill dozens hold an offer of the dead daemon and send their
// REQUEST to the new one, which never saw that offer: the case where a double grant would hide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { withLab } from '../../../scripts/lab/lab.ts';
import { LabDaemon } from '../../../scripts/lab/daemon.ts';
import { Probe } from '../../../scripts/lab/probe.ts';
import { ClientSwarm } from '../../../scripts/bench/dhcp-client-swarm.ts';
import { doubleGrants, missingLeases, type StoredLease } from '../../../scripts/bench/dhcp-lease-audit.ts';
import {
  BENCH_RELAY_ADDRESS,
  BENCH_SERVER_ADDRESS,
  benchLabOptions,
  homeplaneBenchConfig,
} from '../../../scripts/bench/dhcp-lab.ts';
import { formatIPv4 } from '../codec/ipv4.ts';
import { parsePerfdhcp } from '../../../scripts/bench/dhcp-perfdhcp.ts';

/** New clients per second. */
const RATE = 500;
/** Load before the kill, and again after the restart. */
const PHASE_MS = 3_000;

/** The leases table, read-only: a second connection beside the daemon's (WAL lets it read). */
function readLeases(dataDir: string): Map<string, StoredLease> {
  const db = new Database(join(dataDir, 'homeplane.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT address, hw_address, client_id, state FROM leases').all() as {
      address: number;
      hw_address: string;
      client_id: string | null;
      state: string;
    }[];
    return new Map(
      rows.map((r) => [
        formatIPv4(r.address),
        { address: formatIPv4(r.address), hwAddress: r.hw_address, clientId: r.client_id, state: r.state },
      ]),
    );
  } finally {
    db.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(50);
}

test(
  'kill -9 under load: no address ACKed twice, every ACKed lease survives the restart',
  { timeout: 90_000 },
  async (t) => {
    await withLab(benchLabOptions('crash'), async (lab) => {
      const relay = lab.relay!;
      const iface = lab.subnets[0]!.serverInterface;
      const daemon = await LabDaemon.start(lab, (dataDir) => homeplaneBenchConfig(iface, dataDir, 'process'));
      let probe: Probe | null = null;
      let swarm: ClientSwarm | null = null;
      try {
        probe = await Probe.open(lab, {
          namespace: relay.namespace,
          iface: relay.interface,
          address: BENCH_RELAY_ADDRESS,
          port: 67,
        });
        swarm = new ClientSwarm({
          probe,
          giaddr: BENCH_RELAY_ADDRESS,
          server: BENCH_SERVER_ADDRESS,
          rate: RATE,
          // 40 tries, 20 s: clients outlast even a slow restart (tsx start-up on a busy machine).
          maxSelectDelayMs: 200,
          retransmitMs: 500,
          maxTries: 40,
        });
        swarm.start();
        await sleep(PHASE_MS);

        const killedAt = Date.now();
        await daemon.kill();
        // Only ACKs read before the kill was sent are surely from the first lifetime.
        const ackedBeforeKill = swarm.acks.filter((a) => a.receivedAt < killedAt);
        const serving = await daemon.launch();
        // And only ACKs read after the new daemon said it serves are surely from the second.
        const servingAt = Date.now();

        // (b) Every lease ACKed before the kill is in the database the new daemon loaded.
        const afterRestart = readLeases(daemon.dataDir);
        assert.deepEqual(
          missingLeases(ackedBeforeKill, afterRestart),
          [],
          'leases ACKed before kill -9 are missing after the restart',
        );
        assert.ok(
          Number(serving.leases) >= ackedBeforeKill.length,
          `the new daemon loaded ${serving.leases} leases, fewer than the ${ackedBeforeKill.length} ACKed`,
        );

        await sleep(PHASE_MS);
        swarm.stopStarting();
        await until(() => swarm!.unfinished === 0, 25_000);
        await swarm.close();

        // (a) No address went to two clients, across both lifetimes.
        assert.deepEqual(doubleGrants(swarm.acks), [], 'an address was ACKed to two different clients');

        // Every ACK of both lifetimes is durable once the daemon stops.
        assert.equal(await daemon.stop(), 0);
        assert.deepEqual(
          missingLeases(swarm.acks, readLeases(daemon.dataDir)),
          [],
          'ACKed leases are missing after shutdown',
        );

        // The run exercised what it claims: load on both sides of the kill, and clients whose
        // OFFER came from the killed daemon and whose ACK from the new one.
        const secondLife = swarm.acks.filter((a) => a.receivedAt > servingAt);
        const straddling = secondLife.filter((a) => a.offeredAt < killedAt);
        t.diagnostic(
          `clients ${swarm.counters.clients}, ACKs ${swarm.acks.length} (${ackedBeforeKill.length} before the kill, ` +
            `${secondLife.length} from the restarted daemon, ${straddling.length} of them to clients the killed one had offered to), ` +
            `NAKs ${swarm.counters.naks}, retransmissions ${swarm.counters.retransmits}, gave up ${swarm.counters.gaveUp}`,
        );
        assert.ok(
          ackedBeforeKill.length >= (RATE * PHASE_MS) / 1000 / 2,
          `only ${ackedBeforeKill.length} ACKs before the kill`,
        );
        assert.ok(
          secondLife.length >= (RATE * PHASE_MS) / 1000 / 2,
          `only ${secondLife.length} ACKs after the restart`,
        );
        assert.ok(straddling.length > 0, 'no client straddled the kill');
        assert.equal(swarm.counters.gaveUp, 0, 'clients gave up: the restarted daemon did not answer them');
      } finally {
        await swarm?.close();
        await probe?.close();
        await daemon.dispose();
      }
    });
  },
);

/** "non unique addresses: N" of one exchange block of perfdhcp -u's report. */
function nonUnique(output: string, block: 'DISCOVER-OFFER' | 'REQUEST-ACK'): number {
  const start = output.indexOf(`***Statistics for: ${block}***`);
  const match = /^non unique addresses: (\d+)$/m.exec(output.slice(start));
  assert.ok(start >= 0 && match, `perfdhcp printed no uniqueness figure for ${block}:\n${output.slice(-1500)}`);
  return Number(match[1]);
}

test(
  'kill -9 in the middle of a perfdhcp -u run: perfdhcp sees no address ACKed to two clients',
  { timeout: 90_000 },
  async () => {
    await withLab(benchLabOptions('crashu'), async (lab) => {
      const relay = lab.relay!;
      const iface = lab.subnets[0]!.serverInterface;
      const daemon = await LabDaemon.start(lab, (dataDir) => homeplaneBenchConfig(iface, dataDir, 'process'));
      try {
        // -u: perfdhcp checks that no address is handed to two of its clients; every exchange is a
        // new client (-R well above rate x seconds), leases outlive the run (3600 s).
        const perfdhcp = lab.spawn(relay.namespace, 'perfdhcp', [
          '-4',
          '-u',
          '-r',
          String(RATE),
          '-p',
          '8',
          '-R',
          '100000',
          '-l',
          BENCH_RELAY_ADDRESS,
          BENCH_SERVER_ADDRESS,
        ]);
        let output = '';
        perfdhcp.stdout!.on('data', (c: Buffer) => (output += c.toString()));
        const exited = new Promise<number | null>((resolve) => perfdhcp.once('exit', (code) => resolve(code)));
        await sleep(2_500);
        await daemon.kill();
        await daemon.launch();
        const code = await exited;
        assert.ok(code === 0 || code === 3, `perfdhcp exited with ${code}:\n${output.slice(-1500)}`);
        const report = parsePerfdhcp(output);
        assert.equal(nonUnique(output, 'REQUEST-ACK'), 0, 'an address was ACKed to two clients');
        // Load on both sides of the kill: more ACKs than the first 2.5 s could have produced.
        assert.ok(
          report.requestAck.received > RATE * 3.5,
          `only ${report.requestAck.received} ACKs: the restarted daemon did not carry on`,
        );
        assert.equal(await daemon.stop(), 0);
        // Every ACK perfdhcp received is a committed lease (one row per address, all distinct).
        assert.ok(readLeases(daemon.dataDir).size >= report.requestAck.received, 'fewer stored leases than ACKs');
      } finally {
        await daemon.dispose();
      }
    });
  },
);
