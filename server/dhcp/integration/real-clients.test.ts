// The daemon against the DHCP clients people actually run: busybox udhcpc, ISC dhclient and
// dhcpcd, each in its own lab (namespaces, bridge, daemon) so the three run side by side. Each
// client reports through its hook script what reached it; the daemon's lease rows (SQLite, read
// only) and counters (SIGUSR1) show what it decided. Short leases (20 s, T1 = 10 s, RFC 2131
// 4.4.5) make renewals happen within the test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createLab, type Lab, type LabClient } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import type { RealClient } from './clients-real-client.ts';
import { Udhcpc } from './clients-udhcpc.ts';
import { Dhclient } from './clients-dhclient.ts';
import { Dhcpcd } from './clients-dhcpcd.ts';
import { daemonCounters, leaseEvents, waitForLease } from './clients-daemon-view.ts';

interface ClientKind {
  name: string;
  make(lab: Lab, host: LabClient): RealClient;
  /** Whether it keeps its lease across restarts and asks for it in INIT-REBOOT (RFC 2131 3.2). */
  initReboot: boolean;
}

const KINDS: ClientKind[] = [
  { name: 'udhcpc', make: (lab, host) => new Udhcpc(lab, host), initReboot: false },
  { name: 'dhclient', make: (lab, host) => new Dhclient(lab, host), initReboot: true },
  { name: 'dhcpcd', make: (lab, host) => new Dhcpcd(lab, host), initReboot: true },
];

const SERVER = '10.123.0.1';
const LEASE_SECONDS = 20;
const RESERVED = { mac: '52:54:00:aa:bb:cc', ip: '10.123.0.10', hostname: 'nas' };
/** The client of tests 1-3; the restart tests each use a client (MAC) of their own. */
const REGULAR_MAC = '52:54:00:00:01:01';
/** The address a client holds when the daemon loses its database: not the first a fresh daemon gives. */
const OLD_ADDRESS = '10.123.0.150';
/** Enough for a DISCOVER-OFFER-REQUEST-ACK, with retries, from any of the clients. */
const BIND_WAIT_MS = 15_000;
/** T1 is 10 s; the client may add jitter. */
const RENEW_WAIT_MS = 20_000;
const BOUND = ['bound', 'reboot'];

function inPool(address: string | null): boolean {
  const match = /^10\.123\.0\.(\d+)$/.exec(address ?? '');
  return match !== null && Number(match[1]) >= 100 && Number(match[1]) <= 199;
}

describe('real DHCP clients against the daemon', { concurrency: KINDS.length }, () => {
  // The three labs run side by side; the tests of one client, which share its lab, one at a time.
  for (const kind of KINDS) describe(kind.name, { concurrency: 1 }, () => clientSuite(kind));
});

function clientSuite(kind: ClientKind): void {
  let lab: Lab;
  let host: LabClient;
  let daemon: LabDaemon;

  before(async () => {
    lab = await createLab({ name: kind.name });
    host = lab.clients[0]!;
    daemon = await LabDaemon.start(lab, (dataDir) =>
      // Every REQUEST written (no early-renewal cache): the tests follow each renewal and restart in the lease rows.
      labConfig(
        lab,
        dataDir,
        { leaseTime: LEASE_SECONDS, minLeaseTime: 10, cacheThreshold: 0 },
        { reservations: [RESERVED] },
      ),
    );
  });

  after(async () => {
    await daemon?.dispose();
    await lab?.destroy();
  });

  /** Gives the client interface `mac`, runs `fn` with a fresh client, and leaves no process behind. */
  async function withClient(mac: string, fn: (client: RealClient) => Promise<void>): Promise<void> {
    const set = await lab.exec(host.namespace, 'ip', ['link', 'set', 'dev', host.interface, 'address', mac]);
    assert.equal(set.code, 0, `setting ${mac}: ${set.stderr}`);
    const client = kind.make(lab, host);
    // A failed test reports its own error, not a complaint of the cleanup after it.
    let outcome: { error: unknown } | null = null;
    try {
      await fn(client);
    } catch (error) {
      outcome = { error };
    }
    try {
      await client.dispose();
    } catch (error) {
      outcome ??= { error };
    }
    if (outcome !== null) throw outcome.error;
  }

  test('obtains a lease carrying the router, DNS server and domain name', async () => {
    await withClient(REGULAR_MAC, async (client) => {
      const since = Date.now();
      client.start();
      const bound = await client.waitForEvent(['bound'], BIND_WAIT_MS);
      assert.ok(inPool(bound.address), `address ${bound.address} is not from the pool`);
      assert.deepEqual(bound.routers, [SERVER]);
      assert.deepEqual(bound.dnsServers, [SERVER]);
      assert.equal(bound.domainName, 'lab.home');
      assert.equal(bound.leaseSeconds, LEASE_SECONDS);

      const lease = await waitForLease(
        daemon.dataDir,
        bound.address!,
        (l) => l.state === 'active' && l.startsAt >= since,
      );
      assert.equal(lease.hwAddress, REGULAR_MAC);
      assert.equal(lease.expiresAt - lease.startsAt, LEASE_SECONDS * 1000);
      const counters = await daemonCounters(daemon);
      assert.ok(counters.sent('offer') >= 1 && counters.sent('ack') >= 1, JSON.stringify(counters.raw));
      assert.equal(counters.sent('nak'), 0);
    });
  });

  test('renews at T1 and the daemon moves the expiry forward', async () => {
    await withClient(REGULAR_MAC, async (client) => {
      const since = Date.now();
      client.start();
      const bound = await client.waitForEvent(BOUND, BIND_WAIT_MS);
      const afterBound = client.events().length;
      const first = await waitForLease(
        daemon.dataDir,
        bound.address!,
        (l) => l.state === 'active' && l.startsAt >= since,
      );
      const before = await daemonCounters(daemon);

      const renewed = await client.waitForEvent(['renew'], RENEW_WAIT_MS, afterBound);
      assert.equal(renewed.address, bound.address);
      assert.equal(renewed.leaseSeconds, LEASE_SECONDS);
      await waitForLease(daemon.dataDir, bound.address!, (l) => l.expiresAt > first.expiresAt);
      // The first renewal after the binding, from the daemon's event log: on a loaded machine the
      // client may have renewed again by the time this test looks (CI once read the row of the
      // fourth renewal, 40 s on), and the row holds only the latest.
      const history = leaseEvents(daemon.dataDir, bound.address!);
      const binding = history.findIndex((e) => e.lease.startsAt === first.startsAt);
      assert.ok(binding >= 0, `the binding is in the event log: ${JSON.stringify(history)}`);
      const extended = history.slice(binding + 1).find((e) => e.kind === 'lease.renewed')?.lease;
      assert.ok(extended, `a renewal follows the binding in the event log: ${JSON.stringify(history)}`);
      // Answered while RENEWING: around T1 (0.5 x lease) and before T2 (0.875 x lease), RFC 2131
      // 4.4.5. ISC dhclient fuzzes its renewal time to between 3/4 of T1 and T1, so the lower
      // bound is 3/4 of T1. Measured on the daemon's clock (the two ACKs' commit times): the
      // hook's own timestamps lag by however long a loaded machine takes to run its script.
      const renewedAfter = extended.startsAt - first.startsAt;
      assert.ok(
        renewedAfter >= (LEASE_SECONDS * 0.5 * 0.75 - 1) * 1000,
        `renewed ${renewedAfter} ms after binding, well before T1`,
      );
      assert.ok(renewedAfter < LEASE_SECONDS * 0.875 * 1000, `renewed ${renewedAfter} ms after binding, after T2`);

      // A whole lease from the renewal's ACK: the expiry moves forward by the time between the
      // ACKs (dhclient renews from 3/4 of T1 on, so that can be under T1).
      assert.equal(extended.state, 'active');
      assert.equal(extended.expiresAt - extended.startsAt, LEASE_SECONDS * 1000);
      assert.equal(extended.expiresAt - first.expiresAt, extended.startsAt - first.startsAt);
      const later = await daemonCounters(daemon);
      assert.ok(later.received('request') > before.received('request'), 'the renewal REQUEST was counted');
      assert.ok(later.sent('ack') > before.sent('ack'), 'the renewal was ACKed');
      assert.equal(later.received('discover'), before.received('discover'), 'no DISCOVER: the client renewed');
      assert.equal(later.sent('nak'), 0);
    });
  });

  test('releases, and the daemon marks the lease released', async () => {
    await withClient(REGULAR_MAC, async (client) => {
      const since = Date.now();
      client.start({ releaseOnExit: true });
      const bound = await client.waitForEvent(BOUND, BIND_WAIT_MS);
      await waitForLease(daemon.dataDir, bound.address!, (l) => l.state === 'active' && l.startsAt >= since);
      const before = await daemonCounters(daemon);

      await client.release();
      const lease = await waitForLease(daemon.dataDir, bound.address!, (l) => l.state === 'released');
      assert.equal(lease.hwAddress, REGULAR_MAC);
      assert.ok(lease.expiresAt <= Date.now(), 'a released lease ends at once');
      const later = await daemonCounters(daemon);
      assert.equal(later.received('release') - before.received('release'), 1);
      assert.equal(later.released - before.released, 1);
    });
  });

  test('a reserved MAC gets its reserved address and host name', async () => {
    await withClient(RESERVED.mac, async (client) => {
      client.start();
      const bound = await client.waitForEvent(BOUND, BIND_WAIT_MS);
      assert.equal(bound.address, RESERVED.ip);
      assert.equal(bound.hostname, RESERVED.hostname);
      assert.deepEqual(bound.routers, [SERVER]);
      const lease = await waitForLease(daemon.dataDir, RESERVED.ip, (l) => l.state === 'active');
      assert.equal(lease.hwAddress, RESERVED.mac);
    });
  });

  /**
   * Binds with a client of MAC `mac` (to `askFor` when given), stops it without a release,
   * `restart`s the daemon, starts the client again and checks it is bound to the same address,
   * with no NAK and (for clients that keep their lease) by INIT-REBOOT alone. udhcpc asks for its
   * old address with -r instead. Leases of 600 s (asked for with option 51) keep the client's own
   * copy valid throughout.
   */
  async function rebootsToSameAddress(mac: string, restart: () => Promise<void>, askFor?: string): Promise<void> {
    await withClient(mac, async (client) => {
      client.start({ leaseSeconds: 600, requestAddress: askFor });
      const first = await client.waitForEvent(BOUND, BIND_WAIT_MS);
      const address = first.address!;
      if (askFor !== undefined) assert.equal(address, askFor, 'precondition: bound to the address asked for');
      await waitForLease(daemon.dataDir, address, (l) => l.state === 'active' && l.hwAddress === mac);
      await client.stop();

      await restart();
      const restartedAt = Date.now();
      const from = client.events().length;
      client.start({ leaseSeconds: 600, requestAddress: kind.initReboot ? undefined : address });
      const again = await client.waitForEvent(BOUND, BIND_WAIT_MS, from);
      assert.equal(again.address, address, 'the same address after the restart');
      if (kind.initReboot) assert.equal(again.reason, 'reboot', 'bound by INIT-REBOOT');

      const counters = await daemonCounters(daemon);
      assert.equal(counters.sent('nak'), 0, `no NAK: ${JSON.stringify(counters.raw)}`);
      assert.equal(counters.sent('ack'), 1);
      if (kind.initReboot) assert.equal(counters.received('discover'), 0, 'INIT-REBOOT needs no DISCOVER');
      const lease = await waitForLease(
        daemon.dataDir,
        address,
        (l) => l.state === 'active' && l.startsAt >= restartedAt,
      );
      assert.equal(lease.hwAddress, mac);
      assert.equal(lease.expiresAt - lease.startsAt, 600_000, 'the lease time the client asked for');
    });
  }

  test('after a daemon restart (SIGTERM) the client gets the same address back', async () => {
    await rebootsToSameAddress('52:54:00:00:05:01', async () => {
      assert.equal(await daemon.stop(), 0);
      await daemon.launch();
    });
  });

  test('after the daemon is killed (kill -9) the client gets the same address back', async () => {
    await rebootsToSameAddress('52:54:00:00:05:02', async () => {
      await daemon.kill();
      await daemon.launch();
    });
  });

  test('an authoritative daemon that lost its lease database ACKs the old address again', async () => {
    // Not the first pool address: a fresh daemon would hand that one out anyway.
    await rebootsToSameAddress(
      '52:54:00:00:05:03',
      async () => {
        assert.equal(await daemon.stop(), 0);
        rmSync(daemon.dataDir, { recursive: true, force: true });
        await daemon.launch();
      },
      OLD_ADDRESS,
    );
  });
}
