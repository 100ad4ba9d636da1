// homeplane.v1 Vm, Host and Image -> the browser's views. A VM and a host go through their proto
// JSON, as the event relay sends them (watch-frames.ts), so a first list and a live event give
// the same view.
import 'server-only';
import { Host } from '../../proto/gen/homeplane/v1/host.ts';
import { ImageKind, type Image } from '../../proto/gen/homeplane/v1/image.ts';
import { Vm } from '../../proto/gen/homeplane/v1/vm.ts';
import { hostViewFromJson, type HostView } from './host-view.ts';
import type { ImageKindName, ImageView } from './image-view.ts';
import { vmViewFromJson, type VmView } from './vm-view.ts';

export function toVmView(vm: Vm): VmView {
  const view = vmViewFromJson(Vm.toJSON(vm));
  if (view === undefined) throw new Error('the daemon sent a VM without an id');
  return view;
}

export function toHostView(host: Host, readAt: number): HostView {
  const view = hostViewFromJson(Host.toJSON(host), readAt);
  if (view === undefined) throw new Error('the daemon sent a host without an id');
  return view;
}

function kindName(kind: ImageKind): ImageKindName {
  switch (kind) {
    case ImageKind.IMAGE_KIND_ISO:
      return 'iso';
    case ImageKind.IMAGE_KIND_DISK_QCOW2:
      return 'disk-qcow2';
    case ImageKind.IMAGE_KIND_DISK_RAW:
      return 'disk-raw';
    case ImageKind.IMAGE_KIND_KERNEL:
      return 'kernel';
    case ImageKind.IMAGE_KIND_INITRD:
      return 'initrd';
    default:
      return 'unknown';
  }
}

export function toImageView(image: Image): ImageView {
  return { path: image.path, name: image.name, sizeBytes: image.sizeBytes, kind: kindName(image.kind) };
}
