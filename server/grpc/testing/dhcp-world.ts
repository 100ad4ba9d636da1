// The DHCP side as server/main.ts builds it, on a SQLite file in a temporary folder: the event
// log, the group-commit lease store, the Bindings, the engine, the committed-lease queries, the
// reservation store and the DhcpAdminService over them. The gRPC tests run on it, so the rules
// they see are the daemon's own (no fake to drift from them).
//
// Leases get into the table the way the daemon puts them there: through the Bindings, waiting
// until the commit (and its lease.* event) is durable. `commit` appends events through the log's
// own transaction without a table change behind them, for Watch tests that only need a stream
// of revisions; such events show in the log, not in ListLeases or a snapshot.
import { NO_SCOPES, type OptionScopes } from '../../dhcp/option-plan.ts';
import type { SubnetConfig } from '../../config/types.ts';
import { DhcpAdminService } from '../../dhcp/admin-service.ts';
import { Bindings } from '../../dhcp/bindings.ts';
import { parseCidr, parseIPv4 } from '../../dhcp/codec/ipv4.ts';
import { DhcpCounters } from '../../dhcp/counters.ts';
import { DhcpEngine, type EngineSettings } from '../../dhcp/engine.ts';
import type { Lease } from '../../dhcp/lease.ts';
import { Subnet } from '../../dhcp/subnet.ts';
import type { EventDraft, StoredEvent } from '../../events/types.ts';
import { openSqlite } from '../../store/sqlite.ts';
import { SqliteEventLog } from '../../store/sqlite-event-log.ts';
import { SqliteLeaseQueries } from '../../store/sqlite-lease-queries.ts';
import { SqliteLeaseStore } from '../../store/sqlite-lease-store.ts';
import { SqliteReservationStore } from '../../store/sqlite-reservation-store.ts';
import { makeScratchDir } from '../../store/testing/fixtures.ts';
import type { SubnetSettings } from '../translate.ts';
import type { Snapshot } from '../watcher.ts';

/** The world's time: inside the default window of testLease (03:04:05 to 04:04:05), so those leases are active. */
export const WORLD_NOW = Date.parse('2025-01-02T03:30:00Z');

/** When the counters began (GetStats counting_since): a minute before WORLD_NOW. */
export const WORLD_STARTED_AT = WORLD_NOW - 60_000;

/** Our address on the served interface: the server identifier the engine answers with. */
export const SERVER_ADDRESS = parseIPv4('10.123.0.1')!;

export const ENGINE_SETTINGS: EngineSettings = {
  authoritative: true,
  port: 67,
  leaseTime: 3600,
  minLeaseTime: 60,
  maxLeaseTime: 7200,
  declineProbation: 86400,
  offerTimeout: 60,
  cacheThreshold: 0.25,
};

/** A subnet of the config: the CIDR text, the rest defaulted (no pool unless given). */
export function subnetConfig(id: string, changes: Partial<Omit<SubnetConfig, 'id' | 'cidr'>> = {}): SubnetConfig {
  return {
    id,
    cidr: parseCidr(id)!,
    pools: [],
    routers: [],
    dnsServers: [],
    domainName: null,
    ntpServers: [],
    leaseTime: null,
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
    reservations: [],
    ...changes,
  };
}

/** Two subnets with a pool of 100 addresses each (.100 to .199). */
export const DEFAULT_SUBNETS: readonly SubnetConfig[] = [
  subnetConfig('10.123.0.0/24', {
    pools: [{ start: parseIPv4('10.123.0.100')!, end: parseIPv4('10.123.0.199')! }],
    routers: [SERVER_ADDRESS],
  }),
  subnetConfig('10.124.0.0/24', { pools: [{ start: parseIPv4('10.124.0.100')!, end: parseIPv4('10.124.0.199')! }] }),
];

/** A lease for tests: address as text, the rest defaulted from it (MAC and host name from the last octet). */
export function testLease(address: string, changes: Partial<Lease> = {}): Lease {
  const ip = parseIPv4(address)!;
  const octet = (ip & 255).toString(16).padStart(2, '0');
  return {
    address: ip,
    subnetId: '10.123.0.0/24',
    clientKey: `hw:52:54:00:00:00:${octet}`,
    hwAddress: `52:54:00:00:00:${octet}`,
    clientId: null,
    hostname: `host-${ip & 255}`,
    fqdn: null,
    state: 'active',
    startsAt: Date.parse('2025-01-02T03:04:05Z'),
    expiresAt: Date.parse('2025-01-02T04:04:05Z'),
    ...changes,
  };
}

/** The one clock the log and the admin read (as main.ts passes one Clock to both); still unless a test sets it. */
export class TestClock {
  constructor(private at: number) {}

  readonly now = (): number => this.at;

  set(at: number): void {
    this.at = at;
  }
}

export interface DhcpWorldOptions {
  /** The config's subnets (default DEFAULT_SUBNETS), reservations included. */
  subnets?: readonly SubnetConfig[];
  /** Global options and client classes (dhcp.options, dhcp.classes); none by default. */
  scopes?: OptionScopes;
}

export interface DhcpWorld {
  readonly clock: TestClock;
  readonly log: SqliteEventLog;
  readonly bindings: Bindings;
  readonly engine: DhcpEngine;
  readonly counters: DhcpCounters;
  readonly admin: DhcpAdminService;
  /** What ListSubnets reports beside the usage: the same subnets the world serves. */
  readonly subnetSettings: SubnetSettings;
  /** Binds the leases (lease.granted) in one turn, so one group commit, and waits until it is stored. */
  grant(...leases: Lease[]): Promise<void>;
  /** Commits the drafts as one transaction of the log (no table change behind them); returns them as published. */
  commit(drafts: readonly EventDraft[]): readonly StoredEvent[];
  /** The log's own compaction, by row count: every revision below `revision` is deleted. */
  compactBefore(revision: number): void;
  /** The committed objects with the revision they reflect, as main.ts's snapshotOf reads them (no VMs here). */
  snapshot(): Snapshot;
  /** Closes the store (its last commit goes out first) and removes the folder. */
  close(): Promise<void>;
}

export async function openDhcpWorld(options: DhcpWorldOptions = {}): Promise<DhcpWorld> {
  const scratch = makeScratchDir();
  const clock = new TestClock(WORLD_NOW);
  const handle = openSqlite({ file: scratch.databaseFile, durability: 'process' });
  const log = new SqliteEventLog(handle.raw, clock);
  const store = new SqliteLeaseStore(handle, log);
  const configs = options.subnets ?? DEFAULT_SUBNETS;
  const scopes = options.scopes ?? NO_SCOPES;
  const subnets = configs.map((config) => new Subnet(config, scopes));
  const bindings = new Bindings(subnets, store);
  bindings.load(await store.loadAll());
  const engine = new DhcpEngine({ ...ENGINE_SETTINGS, classes: scopes.classes }, bindings, new Set([SERVER_ADDRESS]));
  const counters = new DhcpCounters();
  const leaseQueries = new SqliteLeaseQueries(handle.raw);
  const admin = new DhcpAdminService({
    bindings,
    subnetOnInterface: () => subnets[0],
    leases: leaseQueries,
    reservations: new SqliteReservationStore(handle.raw, log),
    log,
    counters,
    clock,
    startedAt: WORLD_STARTED_AT,
  });
  let closed = false;
  return {
    clock,
    log,
    bindings,
    engine,
    counters,
    admin,
    subnetSettings: { leaseTime: ENGINE_SETTINGS.leaseTime, subnets: configs, classes: scopes.classes },
    async grant(...leases) {
      const stored = await Promise.all(leases.map((lease) => bindings.bind(lease, 'lease.granted').durable));
      if (!stored.every(Boolean)) throw new Error('the lease store failed to commit a granted lease');
    },
    commit(drafts) {
      // What the log published is what it committed; listening (not readSince) leaves the
      // reads of the log to the code under test, which some tests count.
      let published: readonly StoredEvent[] = [];
      const stop = log.subscribe((events) => {
        published = events;
      });
      try {
        log.transact((record) => record(drafts));
      } finally {
        stop();
      }
      return published;
    },
    compactBefore(revision) {
      // Time 0: the time rule keeps everything; the row rule keeps the newest (last - revision + 1).
      log.compact(0, Math.max(0, log.lastRevision() - revision + 1));
    },
    snapshot() {
      const revision = log.lastRevision();
      const events: EventDraft[] = leaseQueries
        .all()
        .map((lease) => ({ object: 'lease', kind: 'lease.granted', lease }));
      for (const reservation of admin.listReservations({}).items)
        events.push({ object: 'reservation', kind: 'reservation.created', reservation });
      return { revision, events };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        bindings.close();
        await store.close();
      } finally {
        scratch.remove();
      }
    },
  };
}
