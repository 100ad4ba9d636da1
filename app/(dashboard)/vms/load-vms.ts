// The VM pages' first data: every VM (ListVms) with the revision to watch from, the hosts (their
// capacity, and whether QEMU can run VMs at all), and the files the Create VM form offers.
import 'server-only';
import { ListHostsRequest } from '../../../proto/gen/homeplane/v1/host.ts';
import { ListImagesRequest } from '../../../proto/gen/homeplane/v1/image.ts';
import { ListVmsRequest } from '../../../proto/gen/homeplane/v1/vm.ts';
import { BackendError, call } from '../../lib/backend.ts';
import type { HostView } from '../../lib/host-view.ts';
import type { ImageView } from '../../lib/image-view.ts';
import { toHostView, toImageView, toVmView } from '../../lib/vm-convert.ts';
import type { VmView } from '../../lib/vm-view.ts';

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface VmListing {
  vms: VmView[];
  revision: number;
  hosts: HostView[];
}

export interface ImageListing {
  images: ImageView[];
  /** The folders searched, so an empty list can say where to put files. */
  imageDirs: string[];
}

async function load<T>(question: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await question() };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, reason: err.message };
    throw err;
  }
}

export function loadVms(): Promise<Loaded<VmListing>> {
  return load(async () => {
    // VMs first: their revision is where the stream continues, and hosts read later are no older.
    const listed = await call((c) => c.vms.listVms.bind(c.vms), ListVmsRequest.fromPartial({}));
    const hosts = await loadHostViews();
    return { vms: listed.vms.map(toVmView), revision: listed.revision, hosts };
  });
}

export async function loadHostViews(): Promise<HostView[]> {
  const readAt = Date.now();
  const { hosts } = await call((c) => c.hosts.listHosts.bind(c.hosts), ListHostsRequest.fromPartial({}));
  return hosts.map((host) => toHostView(host, readAt));
}

export function loadImages(): Promise<Loaded<ImageListing>> {
  return load(async () => {
    const listed = await call((c) => c.images.listImages.bind(c.images), ListImagesRequest.fromPartial({}));
    return { images: listed.images.map(toImageView), imageDirs: [...listed.imageDirs] };
  });
}
