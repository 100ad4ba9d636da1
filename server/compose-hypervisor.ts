// The hypervisor half of the composition root (server/main.ts calls it): builds the QEMU driver,
// the host facts, the disk/tap/image adapters and the VM inventory, and ties the inventory to
// the DHCP side through two narrow seams (a reservation per VM MAC, and the lease events that
// tell it the VM's address). Nothing here decides anything; the inventory does.
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath, sep } from 'node:path';
import type { Config } from './config/types.ts';
import type { Clock, Logger } from './ports.ts';
import type { DhcpAdminService } from './dhcp/admin-service.ts';
import type { EventFeed } from './events/types.ts';
import type { SqliteEventLog } from './store/sqlite-event-log.ts';
import { SqliteVmStore } from './store/sqlite-vm-store.ts';
import { QemuDriver } from './hypervisor/qemu/driver.ts';
import { VmInventory, type ImageKindWanted } from './hypervisor/inventory.ts';
import { probeAccel, type AccelChoice } from './hypervisor/kvm-probe.ts';
import { readLiveFacts, readStableFacts, type HostStableFacts } from './hypervisor/host-facts.ts';
import { changedHostFacts, type HostRecord } from './hypervisor/host.ts';
import { createDisk } from './hypervisor/qemu-img.ts';
import { createTap, deleteTap, tapNameFor } from './hypervisor/tap.ts';
import { UsageSampler } from './hypervisor/usage.ts';
import { listImages, resolveImagePath, type ImageKind } from './hypervisor/images.ts';
import { InvalidInputError } from './errors.ts';
import { preparePrivateDir } from './data-dir.ts';
import type Database from 'better-sqlite3';
import type { HypervisorPorts } from './grpc/hypervisor-ports.ts';

/** How long the KVM test boot may take before TCG is chosen (environment.md: KVM hangs here). */
const KVM_PROBE_TIMEOUT_MS = 3_000;
const DEFAULT_STOP_TIMEOUT_MS = 30_000;

export interface Hypervisor {
  inventory: VmInventory;
  host(): HostRecord;
  /** What the gRPC VmService, HostService and ImageService are served on. */
  ports: HypervisorPorts;
  /** Re-attaches surviving VMs and starts autostart ones (after DHCP serves). */
  resume(): Promise<void>;
  /** Detaches from every VM without stopping it: VMs outlive the daemon. */
  close(): Promise<void>;
}

/** What the host is and how it runs guests: probed once at start, beside the rest of start-up. */
export interface HostProbe {
  accel: AccelChoice;
  stable: HostStableFacts;
}

/**
 * Starts the KVM probe and the host-facts reading. main.ts starts it first and awaits it only
 * when the hypervisor is composed, so the probe (up to its timeout where /dev/kvm hangs) runs
 * while the database opens and the leases load, not before them.
 */
export async function probeHost(config: Config): Promise<HostProbe> {
  const accel = await probeAccel(config.hypervisor.accel, KVM_PROBE_TIMEOUT_MS);
  return { accel, stable: await readStableFacts({ dataDir: config.dataDir, accel }) };
}

export async function composeHypervisor(opts: {
  probe: HostProbe;
  config: Config;
  raw: Database.Database;
  events: SqliteEventLog;
  feed: EventFeed;
  admin: DhcpAdminService;
  logger: Logger;
  clock: Clock;
}): Promise<Hypervisor> {
  const { config, logger } = opts;
  const vmDir = join(config.dataDir, 'vms');
  preparePrivateDir(vmDir);
  // Made when missing (0700: QEMU opens boot files as root, before it drops privileges); an
  // existing folder is the user's and keeps its mode.
  for (const dir of config.hypervisor.imageDirs) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { stable } = opts.probe;
  const repo = new SqliteVmStore(opts.raw, opts.events);
  const record = hostRecordOf(stable);
  const previous = repo.loadHost(record.id);
  // host.updated only when a stable fact of a known host moved (a new QEMU, more memory); the first
  // record is no change, and Watch snapshots and ListHosts show it anyway.
  repo.saveHost(record, previous !== null && changedHostFacts(previous, record).length > 0);
  logger.info(
    { accel: record.accel, reason: record.accelReason, qemu: record.qemuVersion ?? record.qemuProblem },
    'hypervisor host ready',
  );

  const driver = new QemuDriver({ logger });
  const imageDirs = config.hypervisor.imageDirs;
  const inventory = new VmInventory({
    repo,
    driver,
    host: {
      createDisk: async (path, gib, backing) => {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        await createDisk(path, gib, backing);
      },
      removeVmFiles: (dir) => removeUnder(vmDir, dir),
      createTap: async (name, bridge, user) => {
        await createTap({ name, bridge, user });
      },
      deleteTap: async (name) => {
        await deleteTap(name);
      },
      tapName: tapNameFor,
      resolveImage: (path, field, kinds) => resolveBootFile(imageDirs, path, field, kinds),
    },
    reservations: {
      reserveForVm: (mac, hostname, bridge) => opts.admin.reserveForVm(mac, hostname, bridge),
      releaseVm: (mac) => opts.admin.releaseVm(mac),
      macInUse: (mac) => opts.admin.macReserved(mac),
    },
    totals: async () => {
      const live = await readLiveFacts(config.dataDir);
      return { vcpus: stable.cores, memoryMib: stable.memoryMib, diskGib: Math.floor(live.diskTotalBytes / 2 ** 30) };
    },
    settings: {
      hostId: record.id,
      bridge: config.hypervisor.bridge,
      runAs: config.hypervisor.runAs,
      accel: record.accel,
      qemuProblem: record.qemuProblem,
      vmDir,
      capacity: {
        vcpuRatio: config.hypervisor.allocationRatio.vcpu,
        memoryRatio: config.hypervisor.allocationRatio.memory,
        diskRatio: config.hypervisor.allocationRatio.disk,
        reservedVcpus: config.hypervisor.reserved.vcpus,
        reservedMemoryMib: config.hypervisor.reserved.memoryMib,
        reservedDiskGib: config.hypervisor.reserved.diskGib,
      },
      defaultStopTimeoutMs: DEFAULT_STOP_TIMEOUT_MS,
    },
    clock: opts.clock,
    logger,
  });
  // The VM learns its address from its own lease (design.md): no guest agent needed.
  const unsubscribe = opts.feed.subscribe((events) => {
    for (const event of events) {
      if (event.object === 'lease' && (event.kind === 'lease.granted' || event.kind === 'lease.renewed')) {
        inventory.leaseBound(event.lease.hwAddress, event.lease.address);
      }
    }
  });
  const usage = await UsageSampler.create();
  const ports: HypervisorPorts = {
    inventory,
    host: async () => {
      const live = await readLiveFacts(config.dataDir);
      return {
        record,
        uptimeSeconds: live.uptimeSeconds,
        diskTotalBytes: live.diskTotalBytes,
        diskFreeBytes: live.diskFreeBytes,
      };
    },
    images: async () => ({ images: await listImages(imageDirs), imageDirs: [...imageDirs] }),
    usage: (pid, tap) => usage.sampleUsage(pid, tap),
  };
  return {
    inventory,
    host: () => record,
    ports,
    resume: () => inventory.resume(),
    async close() {
      unsubscribe();
      inventory.close();
      await driver.close();
    },
  };
}

function hostRecordOf(stable: HostStableFacts): HostRecord {
  return {
    id: stable.id,
    hostname: stable.hostname,
    cpuModel: stable.cpuModel,
    cpuCores: stable.cores,
    memoryMib: stable.memoryMib,
    accel: stable.accel,
    accelReason: stable.accelReason,
    qemuVersion: stable.qemu.installed ? stable.qemu.version : null,
    qemuProblem: stable.qemu.installed ? null : stable.qemu.reason,
  };
}

const WANTED_KINDS: Readonly<Record<ImageKindWanted, readonly ImageKind[]>> = {
  kernel: ['kernel'],
  initrd: ['initrd'],
  iso: ['iso'],
  disk: ['disk-qcow2', 'disk-raw'],
};

/** A boot file inside the image folders, of the wanted kind; anything else is INVALID_ARGUMENT on `field`. */
async function resolveBootFile(
  imageDirs: readonly string[],
  path: string,
  field: string,
  kinds: readonly ImageKindWanted[],
): Promise<string> {
  try {
    return await resolveImagePath(
      imageDirs,
      path,
      kinds.flatMap((k) => WANTED_KINDS[k]),
    );
  } catch (err) {
    throw new InvalidInputError(field, (err as Error).message);
  }
}

/** Removes a VM's folder, refusing anything that is not inside the VM folder. */
async function removeUnder(root: string, dir: string): Promise<void> {
  const absolute = resolvePath(dir);
  if (!absolute.startsWith(resolvePath(root) + sep))
    throw new Error(`refusing to remove ${absolute}: not inside ${root}`);
  await rm(absolute, { recursive: true, force: true });
}
