// The conformance suite's fixture: a lab (scripts/lab) with one client namespace and optionally a
// relay, the real daemon serving it, and a Peer for the client side and one for the relay side.
// One fixture serves a whole describe block; each test takes fresh clients (distinct MACs) from it
// so tests do not depend on each other's leases.
import { createLab, type Lab } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import { Probe } from '../../../scripts/lab/probe.ts';
import type { CounterSnapshot } from '../counters.ts';
import { formatIPv4 } from '../codec/index.ts';
import { Peer } from './conformance-peer.ts';
import { labMac, SimClient } from './conformance-client.ts';

export interface ConformanceLabOptions {
  /** Tag in the namespace names. */
  name: string;
  /** Settings under dhcp (authoritative, leaseTime, ...). */
  dhcp?: Record<string, unknown>;
  /** Overrides for the served subnet 10.123.0.0/24 (pools, reservations, ...). */
  subnet?: Record<string, unknown>;
  /**
   * A relay namespace at 10.123.0.2 with giaddr RELAY_GIADDR, and the subnet it relays for
   * (10.124.0.0/24, not on any served interface) in the daemon's config.
   */
  relay?: boolean;
}

export const SERVER_ID = '10.123.0.1';
export const RELAY_GIADDR = '10.124.0.1';
export const RELAYED_SUBNET = {
  subnet: '10.124.0.0/24',
  pools: ['10.124.0.100-10.124.0.199'],
  routers: [RELAY_GIADDR],
  dnsServers: [SERVER_ID],
};

export class ConformanceLab {
  private clientCount = 0;

  private constructor(
    readonly lab: Lab,
    readonly daemon: LabDaemon,
    /** Broadcasts on the client's interface, port 68. */
    readonly client: Peer,
    /** At RELAY_GIADDR port 67 in the relay namespace, when the lab has a relay. */
    readonly relay: Peer | null,
  ) {}

  static async start(opts: ConformanceLabOptions): Promise<ConformanceLab> {
    const relay = opts.relay === true ? { address: '10.123.0.2/24', giaddrs: [`${RELAY_GIADDR}/24`] } : undefined;
    const lab = await createLab({ name: opts.name, relay });
    let daemon: LabDaemon | null = null;
    try {
      daemon = await LabDaemon.start(lab, (dataDir) => {
        const config = labConfig(lab, dataDir, opts.dhcp, opts.subnet);
        if (relay) (config.dhcp as { subnets: unknown[] }).subnets.push(RELAYED_SUBNET);
        return config;
      });
      const [client] = lab.clients;
      const probe = await Probe.open(lab, { namespace: client!.namespace, iface: client!.interface, port: 68 });
      let relayPeer: Peer | null = null;
      if (lab.relay) {
        const relayProbe = await Probe.open(lab, {
          namespace: lab.relay.namespace,
          iface: lab.relay.interface,
          address: RELAY_GIADDR,
          port: 67,
        });
        relayPeer = new Peer(relayProbe, 'relay');
      }
      return new ConformanceLab(lab, daemon, new Peer(probe, 'client'), relayPeer);
    } catch (err) {
      await daemon?.dispose();
      await lab.destroy();
      throw err;
    }
  }

  /** A client nobody in this lab has used yet. */
  newClient(clientId?: string): SimClient {
    this.clientCount++;
    return new SimClient(labMac(this.clientCount), clientId);
  }

  /** The daemon's counters (SIGUSR1). Ask after an answered request so earlier datagrams are handled. */
  async counters(): Promise<CounterSnapshot> {
    const line = await this.daemon.stats();
    return line.dhcp as CounterSnapshot;
  }

  /**
   * Runs `fn` while the client interface carries `address`/24, as a bound client's would, with a
   * Peer bound to that address on port 68. The server reaches a bound client by unicast to ciaddr
   * (RFC 2131 4.1): such a datagram goes to the address-bound socket only, while a broadcast would
   * go to the wildcard `client` Peer only, so the two tell unicast from broadcast.
   */
  async withClientAddress<T>(address: number, fn: (bound: Peer) => Promise<T>): Promise<T> {
    const [client] = this.lab.clients;
    const text = formatIPv4(address);
    const cidr = `${text}/24`;
    await this.ip(client!.namespace, ['addr', 'add', cidr, 'dev', client!.interface]);
    let bound: Peer | null = null;
    try {
      const probe = await Probe.open(this.lab, {
        namespace: client!.namespace,
        iface: client!.interface,
        address: text,
        port: 68,
      });
      bound = new Peer(probe, `client at ${text}`);
      return await fn(bound);
    } finally {
      await bound?.close();
      await this.ip(client!.namespace, ['addr', 'del', cidr, 'dev', client!.interface]);
    }
  }

  /** Datagrams nobody read, per peer: a reply the test did not expect. */
  async leftovers(): Promise<string[]> {
    const client = await this.client.leftovers();
    const relay = (await this.relay?.leftovers()) ?? [];
    return [...client.map((d) => `client: ${d}`), ...relay.map((d) => `relay: ${d}`)];
  }

  async close(): Promise<void> {
    await Promise.all([this.client.close(), this.relay?.close()]);
    await this.daemon.dispose();
    await this.lab.destroy();
  }

  private async ip(ns: string, args: string[]): Promise<void> {
    const result = await this.lab.exec(ns, 'ip', args);
    if (result.code !== 0) throw new Error(`ip ${args.join(' ')} in ${ns} failed: ${result.stderr}`);
  }
}

/** How far a counter moved between two snapshots. */
export function delta(
  before: CounterSnapshot,
  after: CounterSnapshot,
  group: 'received' | 'sent' | 'dropped',
  key: string,
): number {
  return (after[group][key] ?? 0) - (before[group][key] ?? 0);
}
