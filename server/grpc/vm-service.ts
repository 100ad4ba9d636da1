// homeplane.v1.VmService on the VM inventory port: the unary calls here, the two streams in
// console-stream.ts and vm-stats.ts. Every error is a domain error mapped in status.ts.
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../ports.ts';
import type { EventLogReader } from '../events/types.ts';
import { VmServiceService, type VmServiceServer } from '../../proto/gen/homeplane/v1/vm.ts';
import type { Vm } from '../hypervisor/vm.ts';
import { streamConsoleHandler, type ConsoleCall } from './console-stream.ts';
import type { HypervisorPorts } from './hypervisor-ports.ts';
import type { OpenStreams } from './open-streams.ts';
import { unary } from './status.ts';
import { vmToProto } from './translate-hypervisor.ts';
import { consoleInput, createRequest, inUpdatedVm, requireVmId, stopTimeoutMs, updatePatch } from './vm-request.ts';
import { watchVmStatsHandler } from './vm-stats.ts';

/** VmService with StreamConsole writing pre-serialized StreamConsoleResponse bytes (same wire format), so its queue counts real bytes. */
export const vmServiceDefinition = {
  ...VmServiceService,
  streamConsole: {
    ...VmServiceService.streamConsole,
    responseSerialize: (frame: Buffer): Buffer => frame,
  },
} satisfies grpc.ServiceDefinition;

/** One handler per rpc of vm.proto (the type fails when one is missing). */
type VmServiceHandlers = {
  [Method in keyof typeof VmServiceService]: Method extends 'streamConsole'
    ? (call: ConsoleCall) => void
    : VmServiceServer[Method];
};

export interface VmServiceDeps {
  hypervisor: HypervisorPorts;
  log: EventLogReader;
  streams: OpenStreams;
  /** See GrpcServerOptions.overflowGraceMs. */
  overflowGraceMs: number;
  logger: Logger;
}

export const DEFAULT_STATS_INTERVAL_MS = 2_000;
export const DEFAULT_CONSOLE_QUEUE_BYTES = 1024 * 1024;

const answer = (vm: Vm) => ({ vm: vmToProto(vm) });

export function vmService(deps: VmServiceDeps): VmServiceHandlers {
  const { hypervisor, log, logger } = deps;
  const inventory = hypervisor.inventory;
  return {
    listVms: unary('ListVms', logger, () => {
      // Both synchronous, in one tick: the list is exactly the state at that revision.
      const vms = inventory.list();
      return { vms: vms.map(vmToProto), revision: log.lastRevision() };
    }),
    getVm: unary('GetVm', logger, (request) => answer(inventory.get(requireVmId(request.id)))),
    createVm: unary('CreateVm', logger, async (request) => answer(await inventory.create(createRequest(request)))),
    updateVm: unary('UpdateVm', logger, async (request) => {
      const { id, patch } = updatePatch(request);
      return answer(await inventory.update(id, patch).catch((err: unknown) => Promise.reject(inUpdatedVm(err))));
    }),
    startVm: unary('StartVm', logger, async (request) => answer(await inventory.start(requireVmId(request.id)))),
    stopVm: unary('StopVm', logger, async (request) => {
      const id = requireVmId(request.id);
      return answer(await inventory.stop(id, request.force, stopTimeoutMs(request)));
    }),
    rebootVm: unary('RebootVm', logger, async (request) => answer(await inventory.reboot(requireVmId(request.id)))),
    pauseVm: unary('PauseVm', logger, async (request) => answer(await inventory.pause(requireVmId(request.id)))),
    resumeVm: unary('ResumeVm', logger, async (request) => answer(await inventory.resumeVm(requireVmId(request.id)))),
    deleteVm: unary('DeleteVm', logger, async (request) => answer(await inventory.delete(requireVmId(request.id)))),
    streamConsole: streamConsoleHandler({
      inventory,
      streams: deps.streams,
      queueBytes: hypervisor.consoleQueueBytes ?? DEFAULT_CONSOLE_QUEUE_BYTES,
      overflowGraceMs: deps.overflowGraceMs,
      logger,
    }),
    sendConsoleInput: unary('SendConsoleInput', logger, async (request) => {
      const data = consoleInput(request.data);
      // Looked up and handed to the console synchronously on arrival; Console.write keeps call order.
      await inventory.console(requireVmId(request.id)).write(data);
      return {};
    }),
    watchVmStats: watchVmStatsHandler({
      inventory,
      usage: hypervisor.usage,
      streams: deps.streams,
      intervalMs: hypervisor.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS,
      logger,
    }),
  };
}
