// The real daemon while its lease database refuses writes: another process holds SQLite's write
// lock (as a backup or the sqlite3 CLI would), so every commit fails with SQLITE_BUSY after the
// short busy timeout. In durability 'process' the lease journal is in front of SQLite: the first
// change after the lock is durable there and ACKed, and its SQLite commit meets the lock (an error
// line). From then on the journal takes nothing more, and the daemon must keep answering what
// needs no write, withhold ACKs, say it is behind (an error log line, health NOT_SERVING, a
// counter), and once the lock is gone store both leases, say it caught up, and ACK the second
// client's retransmission.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createLab } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import { Probe } from '../../../scripts/lab/probe.ts';
import { MessageType } from '../codec/index.ts';
import { Peer } from './conformance-peer.ts';
import { ip, labMac, SimClient } from './conformance-client.ts';
import { assertType } from './conformance-assert.ts';
import { grpcListenIn } from '../../grpc/integration/daemon-api.ts';
import { check, healthClient } from '../../grpc/testing/health-client.ts';

test('a database that refuses writes: the journaled lease is ACKed, then no ACK, health NOT_SERVING and error lines; once it recovers both leases are stored', async (t) => {
  const lab = await createLab({ name: 'behind' });
  t.after(() => lab.destroy());
  const daemon = await LabDaemon.start(lab, (dataDir) => ({
    ...labConfig(lab, dataDir),
    grpc: { listen: grpcListenIn(dataDir) },
  }));
  t.after(() => daemon.dispose());
  const [side] = lab.clients;
  const peer = new Peer(
    await Probe.open(lab, { namespace: side!.namespace, iface: side!.interface, port: 68 }),
    'client',
  );
  t.after(() => peer.close());
  const health = healthClient(grpcListenIn(daemon.dataDir));
  t.after(() => health.close());
  assert.equal((await check(health, '')).status, 'SERVING');

  const lock = new Database(join(daemon.dataDir, 'homeplane.db'));
  t.after(() => lock.close());
  lock.exec('BEGIN IMMEDIATE');
  const logsBefore = daemon.logs.length;
  const first = new SimClient(labMac(3));
  const firstOffer = assertType(await peer.ask(first.discover()), MessageType.Offer);
  assertType(await peer.ask(first.select(ip('10.123.0.1'), firstOffer.yiaddr)), MessageType.Ack);
  const refused = await daemon.waitFor(
    (l) => l.msg?.startsWith('lease database refuses writes') === true,
    5_000,
    logsBefore,
  );
  assert.equal(refused.level, 50, 'an error line');
  assert.match(String(refused.err), /SQLITE_BUSY|database is locked/);

  const client = new SimClient(labMac(1));
  const offer = assertType(await peer.ask(client.discover()), MessageType.Offer);
  await peer.askSilently(client.select(ip('10.123.0.1'), offer.yiaddr));
  const behind = await daemon.waitFor(
    (l) => l.msg?.startsWith('lease store is failing commits') === true,
    5_000,
    logsBefore,
  );
  assert.equal(behind.level, 50, 'an error line');
  assert.match(String(behind.err), /SQLITE_BUSY|database is locked/);
  assert.equal((await check(health, '')).status, 'NOT_SERVING');
  assert.equal((await check(health, 'homeplane.v1.LeaseService')).status, 'NOT_SERVING');
  const stats = await daemon.stats();
  assert.ok((stats.store as { failedWrites: number }).failedWrites >= 1, 'the failures are counted');
  assert.equal((stats.store as { behind: boolean }).behind, true);
  // What needs no write is still answered.
  assertType(await peer.ask(new SimClient(labMac(2)).discover()), MessageType.Offer);

  lock.exec('ROLLBACK');
  await daemon.waitFor((l) => l.msg?.startsWith('lease store caught up') === true, 10_000, logsBefore);
  assert.equal((await check(health, '')).status, 'SERVING');
  const ack = assertType(await peer.ask(client.select(ip('10.123.0.1'), offer.yiaddr)), MessageType.Ack);
  assert.equal(ack.yiaddr, offer.yiaddr);
  const row = lock.prepare('SELECT hw_address FROM leases WHERE address = ?').get(offer.yiaddr) as
    { hw_address: string } | undefined;
  assert.equal(row?.hw_address, labMac(1), 'the lease is stored');
  const journaled = lock.prepare('SELECT hw_address FROM leases WHERE address = ?').get(firstOffer.yiaddr) as
    { hw_address: string } | undefined;
  assert.equal(journaled?.hw_address, labMac(3), 'the lease ACKed from the journal is stored too');
});
