// homeplane.v1.SubnetService and StatsService: read-only views of the DHCP side.
import type { DhcpAdmin } from '../dhcp/admin.ts';
import type { EventLogReader } from '../events/types.ts';
import type { Logger } from '../ports.ts';
import type { SubnetServiceServer } from '../../proto/gen/homeplane/v1/subnet.ts';
import type { StatsServiceServer } from '../../proto/gen/homeplane/v1/stats.ts';
import { unary } from './status.ts';
import { countersToProto, subnetToProto, type SubnetSettings } from './translate.ts';

export function subnetService(
  admin: DhcpAdmin,
  settings: SubnetSettings | undefined,
  logger: Logger,
): SubnetServiceServer {
  return {
    listSubnets: unary('ListSubnets', logger, () => ({
      subnets: admin.subnets().map((summary) => subnetToProto(summary, settings)),
    })),
  };
}

export function statsService(admin: DhcpAdmin, log: EventLogReader, logger: Logger): StatsServiceServer {
  return {
    getStats: unary('GetStats', logger, () => {
      const { countingSince, ...counters } = admin.counters();
      return { dhcp: countersToProto(counters), countingSince: new Date(countingSince), revision: log.lastRevision() };
    }),
  };
}
