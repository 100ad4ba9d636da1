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
import { formatIPv4 } from '../codec/ipv4.ts';
import { waitForLeases, type LeaseRecord } from './clients-daemon-view.ts';

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
  /** The error line that starts with `prefix`, naming the lock. */
  const lockError = async (prefix: string) => {
    const line = await daemon.waitFor((l) => l.msg?.startsWith(prefix) === true, 5_000, logsBefore);
    assert.equal(line.level, 50, `an error line: ${prefix}`);
    assert.match(String(line.err), /SQLITE_BUSY|database is locked/);
  };
  const first = new SimClient(labMac(3));
  const firstOffer = assertType(await peer.ask(first.discover()), MessageType.Offer);
  assertType(await peer.ask(first.select(ip('10.123.0.1'), firstOffer.yiaddr)), MessageType.Ack);
  await lockError('lease database refuses writes');

  const client = new SimClient(labMac(1));
  const offer = assertType(await peer.ask(client.discover()), MessageType.Offer);
  await peer.askSilently(client.select(ip('10.123.0.1'), offer.yiaddr));
  await lockError('lease store is failing commits');
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
  // The ACK can leave before SQLite has the row (the journal's delay): wait for both rows.
  const macAt = (all: LeaseRecord[], address: number) => all.find((l) => l.address === formatIPv4(address))?.hwAddress;
  const rows = await waitForLeases(daemon.dataDir, (all) =>
    [offer.yiaddr, firstOffer.yiaddr].every((a) => macAt(all, a) !== undefined),
  );
  assert.equal(macAt(rows, offer.yiaddr), labMac(1), 'the lease is stored');
  assert.equal(macAt(rows, firstOffer.yiaddr), labMac(3), 'the lease ACKed from the journal is stored too');
});
