// Hypervisor domain objects <-> homeplane.v1 messages (vm.proto, host.proto, image.proto).
import { formatIPv4 } from '../dhcp/codec/ipv4.ts';
import type { ActualState, BootSource, DesiredState, Vm } from '../hypervisor/vm.ts';
import type { HostRecord } from '../hypervisor/host.ts';
import type { HostCapacity, ResourceCapacity } from '../hypervisor/capacity.ts';
import { InvalidInputError } from '../errors.ts';
import {
  VmDesiredState as ProtoDesiredState,
  VmState as ProtoVmState,
  type CreateVmRequest,
  type Vm as ProtoVm,
} from '../../proto/gen/homeplane/v1/vm.ts';
import {
  Accel as ProtoAccel,
  type Capacity as ProtoCapacity,
  type Host as ProtoHost,
} from '../../proto/gen/homeplane/v1/host.ts';
import { ImageKind as ProtoImageKind, type Image as ProtoImage } from '../../proto/gen/homeplane/v1/image.ts';
import type { ImageFile, ImageFileKind } from './hypervisor-ports.ts';

const STATE_TO_PROTO: Readonly<Record<ActualState, ProtoVmState>> = {
  stopped: ProtoVmState.VM_STATE_STOPPED,
  starting: ProtoVmState.VM_STATE_STARTING,
  running: ProtoVmState.VM_STATE_RUNNING,
  paused: ProtoVmState.VM_STATE_PAUSED,
  stopping: ProtoVmState.VM_STATE_STOPPING,
  crashed: ProtoVmState.VM_STATE_CRASHED,
};

const DESIRED_TO_PROTO: Readonly<Record<DesiredState, ProtoDesiredState>> = {
  stopped: ProtoDesiredState.VM_DESIRED_STATE_STOPPED,
  running: ProtoDesiredState.VM_DESIRED_STATE_RUNNING,
};

function bootToProto(boot: BootSource): ProtoVm['boot'] {
  switch (boot.kind) {
    case 'kernel':
      return {
        $case: 'kernel',
        kernel: { kernelPath: boot.kernelPath, initrdPath: boot.initrdPath ?? '', cmdline: boot.cmdline },
      };
    case 'iso':
      return { $case: 'iso', iso: { isoPath: boot.isoPath } };
    case 'disk':
      return { $case: 'disk', disk: { imagePath: boot.imagePath } };
    default: {
      const never: never = boot;
      throw new Error(`unknown boot source ${JSON.stringify(never)}`);
    }
  }
}

export function vmToProto(vm: Vm): ProtoVm {
  return {
    id: vm.id,
    name: vm.name,
    state: STATE_TO_PROTO[vm.state],
    stateReason: vm.stateReason,
    desiredState: DESIRED_TO_PROTO[vm.desiredState],
    mac: vm.mac,
    address: vm.address === null ? '' : formatIPv4(vm.address),
    vcpus: vm.vcpus,
    memoryMib: vm.memoryMib,
    diskGib: vm.diskGib,
    hostId: vm.hostId,
    bridge: vm.bridge,
    autostart: vm.autostart,
    boot: bootToProto(vm.boot),
    createTime: new Date(vm.createdAt),
    // Events logged before start_time existed carry no startedAt.
    startTime: vm.startedAt === null || vm.startedAt === undefined ? undefined : new Date(vm.startedAt),
  };
}

/** The request's boot oneof as the domain's; null when none is set (the inventory refuses it). */
export function bootFromProto(boot: CreateVmRequest['boot']): BootSource | null {
  if (boot === undefined) return null;
  switch (boot.$case) {
    case 'kernel':
      if (boot.kernel.kernelPath === '')
        throw new InvalidInputError(
          'kernel.kernel_path',
          'is empty; give the absolute path of a kernel from ListImages',
        );
      return {
        kind: 'kernel',
        kernelPath: boot.kernel.kernelPath,
        initrdPath: boot.kernel.initrdPath === '' ? null : boot.kernel.initrdPath,
        cmdline: boot.kernel.cmdline,
      };
    case 'iso':
      if (boot.iso.isoPath === '')
        throw new InvalidInputError('iso.iso_path', 'is empty; give the absolute path of an ISO image from ListImages');
      return { kind: 'iso', isoPath: boot.iso.isoPath };
    case 'disk':
      if (boot.disk.imagePath === '')
        throw new InvalidInputError(
          'disk.image_path',
          'is empty; give the absolute path of a qcow2 or raw base image from ListImages',
        );
      return { kind: 'disk', imagePath: boot.disk.imagePath };
    default: {
      const never: never = boot;
      throw new Error(`unknown boot source ${JSON.stringify(never)}`);
    }
  }
}

const IMAGE_KIND_TO_PROTO: Readonly<Record<ImageFileKind, ProtoImageKind>> = {
  iso: ProtoImageKind.IMAGE_KIND_ISO,
  'disk-qcow2': ProtoImageKind.IMAGE_KIND_DISK_QCOW2,
  'disk-raw': ProtoImageKind.IMAGE_KIND_DISK_RAW,
  kernel: ProtoImageKind.IMAGE_KIND_KERNEL,
  initrd: ProtoImageKind.IMAGE_KIND_INITRD,
  unknown: ProtoImageKind.IMAGE_KIND_UNSPECIFIED,
};

export function imageToProto(image: ImageFile): ProtoImage {
  return { path: image.path, name: image.name, sizeBytes: image.sizeBytes, kind: IMAGE_KIND_TO_PROTO[image.kind] };
}

function capacityToProto(c: ResourceCapacity): ProtoCapacity {
  return {
    total: c.total,
    reserved: c.reserved,
    allocationRatio: c.ratio,
    allocatable: c.allocatable,
    allocated: c.allocated,
    free: c.free,
  };
}

/** What a host read adds to its record: computed facts, capacity and VM counts. */
export interface HostView {
  record: HostRecord;
  diskTotalBytes: number;
  diskFreeBytes: number;
  uptimeSeconds: number;
  capacity: HostCapacity;
  vmCount: number;
  runningVmCount: number;
}

export function hostRecordToProto(record: HostRecord): ProtoHost {
  return {
    id: record.id,
    hostname: record.hostname,
    cpuModel: record.cpuModel,
    cpuCores: record.cpuCores,
    memoryMib: record.memoryMib,
    diskTotalBytes: 0,
    diskFreeBytes: 0,
    accel: record.accel === 'kvm' ? ProtoAccel.ACCEL_KVM : ProtoAccel.ACCEL_TCG,
    accelReason: record.accelReason,
    qemuVersion: record.qemuVersion ?? '',
    qemuProblem: record.qemuProblem ?? '',
    uptimeSeconds: 0,
    vcpus: undefined,
    memoryMibCapacity: undefined,
    diskGibCapacity: undefined,
    vmCount: 0,
    runningVmCount: 0,
  };
}

export function hostToProto(view: HostView): ProtoHost {
  return {
    ...hostRecordToProto(view.record),
    diskTotalBytes: view.diskTotalBytes,
    diskFreeBytes: view.diskFreeBytes,
    uptimeSeconds: view.uptimeSeconds,
    vcpus: capacityToProto(view.capacity.vcpus),
    memoryMibCapacity: capacityToProto(view.capacity.memory_mib),
    diskGibCapacity: capacityToProto(view.capacity.disk_gib),
    vmCount: view.vmCount,
    runningVmCount: view.runningVmCount,
  };
}
