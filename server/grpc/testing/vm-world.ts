// A real gRPC server with VmService, HostService and ImageService over the real VmInventory: the
// SQLite event log and VM store in a temporary folder, the real DHCP admin (a reservation per VM
// MAC, in a small pool), the real QEMU driver, real qemu-img disks, boot paths checked by
// images.ts against a temporary image folder, and taps made by tap.ts in a network namespace of
// the world's own (with a bridge), so nothing touches the host's interfaces. Needs root.
//
// Two seams belong to the test, both declared here and nowhere else:
// - `consoles`: a VM id may be given a console the test drives. It is a real SerialConsole (the
//   driver's own class) connected to a unix socket the test serves as QEMU's console chardev
//   (ConsolePeer), so the test plays the guest's side of the serial line.
// - `running`: the running-VM listing may name real processes (and a real network device)
//   standing in for a VM's QEMU and tap, for WatchVmStats.
// Starting a real guest is left to server/hypervisor/integration/vm-lifecycle.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { VmServiceClient } from '../../../proto/gen/homeplane/v1/vm.ts';
import { HostServiceClient } from '../../../proto/gen/homeplane/v1/host.ts';
import { ImageServiceClient } from '../../../proto/gen/homeplane/v1/image.ts';
import { parseCidr, parseIPv4 } from '../../dhcp/codec/ipv4.ts';
import { Bindings } from '../../dhcp/bindings.ts';
import { Subnet } from '../../dhcp/subnet.ts';
import { DhcpCounters } from '../../dhcp/counters.ts';
import { DhcpAdminService } from '../../dhcp/admin-service.ts';
import { InvalidInputError } from '../../errors.ts';
import { openSqlite } from '../../store/sqlite.ts';
import { SqliteEventLog } from '../../store/sqlite-event-log.ts';
import { SqliteLeaseStore } from '../../store/sqlite-lease-store.ts';
import { SqliteLeaseQueries } from '../../store/sqlite-lease-queries.ts';
import { SqliteReservationStore } from '../../store/sqlite-reservation-store.ts';
import { SqliteVmStore } from '../../store/sqlite-vm-store.ts';
import { VmInventory, type ImageKindWanted, type InventorySettings } from '../../hypervisor/inventory.ts';
import type { HostTotals } from '../../hypervisor/capacity.ts';
import type { HostRecord } from '../../hypervisor/host.ts';
import type { Console } from '../../hypervisor/hypervisor-port.ts';
import { readLiveFacts } from '../../hypervisor/host-facts.ts';
import { createDisk } from '../../hypervisor/qemu-img.ts';
import { createTap, deleteTap, tapNameFor } from '../../hypervisor/tap.ts';
import { listImages, resolveImagePath, type ImageKind } from '../../hypervisor/images.ts';
import { UsageSampler } from '../../hypervisor/usage.ts';
import { QemuDriver } from '../../hypervisor/qemu/driver.ts';
import { SerialConsole } from '../../hypervisor/qemu/console.ts';
import { runFiles } from '../../hypervisor/qemu/run-dir.ts';
import { makeTestNetns, type TestNetns } from '../../hypervisor/testing/netns.ts';
import { startGrpcServer, type GrpcServer } from '../server.ts';
import { systemClock } from '../../ports.ts';
import type { HypervisorPorts, RunningVm, VmInventoryPort } from '../hypervisor-ports.ts';
import { recordingLogger, TEST_TOKEN, type LogLine } from './harness.ts';

export const HOST_RECORD: HostRecord = {
  id: '2b0c62c4-5f0e-4d4f-9a35-5c4b3f0e7a10',
  hostname: 'lab-host',
  cpuModel: 'Test CPU',
  cpuCores: 4,
  memoryMib: 4096,
  accel: 'tcg',
  accelReason: 'forced by the test',
  qemuVersion: '7.2.22',
  qemuProblem: null,
};

/** What capacity is computed from: 4 vCPUs (x2), 4096 MiB (256 reserved), 40 GiB of disk. */
export const TOTALS: HostTotals = { vcpus: 4, memoryMib: 4096, diskGib: 40 };

export interface VmWorldOptions {
  /** InventorySettings.qemuProblem: QEMU missing. */
  qemuProblem?: string | null;
  /** Addresses in the DHCP pool the VMs' reservations come from. Default 10. */
  poolSize?: number;
  statsIntervalMs?: number;
  consoleQueueBytes?: number;
  overflowGraceMs?: number;
}

export interface VmWorld {
  server: GrpcServer;
  vms: VmServiceClient;
  hosts: HostServiceClient;
  images: ImageServiceClient;
  inventory: VmInventory;
  eventLog: SqliteEventLog;
  admin: DhcpAdminService;
  imageDir: string;
  logLines: LogLine[];
  /** Consoles the test drives, by VM id (see the file comment). */
  consoles: Map<string, Console>;
  /** When set, the running-VM listing WatchVmStats samples (see the file comment). */
  running: (() => RunningVm[]) | null;
  /** How often WatchVmStats asked for the running VMs. */
  runningCalls: number;
  /** A client on a connection of its own (its flow control is its own). */
  separateVmClient(): VmServiceClient;
  close(): Promise<void>;
}

const BRIDGE = 'hpbr0';

const WANTED_KINDS: Readonly<Record<ImageKindWanted, readonly ImageKind[]>> = {
  kernel: ['kernel'],
  initrd: ['initrd'],
  iso: ['iso'],
  disk: ['disk-qcow2', 'disk-raw'],
};

export async function startVmWorld(options: VmWorldOptions = {}): Promise<VmWorld> {
  const cleanups: (() => void | Promise<void>)[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'homeplane-vm-grpc-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const netns: TestNetns = makeTestNetns({ after: (fn) => cleanups.push(fn) });
  const dataDir = join(dir, 'data');
  const vmDir = join(dir, 'vms');
  const imageDir = join(dir, 'images');
  for (const folder of [dataDir, vmDir, imageDir]) mkdirSync(folder, { recursive: true, mode: 0o700 });

  const handle = openSqlite({ file: join(dataDir, 'homeplane.sqlite'), durability: 'process' });
  const eventLog = new SqliteEventLog(handle.raw);
  const leaseStore = new SqliteLeaseStore(handle, eventLog);
  cleanups.push(() => leaseStore.close());
  const poolSize = options.poolSize ?? 10;
  const first = parseIPv4('10.123.0.100')!;
  const subnet = new Subnet({
    id: '10.123.0.0/24',
    cidr: parseCidr('10.123.0.0/24')!,
    pools: [{ start: first, end: first + poolSize - 1 }],
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
  });
  const bindings = new Bindings([subnet], leaseStore);
  bindings.load(await leaseStore.loadAll());
  const admin = new DhcpAdminService({
    bindings,
    subnetOnInterface: (name) => (name === BRIDGE ? subnet : undefined),
    log: eventLog,
    leases: new SqliteLeaseQueries(handle.raw),
    reservations: new SqliteReservationStore(handle.raw, eventLog),
    counters: new DhcpCounters(),
    clock: systemClock,
    startedAt: Date.now(),
  });

  const logLines: LogLine[] = [];
  const logger = recordingLogger(logLines);
  const driver = new QemuDriver();
  cleanups.push(() => driver.close());
  const settings: InventorySettings = {
    hostId: HOST_RECORD.id,
    bridge: BRIDGE,
    runAs: 'nobody',
    accel: 'tcg',
    qemuProblem: options.qemuProblem ?? null,
    vmDir,
    capacity: {
      vcpuRatio: 2,
      memoryRatio: 1,
      diskRatio: 1,
      reservedVcpus: 0,
      reservedMemoryMib: 256,
      reservedDiskGib: 0,
    },
    defaultStopTimeoutMs: 5_000,
  };
  const inventory = new VmInventory({
    repo: new SqliteVmStore(handle.raw, eventLog),
    driver,
    host: {
      createDisk: async (path, gib, backing) => {
        mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
        await createDisk(path, gib, backing);
      },
      removeVmFiles: (folder) => rm(folder, { recursive: true, force: true }),
      createTap: async (name, bridge, user) => {
        await createTap({ name, bridge: bridge === BRIDGE ? netns.bridge : bridge, user }, { netns: netns.name });
      },
      deleteTap: async (name) => {
        await deleteTap(name, { netns: netns.name });
      },
      tapName: tapNameFor,
      resolveImage: async (path, field, kinds) => {
        try {
          return await resolveImagePath(
            [imageDir],
            path,
            kinds.flatMap((k) => WANTED_KINDS[k]),
          );
        } catch (err) {
          throw new InvalidInputError(field, (err as Error).message);
        }
      },
    },
    reservations: {
      reserveForVm: (mac, hostname, bridge) => admin.reserveForVm(mac, hostname, bridge),
      releaseVm: (mac) => admin.releaseVm(mac),
      macInUse: (mac) => admin.macReserved(mac),
    },
    totals: async () => TOTALS,
    settings,
    clock: systemClock,
    logger,
  });
  cleanups.push(() => inventory.close());
  // main.ts hands the inventory itself to the server: it must fit the port as it is.
  void (inventory satisfies VmInventoryPort);

  const consoles = new Map<string, Console>();
  const sampler = await UsageSampler.create();
  const world = { running: null as (() => RunningVm[]) | null, runningCalls: 0 };
  const port: VmInventoryPort = {
    list: () => inventory.list(),
    get: (id) => inventory.get(id),
    capacity: () => inventory.capacity(),
    create: (request) => inventory.create(request),
    update: (id, patch) => inventory.update(id, patch),
    start: (id) => inventory.start(id),
    stop: (id, force, timeoutMs) => inventory.stop(id, force, timeoutMs),
    reboot: (id) => inventory.reboot(id),
    pause: (id) => inventory.pause(id),
    resumeVm: (id) => inventory.resumeVm(id),
    delete: (id) => inventory.delete(id),
    console: (id) => consoles.get(id) ?? inventory.console(id),
    running: () => {
      world.runningCalls += 1;
      return world.running?.() ?? inventory.running();
    },
  };
  const hypervisor: HypervisorPorts = {
    inventory: port,
    host: async () => {
      const live = await readLiveFacts(dataDir);
      return {
        record: HOST_RECORD,
        uptimeSeconds: live.uptimeSeconds,
        diskTotalBytes: live.diskTotalBytes,
        diskFreeBytes: live.diskFreeBytes,
      };
    },
    images: async () => ({ images: await listImages([imageDir]), imageDirs: [imageDir] }),
    usage: (pid, tap) => sampler.sampleUsage(pid, tap),
    ...(options.statsIntervalMs === undefined ? {} : { statsIntervalMs: options.statsIntervalMs }),
    ...(options.consoleQueueBytes === undefined ? {} : { consoleQueueBytes: options.consoleQueueBytes }),
  };
  const server = await startGrpcServer({
    listen: '127.0.0.1:0',
    token: TEST_TOKEN,
    admin,
    log: eventLog,
    feed: eventLog,
    snapshot: () => ({ revision: eventLog.lastRevision(), events: [] }),
    logger,
    hypervisor,
    ...(options.overflowGraceMs === undefined ? {} : { overflowGraceMs: options.overflowGraceMs }),
  });
  cleanups.push(() => server.shutdown(1_000));

  const credentials = grpc.credentials.createInsecure();
  const clients: grpc.Client[] = [];
  const keep = <T extends grpc.Client>(client: T): T => {
    clients.push(client);
    return client;
  };
  let separate = 0;
  return {
    server,
    vms: keep(new VmServiceClient(server.address, credentials)),
    hosts: keep(new HostServiceClient(server.address, credentials)),
    images: keep(new ImageServiceClient(server.address, credentials)),
    inventory,
    eventLog,
    admin,
    imageDir,
    logLines,
    consoles,
    get running() {
      return world.running;
    },
    set running(listing) {
      world.running = listing;
    },
    get runningCalls() {
      return world.runningCalls;
    },
    separateVmClient: () =>
      keep(new VmServiceClient(server.address, credentials, { 'grpc.test-channel': ++separate } as object)),
    async close() {
      for (const client of clients) client.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/**
 * QEMU's end of a serial console: a unix socket served where the driver's SerialConsole connects
 * (run/console.sock), so the test writes what the guest prints and reads what is typed.
 */
export class ConsolePeer {
  private readonly server: Server;
  private socket: Socket | null = null;
  /** Everything typed into the console, in arrival order. */
  received = Buffer.alloc(0);

  private constructor(
    private readonly dir: string,
    server: Server,
  ) {
    this.server = server;
  }

  /** Serves the socket and connects a SerialConsole to it; resolves with both ends. */
  static async open(
    vmId: string,
    options: { ringBytes?: number } = {},
  ): Promise<{ peer: ConsolePeer; console: SerialConsole }> {
    const dir = mkdtempSync(join(tmpdir(), 'homeplane-console-'));
    const files = runFiles(dir);
    writeFileSync(files.consoleLog, '');
    const server = createServer();
    const peer = new ConsolePeer(dir, server);
    const connected = new Promise<void>((resolve) => {
      server.once('connection', (socket: Socket) => {
        peer.socket = socket;
        socket.on('data', (chunk: Buffer) => {
          peer.received = Buffer.concat([peer.received, chunk]);
        });
        socket.on('error', () => undefined);
        resolve();
      });
    });
    await new Promise<void>((resolve) => server.listen(files.consoleSocket, resolve));
    const console = await SerialConsole.open(
      vmId,
      files,
      {
        ringBytes: options.ringBytes ?? 64 * 1024,
        maxLogBytes: 1024 * 1024,
        connectTimeoutMs: 2_000,
        warn: () => undefined,
      },
      false,
    );
    await connected;
    return { peer, console };
  }

  /** What the guest prints; resolves once the kernel took it. */
  print(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket!.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** QEMU exits: the console's socket closes. */
  hangUp(): void {
    this.socket?.destroy();
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Answer<Response> {
  response?: Response;
  error?: grpc.ServiceError;
}

/** A unary call with the token: `ask((md, cb) => client.getVm(request, md, cb))`. */
export function ask<Response>(
  start: (metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown,
): Promise<Answer<Response>> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${TEST_TOKEN}`);
  return new Promise((resolve) => {
    start(metadata, (error, response) => resolve(error ? { error } : { response }));
  });
}
