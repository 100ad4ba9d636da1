// The hypervisor inventory: the one owner of the VMs of this host. It decides (validation,
// capacity, names and MACs), keeps desired and actual state apart, and drives the host through
// ports: the driver runs QEMU, the repository stores VMs with their events, disks/taps/images
// touch the machine, the DHCP reservation port gives each VM's MAC an address, and the lease feed
// tells it which address the VM got. Every port is built in server/main.ts.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type {
  ActualState,
  BootSource as RuntimeBoot,
  DriverEvent,
  HypervisorDriver,
  VmRuntimeSpec,
  Accel,
  Console,
} from './hypervisor-port.ts';
import {
  checkDisk,
  checkMemory,
  checkName,
  checkVcpus,
  isActive,
  normaliseMac,
  startedAtAfter,
  type BootSource,
  type Vm,
  type VmPatch,
  type VmRequest,
} from './vm.ts';
import { capacityOf, checkFits, type CapacitySettings, type HostCapacity, type HostTotals } from './capacity.ts';
import { generateMac } from './mac.ts';
import type { VmRepository } from './vm-repository.ts';
import { QemuMissingError, VmStateError } from './errors.ts';
import { AlreadyExistsError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { Clock, Logger } from '../ports.ts';

/** Files and devices a VM needs, made by the host (qemu-img, ip tuntap). */
export interface VmHostPorts {
  createDisk(path: string, sizeGib: number, backing: string | null): Promise<void>;
  removeVmFiles(dir: string): Promise<void>;
  createTap(name: string, bridge: string, user: string): Promise<void>;
  deleteTap(name: string): Promise<void>;
  tapName(vmId: string): string;
  /** An absolute path inside the image folders of one of the kinds, resolved; else InvalidInputError naming `field`. */
  resolveImage(path: string, field: string, kinds: readonly ImageKindWanted[]): Promise<string>;
}

export type ImageKindWanted = 'kernel' | 'initrd' | 'iso' | 'disk';

/** The DHCP side, narrowed to what VMs need (implemented by the DHCP admin). */
export interface VmReservations {
  reserveForVm(mac: string, hostname: string, bridge: string): Promise<{ ip: number }>;
  releaseVm(mac: string): Promise<void>;
  /** Whether another client or reservation already uses the MAC. */
  macInUse(mac: string): boolean;
}

export interface InventorySettings {
  hostId: string;
  bridge: string;
  runAs: string;
  accel: Accel;
  /** Why QEMU cannot run VMs here, or null when it can. */
  qemuProblem: string | null;
  /** Folder for VM files: <vmDir>/<id>/{disk.qcow2, run/}. */
  vmDir: string;
  capacity: CapacitySettings;
  /** Graceful stop timeout when the caller gives none. */
  defaultStopTimeoutMs: number;
}

export interface InventoryDeps {
  repo: VmRepository;
  driver: HypervisorDriver;
  host: VmHostPorts;
  reservations: VmReservations;
  totals: () => Promise<HostTotals>;
  settings: InventorySettings;
  clock: Clock;
  logger: Logger;
}

export class VmInventory {
  private readonly vms = new Map<string, Vm>();
  private readonly unsubscribe: () => void;
  /** Settles once resume() has taken over the VMs that survived a restart; commands wait for it. */
  private resumed: Promise<void> = Promise.resolve();

  constructor(private readonly deps: InventoryDeps) {
    for (const vm of deps.repo.loadVms()) this.vms.set(vm.id, vm);
    this.unsubscribe = deps.driver.onEvent((event) => this.onDriverEvent(event));
  }

  list(): Vm[] {
    return [...this.vms.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): Vm {
    const vm = this.vms.get(id);
    if (!vm) throw new NotFoundError(`no VM with id "${id}"`);
    return vm;
  }

  async capacity(): Promise<HostCapacity> {
    return capacityOf(await this.deps.totals(), this.deps.settings.capacity, this.allocated(null));
  }

  /**
   * After the daemon starts: takes over VMs whose QEMU survived (pidfile + UUID), marks the ones
   * that should run but vanished as crashed, and starts autostart VMs that are not running.
   */
  resume(): Promise<void> {
    this.resumed = this.takeOver();
    return this.resumed;
  }

  private async takeOver(): Promise<void> {
    for (const vm of this.list()) {
      const found = await this.deps.driver.reattach(this.spec(vm)).catch((err: unknown) => {
        this.deps.logger.warn({ vm: vm.name, err: String(err) }, "could not re-attach to the VM's QEMU");
        return 'absent' as const;
      });
      if (found !== 'absent') continue; // the driver's 'reattached' event records the state
      if (isActive(vm.state))
        this.record(vm, { state: 'crashed', stateReason: 'QEMU was gone when the daemon started' });
      if (vm.autostart && this.deps.settings.qemuProblem === null) {
        await this.startNow(vm.id).catch((err: unknown) =>
          this.deps.logger.error({ vm: vm.name, err: String(err) }, 'autostart failed'),
        );
      }
    }
  }

  async create(request: VmRequest): Promise<Vm> {
    const name = checkName(request.name);
    const vcpus = checkVcpus(request.vcpus);
    const memoryMib = checkMemory(request.memoryMib);
    const diskGib = checkDisk(request.diskGib);
    if (request.boot === null) throw new InvalidInputError('boot', 'give one boot source: kernel, iso or disk');
    const boot = await this.resolveBoot(request.boot);
    this.requireQemu();
    if (this.list().some((v) => v.name === name))
      throw new AlreadyExistsError(`a VM named "${name}" exists already; pick another name`);
    const mac = request.mac === '' ? generateMac((m) => this.macTaken(m)) : normaliseMac(request.mac);
    if (this.macTaken(mac)) throw new AlreadyExistsError(`MAC ${mac} is already used by another VM or reservation`);
    checkFits(await this.capacity(), { vcpus, memoryMib, diskGib }, `VM "${name}"`);

    const id = randomUUID();
    const dir = join(this.deps.settings.vmDir, id);
    const undo: (() => Promise<unknown>)[] = [];
    try {
      await this.deps.host.createDisk(join(dir, 'disk.qcow2'), diskGib, boot.kind === 'disk' ? boot.imagePath : null);
      undo.push(() => this.deps.host.removeVmFiles(dir));
      await this.deps.reservations.reserveForVm(mac, name, this.deps.settings.bridge);
      undo.push(() => this.deps.reservations.releaseVm(mac));
      const vm: Vm = {
        id,
        name,
        vcpus,
        memoryMib,
        diskGib,
        mac,
        bridge: this.deps.settings.bridge,
        boot,
        autostart: request.autostart,
        hostId: this.deps.settings.hostId,
        state: 'stopped',
        stateReason: 'created',
        desiredState: 'stopped',
        address: null,
        createdAt: this.deps.clock.now(),
        startedAt: null,
      };
      this.deps.repo.create(vm);
      this.vms.set(id, vm);
    } catch (err) {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw err;
    }
    if (request.start) return this.start(id);
    return this.get(id);
  }

  async update(id: string, patch: VmPatch): Promise<Vm> {
    await this.resumed;
    const vm = this.get(id);
    const next: Vm = {
      ...vm,
      vcpus: patch.vcpus !== undefined ? checkVcpus(patch.vcpus) : vm.vcpus,
      memoryMib: patch.memoryMib !== undefined ? checkMemory(patch.memoryMib) : vm.memoryMib,
      autostart: patch.autostart ?? vm.autostart,
    };
    const capacity = capacityOf(await this.deps.totals(), this.deps.settings.capacity, this.allocated(id));
    checkFits(capacity, { vcpus: next.vcpus, memoryMib: next.memoryMib, diskGib: next.diskGib }, `VM "${vm.name}"`);
    this.save(next, 'vm.updated');
    return next;
  }

  async start(id: string): Promise<Vm> {
    await this.resumed;
    return this.startNow(id);
  }

  private async startNow(id: string): Promise<Vm> {
    const vm = this.get(id);
    this.requireQemu();
    if (isActive(vm.state)) throw new VmStateError(`VM "${vm.name}" is ${vm.state}; stop it first`);
    const capacity = capacityOf(await this.deps.totals(), this.deps.settings.capacity, this.allocated(id));
    checkFits(capacity, { vcpus: vm.vcpus, memoryMib: vm.memoryMib, diskGib: vm.diskGib }, `VM "${vm.name}"`);
    const spec = this.spec(vm);
    await this.deps.host.createTap(spec.tap, vm.bridge, this.deps.settings.runAs);
    this.record(vm, { desiredState: 'running', state: 'starting', stateReason: 'start requested' });
    try {
      await this.deps.driver.start(spec);
    } catch (err) {
      this.record(this.get(id), {
        desiredState: 'stopped',
        state: 'stopped',
        stateReason: `start failed: ${(err as Error).message}`,
      });
      throw err;
    }
    return this.get(id);
  }

  async stop(id: string, force: boolean, timeoutMs: number | null): Promise<Vm> {
    await this.resumed;
    const vm = this.get(id);
    if (!isActive(vm.state)) throw new VmStateError(`VM "${vm.name}" is ${vm.state}, not running`);
    this.record(vm, { desiredState: 'stopped' });
    if (force) await this.deps.driver.forceStop(id);
    else await this.deps.driver.shutdown(id, timeoutMs ?? this.deps.settings.defaultStopTimeoutMs);
    return this.get(id);
  }

  async reboot(id: string): Promise<Vm> {
    await this.resumed;
    this.requireState(id, ['running']);
    await this.deps.driver.reboot(id);
    return this.get(id);
  }

  async pause(id: string): Promise<Vm> {
    await this.resumed;
    this.requireState(id, ['running']);
    await this.deps.driver.pause(id);
    return this.get(id);
  }

  async resumeVm(id: string): Promise<Vm> {
    await this.resumed;
    this.requireState(id, ['paused']);
    await this.deps.driver.resume(id);
    return this.get(id);
  }

  /** Stops it if it runs (forced), then removes disk, tap, reservation and record. */
  async delete(id: string): Promise<Vm> {
    await this.resumed;
    const vm = this.get(id);
    const running = this.deps.driver.state(id);
    // The driver takes no command while QEMU is coming up (a start or re-attach in progress).
    if (running === 'starting') throw new VmStateError(`VM "${vm.name}" is starting; delete it once it runs`);
    if (running !== null) await this.deps.driver.forceStop(id);
    await this.deps.host.deleteTap(this.deps.host.tapName(id));
    await this.deps.host.removeVmFiles(join(this.deps.settings.vmDir, id));
    await this.deps.reservations.releaseVm(vm.mac);
    const last = this.get(id);
    this.deps.repo.delete(last);
    this.vms.delete(id);
    return last;
  }

  console(id: string): Console {
    const vm = this.requireState(id, ['running', 'paused', 'starting', 'stopping']);
    try {
      return this.deps.driver.console(vm.id);
    } catch {
      throw new VmStateError(`VM "${vm.name}" has no console: it is not running`);
    }
  }

  /** Running VMs with their QEMU pid and tap, for usage sampling. */
  running(): { vm: Vm; pid: number; tap: string }[] {
    const out: { vm: Vm; pid: number; tap: string }[] = [];
    for (const vm of this.list()) {
      const pid = this.deps.driver.pid(vm.id);
      if (pid !== null && vm.state === 'running') out.push({ vm, pid, tap: this.deps.host.tapName(vm.id) });
    }
    return out;
  }

  /** From the lease feed: the MAC's lease was granted or renewed on `address`. */
  leaseBound(mac: string, address: number): void {
    const vm = this.list().find((v) => v.mac === mac);
    if (vm && vm.address !== address) this.save({ ...vm, address }, 'vm.address_assigned');
  }

  close(): void {
    this.unsubscribe();
  }

  // --- internals

  private onDriverEvent(event: DriverEvent): void {
    const vm = this.vms.get(event.id);
    if (!vm) return;
    // A VM that stopped on its own (guest power-off, crash) should stay stopped until asked.
    const desiredState = event.state === 'stopped' || event.state === 'crashed' ? 'stopped' : vm.desiredState;
    this.record(vm, { state: event.state, stateReason: event.detail, desiredState });
  }

  /** Saves a state change (actual or desired) with a vm.state_changed event, if anything moved. */
  private record(vm: Vm, change: Partial<Pick<Vm, 'state' | 'stateReason' | 'desiredState'>>): void {
    const next: Vm = { ...vm, ...change };
    if (next.state === vm.state && next.stateReason === vm.stateReason && next.desiredState === vm.desiredState) return;
    next.startedAt = startedAtAfter(vm, next.state, this.deps.clock.now());
    this.save(next, 'vm.state_changed');
  }

  private save(vm: Vm, kind: 'vm.updated' | 'vm.state_changed' | 'vm.address_assigned'): void {
    this.deps.repo.save(vm, kind);
    this.vms.set(vm.id, vm);
  }

  private requireState(id: string, states: readonly ActualState[]): Vm {
    const vm = this.get(id);
    if (!states.includes(vm.state))
      throw new VmStateError(`VM "${vm.name}" is ${vm.state}; this needs it ${states.join(' or ')}`);
    return vm;
  }

  private requireQemu(): void {
    const problem = this.deps.settings.qemuProblem;
    if (problem !== null) throw new QemuMissingError(problem);
  }

  private macTaken(mac: string): boolean {
    return this.list().some((v) => v.mac === mac) || this.deps.reservations.macInUse(mac);
  }

  /** What every defined VM has, but `except` (the VM being changed or started). */
  private allocated(except: string | null): { vcpus: number; memoryMib: number; diskGib: number } {
    let vcpus = 0;
    let memoryMib = 0;
    let diskGib = 0;
    for (const vm of this.vms.values()) {
      if (vm.id === except) continue;
      vcpus += vm.vcpus;
      memoryMib += vm.memoryMib;
      diskGib += vm.diskGib;
    }
    return { vcpus, memoryMib, diskGib };
  }

  private async resolveBoot(boot: BootSource): Promise<BootSource> {
    const host = this.deps.host;
    switch (boot.kind) {
      case 'kernel':
        return {
          kind: 'kernel',
          kernelPath: await host.resolveImage(boot.kernelPath, 'kernel.kernel_path', ['kernel']),
          initrdPath:
            boot.initrdPath === null
              ? null
              : await host.resolveImage(boot.initrdPath, 'kernel.initrd_path', ['initrd']),
          cmdline: checkCmdline(boot.cmdline),
        };
      case 'iso':
        return { kind: 'iso', isoPath: await host.resolveImage(boot.isoPath, 'iso.iso_path', ['iso']) };
      case 'disk':
        return { kind: 'disk', imagePath: await host.resolveImage(boot.imagePath, 'disk.image_path', ['disk']) };
      default: {
        const never: never = boot;
        throw new Error(`unknown boot source ${JSON.stringify(never)}`);
      }
    }
  }

  private spec(vm: Vm): VmRuntimeSpec {
    const dir = join(this.deps.settings.vmDir, vm.id);
    return {
      id: vm.id,
      name: vm.name,
      vcpus: vm.vcpus,
      memoryMib: vm.memoryMib,
      mac: vm.mac,
      tap: this.deps.host.tapName(vm.id),
      disk: join(dir, 'disk.qcow2'),
      boot: runtimeBoot(vm.boot),
      accel: this.deps.settings.accel,
      runAs: this.deps.settings.runAs,
      runDir: join(dir, 'run'),
    };
  }
}

function runtimeBoot(boot: BootSource): RuntimeBoot {
  switch (boot.kind) {
    case 'kernel':
      return { kind: 'kernel', kernel: boot.kernelPath, initrd: boot.initrdPath, cmdline: boot.cmdline };
    case 'iso':
      return { kind: 'iso', iso: boot.isoPath };
    case 'disk':
      return { kind: 'disk' };
    default: {
      const never: never = boot;
      throw new Error(`unknown boot source ${JSON.stringify(never)}`);
    }
  }
}

/** A kernel command line: printable text QEMU passes as one -append argument. */
function checkCmdline(cmdline: string): string {
  if (cmdline.length > 4096)
    throw new InvalidInputError('kernel.cmdline', `is ${cmdline.length} characters; the limit is 4096`);
  if (/[^\x20-\x7e]/.test(cmdline))
    throw new InvalidInputError(
      'kernel.cmdline',
      'holds a control or non-ASCII character; write plain text such as "console=ttyS0"',
    );
  return cmdline;
}
