// homeplane.v1.HostService: this daemon's host, its facts read when asked, its capacity and VM
// counts from the inventory (every defined VM counts against capacity, running or not).
import type { Logger } from '../ports.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { isActive } from '../hypervisor/vm.ts';
import type { HostServiceServer } from '../../proto/gen/homeplane/v1/host.ts';
import type { HypervisorPorts } from './hypervisor-ports.ts';
import { unary } from './status.ts';
import { hostToProto, type HostView } from './translate-hypervisor.ts';

/** The host as a read sees it. running_vm_count counts VMs with a QEMU (starting, running, paused, stopping). */
async function hostView(hypervisor: HypervisorPorts): Promise<HostView> {
  const [reading, capacity] = await Promise.all([hypervisor.host(), hypervisor.inventory.capacity()]);
  const vms = hypervisor.inventory.list();
  return {
    record: reading.record,
    diskTotalBytes: reading.diskTotalBytes,
    diskFreeBytes: reading.diskFreeBytes,
    uptimeSeconds: reading.uptimeSeconds,
    capacity,
    vmCount: vms.length,
    runningVmCount: vms.filter((vm) => isActive(vm.state)).length,
  };
}

export function hostService(hypervisor: HypervisorPorts, logger: Logger): HostServiceServer {
  return {
    getHost: unary('GetHost', logger, async (request) => {
      if (request.id === '')
        throw new InvalidInputError('id', 'is required; give the id of a host (ListHosts shows them)');
      const view = await hostView(hypervisor);
      if (view.record.id !== request.id)
        throw new NotFoundError(`no host with id "${request.id}"; this daemon runs host ${view.record.id}`);
      return { host: hostToProto(view) };
    }),
    listHosts: unary('ListHosts', logger, async () => ({ hosts: [hostToProto(await hostView(hypervisor))] })),
  };
}
