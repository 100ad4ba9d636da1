// homeplane.v1.ImageService: the files VMs may boot from, as the image folders hold them now.
import type { Logger } from '../ports.ts';
import type { ImageServiceServer } from '../../proto/gen/homeplane/v1/image.ts';
import type { HypervisorPorts } from './hypervisor-ports.ts';
import { unary } from './status.ts';
import { imageToProto } from './translate-hypervisor.ts';

export function imageService(hypervisor: HypervisorPorts, logger: Logger): ImageServiceServer {
  return {
    listImages: unary('ListImages', logger, async () => {
      const { images, imageDirs } = await hypervisor.images();
      // image.proto: ordered by path, whatever order the folders were read in.
      const ordered = [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { images: ordered.map(imageToProto), imageDirs };
    }),
  };
}
