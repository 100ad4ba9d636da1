// homeplane.v1.SubnetService and StatsService: read-only views of the DHCP side.
import type { DhcpAdmin } from '../dhcp/admin.ts';
import type { EventLogReader } from '../events/types.ts';
import { leaseActivity } from '../events/lease-activity.ts';
import type { ActivityCounts } from '../events/lease-activity-tally.ts';
import type { Clock, Logger } from '../ports.ts';
import type { SubnetServiceServer } from '../../proto/gen/homeplane/v1/subnet.ts';
import type { StatsServiceServer } from '../../proto/gen/homeplane/v1/stats.ts';
import { unary } from './status.ts';
import { classToProto, countersToProto, subnetToProto, type SubnetSettings } from './translate.ts';

export function subnetService(
  admin: DhcpAdmin,
  settings: SubnetSettings | undefined,
  logger: Logger,
): SubnetServiceServer {
  return {
    listSubnets: unary('ListSubnets', logger, () => ({
      subnets: admin.subnets().map((summary) => subnetToProto(summary, settings)),
      classes: (settings?.classes ?? []).map(classToProto),
    })),
  };
}

export function statsService(
  admin: DhcpAdmin,
  log: EventLogReader,
  activity: ActivityCounts,
  clock: Clock,
  logger: Logger,
): StatsServiceServer {
  return {
    getStats: unary('GetStats', logger, () => {
      const { countingSince, ...counters } = admin.counters();
      return { dhcp: countersToProto(counters), countingSince: new Date(countingSince), revision: log.lastRevision() };
    }),
    getLeaseActivity: unary('GetLeaseActivity', logger, (request) => {
      // The count and the revision in one tick (the log is synchronous): the revision is the newest counted.
      const revision = log.lastRevision();
      const { buckets, retainedSince } = leaseActivity(activity, clock, request);
      return {
        buckets: buckets.map(({ start, ...counts }) => ({ startTime: new Date(start), ...counts })),
        retainedSince: retainedSince === null ? undefined : new Date(retainedSince),
        revision,
      };
    }),
  };
}
