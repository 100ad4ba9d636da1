// The composition root: the only place adapters (SQLite, sockets, clock, ip commands) are built
// and handed to the domain. Everything else receives its ports.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, MetricsConfig } from './config/types.ts';
import { formatIPv4 } from './dhcp/codec/ipv4.ts';
import { DhcpEngine, type ServedInterface } from './dhcp/engine.ts';
import { Bindings, type StoreHealth } from './dhcp/bindings.ts';
import { Subnet } from './dhcp/subnet.ts';
import { DhcpServer } from './dhcp/server.ts';
import { systemClock, type Clock, type Logger } from './ports.ts';
import { UdpTransport } from './dhcp/transport/udp-transport.ts';
import { interfaceAddresses, interfaceExists } from './dhcp/transport/interfaces.ts';
import { checkpointsFor, openSqlite } from './store/sqlite.ts';
import { SqliteLeaseStore, type CommitObserver, type StoreJournal } from './store/sqlite-lease-store.ts';
import { LeaseJournal } from './store/lease-journal.ts';
import { SqliteEventLog } from './store/sqlite-event-log.ts';
import { SqliteLeaseQueries } from './store/sqlite-lease-queries.ts';
import { SqliteReservationStore } from './store/sqlite-reservation-store.ts';
import { SqliteAuthStore } from './store/sqlite-auth-store.ts';
import { Accounts } from './auth/accounts.ts';
import { applyEnvAdmin } from './auth/env-admin.ts';
import { InvalidInputError } from './errors.ts';
import { DhcpAdminService } from './dhcp/admin-service.ts';
import type { EventDraft } from './events/types.ts';
import { ensureToken } from './grpc/token.ts';
import { startGrpcServer } from './grpc/server.ts';
import type { DaemonStatus } from './grpc/status-service.ts';
import { removeStaleSocket } from './grpc/stale-socket.ts';
import { ensureBridge } from './hypervisor/bridge.ts';
import { canManageNetwork, canServeDhcp } from './privileges.ts';
import { yieldHelperThreads } from './helper-threads.ts';
import { preparePrivateDir } from './data-dir.ts';
import { composeHypervisor, probeHost, type HostProbe, type Hypervisor } from './compose-hypervisor.ts';
import { createMetrics, type Metrics, type MetricsSources } from './metrics/metrics.ts';
import { isLoopbackHost, splitHostPort, startMetricsServer } from './metrics/http.ts';

/** A problem that stops the daemon from starting; every line says what to fix. */
export class StartupError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'StartupError';
  }
}

export interface Daemon {
  /** Null when DHCP is disabled (by config, or for lack of privileges on the built-in default). */
  readonly dhcp: DhcpServer | null;
  stop(): Promise<void>;
  logStats(): void;
}

const STATS_INTERVAL_MS = 60_000;
/** Compaction also enforces events.maxRows, so it runs often; a pass with nothing to delete reads one row. */
const COMPACT_INTERVAL_MS = 10_000;
/** Within the 10 s the whole shutdown may take (design.md). */
const GRPC_SHUTDOWN_DEADLINE_MS = 5_000;

/** Where the gRPC token lives (design.md: <dataDir>/grpc.token, mode 0600). */
export function tokenFileOf(config: Config): string {
  return join(config.dataDir, 'grpc.token');
}

export async function startDaemon(config: Config, logger: Logger): Promise<Daemon> {
  const loose = preparePrivateDir(config.dataDir);
  if (loose !== null)
    logger.warn(
      { dataDir: config.dataDir, was: loose.toString(8).padStart(4, '0') },
      'the data folder was open to group or others; made it 0700 (it holds every lease and the gRPC token)',
    );
  // The KVM probe and host facts run while the rest starts; composing the hypervisor awaits them.
  const hostProbe = probeHost(config);
  hostProbe.catch(() => undefined); // a failed start may never await it; its error is reported where it is awaited
  const builtIn = config.source === null;
  const dhcpOff = config.dhcp.enabled ? await prepareNetwork(config, builtIn, logger) : offByConfig(config, logger);
  const clock = systemClock;
  const about = { version: packageVersion(), startTime: Math.round(performance.timeOrigin) };

  const sqlite = openSqlite({
    file: join(config.dataDir, 'homeplane.db'),
    durability: config.dhcp.durability,
    checkpoints: checkpointsFor(config.dhcp.durability),
  });
  const events = new SqliteEventLog(sqlite.raw, clock);
  // The metrics exist once the parts they read do (assemble); commits before that are not timed.
  const commits: { observer: CommitObserver | null } = { observer: null };
  const store = await openLeaseStore(config, logger, sqlite, events, (commit) => commits.observer?.(commit));
  // Undone in reverse order if start-up fails half-way, so a failed start exits instead of
  // lingering with its API up and DHCP down (Incus's revert pattern).
  const undo: (() => unknown)[] = [() => store.close()];
  try {
    return await assemble(config, logger, { sqlite, events, store, commits, dhcpOff, clock, undo, hostProbe, about });
  } catch (err) {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => undefined);
    throw err;
  }
}

interface Parts {
  hostProbe: Promise<HostProbe>;
  sqlite: ReturnType<typeof openSqlite>;
  events: SqliteEventLog;
  store: SqliteLeaseStore;
  /** Where the store reports its commits: set once the metrics exist. */
  commits: { observer: CommitObserver | null };
  /** Null when DHCP is to serve; else why not, as logged (and reported by StatusService). */
  dhcpOff: string | null;
  clock: Clock;
  about: Pick<DaemonStatus, 'version' | 'startTime'>;
  undo: (() => unknown)[];
}

async function assemble(
  config: Config,
  logger: Logger,
  { sqlite, events, store, commits, dhcpOff, clock, undo, hostProbe, about }: Parts,
): Promise<Daemon> {
  const dhcpEnabled = dhcpOff === null;
  const leaseQueries = new SqliteLeaseQueries(sqlite.raw, () => store.commitJournaled());
  const subnets = config.dhcp.subnets.map((s) => new Subnet(s, config.dhcp));
  const { served: interfaces, serverIds } = dhcpEnabled
    ? resolveInterfaces(config.dhcp.interfaces, subnets)
    : { served: new Map<string, ServedInterface>(), serverIds: new Set<number>() };
  // Told when the lease store falls behind (commits failing) and when it catches up; the gRPC
  // health status follows once the API exists.
  const storeHealth = { report: (health: StoreHealth, error: unknown): void => logStoreHealth(logger, health, error) };
  const bindings = new Bindings(subnets, store, {
    onStoreHealth: (health, error) => storeHealth.report(health, error),
  });
  undo.push(() => bindings.close());
  bindings.load(await store.loadAll());
  const engine = new DhcpEngine(config.dhcp, bindings, serverIds);
  const transport = new UdpTransport({
    interfaces: [...interfaces.keys()],
    port: config.dhcp.port,
    onError: (err, context) => logger.debug({ err: err.message, context }, 'dhcp socket error'),
  });
  const server = new DhcpServer({ engine, bindings, transport, clock, logger, interfaces });
  const admin = new DhcpAdminService({
    bindings,
    subnetOnInterface: (name) => interfaces.get(name)?.subnet,
    leases: leaseQueries,
    reservations: new SqliteReservationStore(sqlite.raw, events),
    log: events,
    counters: server.counters,
    clock,
    startedAt: clock.now(),
  });

  const hypervisor = await composeHypervisor({
    probe: await hostProbe,
    config,
    raw: sqlite.raw,
    events,
    feed: events,
    admin,
    logger,
    clock,
  });
  undo.push(() => hypervisor.close());
  // Every gauge reads what is in memory when scraped (metrics/metrics.ts); the API's watchers
  // are counted once it exists.
  const api: { openWatches: () => number } = { openWatches: () => 0 };
  const metrics =
    config.metrics === null
      ? null
      : metricsOf(
          { version: about.version, dhcpServing: dhcpEnabled },
          bindings,
          server,
          store,
          events,
          hypervisor,
          () => api.openWatches(),
        );
  if (metrics !== null) commits.observer = metrics.commit;
  const accounts = new Accounts({ store: new SqliteAuthStore(sqlite.raw), clock });
  await applyEnvAdmin(accounts, process.env, logger).catch((err: unknown) => {
    throw err instanceof InvalidInputError ? new StartupError([err.message]) : err;
  });
  // Used once: gone from the environment, so no child (QEMU, qemu-img, ip) inherits the password.
  delete process.env.HOMEPLANE_ADMIN_PASSWORD;

  // The API first (design.md): its port is open and its token written before DHCP answers.
  const token = await ensureToken(tokenFileOf(config));
  if (await removeStaleSocket(config.grpc.listen))
    logger.warn(
      { listen: config.grpc.listen },
      'removed a stale gRPC socket file left by a daemon that did not shut down',
    );
  const grpc = await startGrpcServer({
    listen: config.grpc.listen,
    token,
    admin,
    log: events,
    feed: events,
    clock,
    status: {
      ...about,
      dhcp:
        dhcpOff === null ? { serving: true, interfaces: [...interfaces.keys()] } : { serving: false, reason: dhcpOff },
    },
    snapshot: () => snapshotOf(events, leaseQueries, admin, hypervisor),
    hypervisor: hypervisor.ports,
    auth: accounts,
    subnetSettings: config.dhcp,
    logger,
    maxWatchers: config.grpc.maxWatchers,
    maxWatchersPerPeer: config.grpc.maxWatchersPerPeer,
    maxStreamsPerConnection: config.grpc.maxStreamsPerConnection,
    watchStallTimeoutMs: config.grpc.watchStallTimeout * 1000,
    observer: metrics?.grpc,
  });
  undo.push(() => grpc.shutdown(0));
  api.openWatches = () => grpc.openWatches;
  storeHealth.report = (health, error) => {
    logStoreHealth(logger, health, error);
    grpc.setServing(!health.behind);
  };
  logger.info({ address: grpc.address, tokenFile: tokenFileOf(config) }, 'grpc serving');

  const metricsServer =
    config.metrics === null || metrics === null ? null : await serveMetrics(config.metrics, metrics, logger);
  if (metricsServer !== null) undo.push(() => metricsServer.close());

  const compact = (): void => {
    let removed: number;
    try {
      removed = events.compact(clock.now() - config.events.retention * 1000, config.events.maxRows);
    } catch (err) {
      // SQLITE_BUSY (another process writing) or a failing disk: the next pass tries again.
      logger.warn({ err: String(err) }, 'event log compaction failed; retrying at the next pass');
      return;
    }
    if (removed > 0) logger.info({ removed, firstRetained: events.firstRetainedRevision() }, 'event log compacted');
  };
  compact();
  const timers = [setInterval(compact, COMPACT_INTERVAL_MS)];
  undo.push(() => timers.forEach((timer) => clearInterval(timer)));
  const logStats = (): void =>
    logger.info(
      {
        dhcp: { ...server.counters.snapshot(), renewalsCached: engine.cachedRenewals },
        leases: bindings.size,
        store: { ...store.counters, ...bindings.health() },
      },
      'dhcp stats',
    );

  if (dhcpEnabled) {
    undo.push(() => server.stop());
    await server.start();
    await server.reclaim();
    timers.push(
      setInterval(() => void server.reclaim(), config.dhcp.reclaimInterval * 1000),
      setInterval(logStats, STATS_INTERVAL_MS),
    );
    logger.info(
      {
        interfaces: [...interfaces.values()].map((i) => ({
          name: i.name,
          address: formatIPv4(i.address),
          subnet: i.subnet.id,
        })),
        port: config.dhcp.port,
        leases: bindings.size,
        durability: config.dhcp.durability,
      },
      'dhcp serving',
    );
  } else {
    logger.info({ dataDir: config.dataDir }, 'daemon running without DHCP');
  }
  // VMs after DHCP: a guest restarted now can lease at once. A failure here is the VMs', not the daemon's.
  await hypervisor.resume().catch((err: unknown) => logger.error({ err: String(err) }, 'could not resume the VMs'));
  for (const timer of timers) timer.unref();
  yieldHelpers(logger);

  return {
    dhcp: dhcpEnabled ? server : null,
    logStats,
    async stop() {
      for (const timer of timers) clearInterval(timer);
      // No new requests; replies whose leases are committing still go out.
      if (dhcpEnabled) await server.stop();
      // Watchers get a final bookmark with the last committed revision, then UNAVAILABLE.
      await grpc.shutdown(GRPC_SHUTDOWN_DEADLINE_MS);
      // VMs keep running: the next daemon re-attaches to them.
      await hypervisor.close();
      await metricsServer?.close();
      if (dhcpEnabled) logStats();
      const behind = bindings.close();
      if (behind > 0)
        logger.error({ addresses: behind }, 'lease store was behind at shutdown; one last write was tried');
      await store.close();
    },
  };
}

/** Last in start-up, once the threads it concerns exist (helper-threads.ts); a failure only costs latency. */
function yieldHelpers(logger: Logger): void {
  try {
    const { idle, failed } = yieldHelperThreads();
    if (failed.length > 0)
      logger.warn({ idle, failed }, 'some helper threads could not be set to yield the CPU to the main thread');
    else logger.debug({ idle }, 'helper threads yield the CPU to the main thread (SCHED_IDLE)');
  } catch (err) {
    logger.warn({ err: String(err) }, 'could not set the helper threads to yield the CPU to the main thread');
  }
}

function metricsOf(
  about: MetricsSources['about'],
  bindings: Bindings,
  server: DhcpServer,
  store: SqliteLeaseStore,
  events: SqliteEventLog,
  hypervisor: Hypervisor,
  openWatches: () => number,
): Metrics {
  const { inventory } = hypervisor;
  return createMetrics({
    about,
    dhcpCounters: () => server.counters.snapshot(),
    pools: () => bindings.poolUsage(),
    store: () => {
      const health = bindings.health();
      return { ...health, batchesFailed: store.counters.batchesFailed };
    },
    eventLog: () => {
      const newestRevision = events.lastRevision();
      return { newestRevision, rows: Math.max(0, newestRevision - events.firstRetainedRevision() + 1) };
    },
    watchStreams: openWatches,
    hypervisor: {
      vms: () => inventory.list(),
      usage: async () => {
        const samples = await Promise.all(
          inventory.running().map(async ({ vm, pid, tap }) => {
            // A VM stopping between the listing and the reading has no sample: left out.
            const sample = await hypervisor.ports.usage(pid, tap).catch(() => null);
            return sample === null ? null : { id: vm.id, name: vm.name, ...sample };
          }),
        );
        return samples.filter((s) => s !== null);
      },
      capacity: () => inventory.capacity(),
    },
  });
}

/** The metrics endpoint; its token, if any, is read (or made) here and never logged. */
async function serveMetrics(
  { listen, tokenFile }: MetricsConfig,
  metrics: Metrics,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  let token: string | null = null;
  if (tokenFile !== null) {
    try {
      token = await ensureToken(tokenFile, 'the metrics token file');
    } catch (err) {
      throw new StartupError([`metrics.tokenFile: ${(err as Error).message}`]);
    }
  }
  let server;
  try {
    server = await startMetricsServer({ listen, registry: metrics.registry, token, logger });
  } catch (err) {
    throw new StartupError([`metrics.listen: ${(err as Error).message}; pick a free port or another address`]);
  }
  if (token === null && !isLoopbackHost(splitHostPort(listen).host))
    logger.warn(
      { listen: server.address },
      'metrics are served without a token on an address other than loopback: anyone who reaches it can read them; set metrics.tokenFile',
    );
  logger.info({ address: server.address, tokenRequired: tokenFile !== null }, 'metrics serving');
  return server;
}

/**
 * The lease store, with the lease journal in front of SQLite in durability 'process' (an ACK
 * waits for one write() instead of a transaction: lease-journal.ts). In 'power' an ACK waits for
 * SQLite's synced commit, so a journal left by a 'process' run is only committed and removed.
 */
async function openLeaseStore(
  config: Config,
  logger: Logger,
  sqlite: ReturnType<typeof openSqlite>,
  events: SqliteEventLog,
  onCommit: CommitObserver,
): Promise<SqliteLeaseStore> {
  const file = join(config.dataDir, 'lease-journal');
  const appending = config.dhcp.durability === 'process';
  let journal: StoreJournal | null = null;
  try {
    if (appending || existsSync(file))
      journal = {
        file: LeaseJournal.open(file),
        recoverOnly: !appending,
        onHealth: (error, waiting) => {
          if (error !== null)
            logger.error(
              { err: String(error), waiting },
              'lease database refuses writes: leases already acknowledged wait in the lease journal (they are durable there) and are retried; new changes are refused until it takes them',
            );
          else logger.info({ journal: file }, 'lease database took every lease waiting in the lease journal');
        },
        onDropped: (error) =>
          logger.error(
            { err: String(error) },
            'the lease database refused a lease change as invalid after its reply had gone; it is not stored (a bug: please report it)',
          ),
      };
    const store = new SqliteLeaseStore(sqlite, events, onCommit, journal);
    if (store.recovered.batches + store.recovered.dropped + store.recovered.ignoredBytes > 0)
      logger.warn(
        { journal: file, ...store.recovered },
        'committed lease changes the last run had acknowledged but not yet stored in the database (it stopped without closing)',
      );
    if (!appending && journal !== null) rmSync(file, { force: true });
    return store;
  } catch (err) {
    try {
      journal?.file.close();
    } catch {
      // already closed by a recover-only store; the error that matters is err
    }
    await sqlite.close();
    throw err;
  }
}

/** Falling behind is an error (DHCP replies are withheld meanwhile); catching up is news. */
function logStoreHealth(logger: Logger, health: StoreHealth, error: unknown): void {
  if (health.behind)
    logger.error(
      { err: String(error), ...health },
      'lease store is failing commits: replies withheld, changed leases retried until stored; health NOT_SERVING',
    );
  else logger.info({ ...health }, 'lease store caught up: every lease change is stored; health SERVING');
}

/** The committed objects and the revision they reflect, read in one tick (for Watch resets). */
function snapshotOf(
  events: SqliteEventLog,
  leases: SqliteLeaseQueries,
  admin: DhcpAdminService,
  hypervisor: Hypervisor,
): { revision: number; events: EventDraft[] } {
  // The table first: reading it commits what the lease journal holds, which moves the revision.
  const drafts: EventDraft[] = leases.all().map((lease) => ({ object: 'lease', kind: 'lease.granted', lease }));
  const revision = events.lastRevision();
  for (const reservation of admin.listReservations({}).items)
    drafts.push({ object: 'reservation', kind: 'reservation.created', reservation });
  for (const vm of hypervisor.inventory.list()) drafts.push({ object: 'vm', kind: 'vm.created', vm });
  drafts.push({ object: 'host', kind: 'host.updated', host: hypervisor.host() });
  return { revision, events: drafts };
}

/**
 * Each served interface must exist and carry an address inside a configured subnet: that
 * subnet is what the interface answers for, and that address is our server identifier there.
 */
function resolveInterfaces(
  names: string[],
  subnets: Subnet[],
): { served: Map<string, ServedInterface>; serverIds: Set<number> } {
  const served = new Map<string, ServedInterface>();
  /** Every address of a served interface: any may be named as our server identifier. */
  const serverIds = new Set<number>();
  const problems: string[] = [];
  for (const [i, name] of names.entries()) {
    if (!interfaceExists(name)) {
      problems.push(
        `dhcp.interfaces[${i}]: interface "${name}" does not exist; create it or remove it from the config`,
      );
      continue;
    }
    const addresses = interfaceAddresses(name);
    for (const a of addresses) serverIds.add(a.address);
    const match = addresses.flatMap((a) =>
      subnets.filter((s) => s.isHost(a.address)).map((subnet) => ({ address: a.address, subnet })),
    )[0];
    if (!match) {
      const have = addresses.map((a) => `${formatIPv4(a.address)}/${a.prefix}`).join(', ') || 'no IPv4 address';
      problems.push(
        `dhcp.interfaces[${i}]: interface "${name}" has ${have}, none inside a configured subnet; add its subnet to dhcp.subnets or give it an address there`,
      );
      continue;
    }
    served.set(name, { name, address: match.address, subnet: match.subnet });
  }
  if (problems.length > 0) throw new StartupError(problems);
  return { served, serverIds };
}

/** package.json "version", read when the daemon starts (not at import). */
function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * A user's config without a dhcp section (or with dhcp.enabled: false) runs the API and the VMs
 * only: a choice, so a notice rather than a warning, with what to add; StatusService reports the
 * same words. Returns them.
 */
function offByConfig(config: Config, logger: Logger): string {
  const reason = `DHCP disabled: ${config.source ?? 'the config'} has no dhcp section (or sets dhcp.enabled: false); add a dhcp section with the interfaces to serve and their subnets (see homeplane.example.yaml)`;
  logger.info({}, reason);
  return reason;
}

/**
 * The built-in default serves only Homeplane's own bridge, and only with the privileges to make
 * it and bind port 67; without them DHCP stays off with a notice (a fresh machine must be safe).
 * A user's config is taken at its word: missing privileges then fail loudly when sockets open.
 * Returns null when DHCP may serve, else the reason it stays off: the words it logged, which
 * StatusService reports as they are.
 */
async function prepareNetwork(config: Config, builtIn: boolean, logger: Logger): Promise<string | null> {
  const bridge = config.hypervisor.bridgeAddress;
  if (builtIn && !(canServeDhcp() && canManageNetwork())) {
    const reason = `DHCP disabled: the built-in config serves the lab bridge "${config.hypervisor.bridge}", which needs root (or CAP_NET_ADMIN, CAP_NET_RAW and CAP_NET_BIND_SERVICE); run as root or pass --config`;
    logger.warn({}, reason);
    return reason;
  }
  if (bridge !== null) {
    try {
      const result = await ensureBridge({ name: config.hypervisor.bridge, address: bridge });
      logger.info({ bridge: config.hypervisor.bridge, address: bridge, result }, 'lab bridge ready');
    } catch (err) {
      if (!builtIn)
        throw new StartupError([
          `hypervisor.bridgeAddress: could not set up bridge "${config.hypervisor.bridge}": ${(err as Error).message}`,
        ]);
      const reason = `DHCP disabled: could not set up the lab bridge "${config.hypervisor.bridge}": ${(err as Error).message}`;
      logger.warn({}, reason);
      return reason;
    }
  }
  return null;
}
