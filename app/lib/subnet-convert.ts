// homeplane.v1.Subnet -> SubnetView, server side. Counts arrive as uint64 (numbers in ts-proto's
// output, well within 2^53 for IPv4).
import type { Subnet } from '../../proto/gen/homeplane/v1/subnet.ts';
import { parseIPv4 } from './reservation-form.ts';
import type { SubnetView } from './subnet-view.ts';

export function toSubnetView(subnet: Subnet): SubnetView {
  return {
    subnet: subnet.subnet,
    pools: subnet.pools.map((pool) => {
      const start = parseIPv4(pool.start);
      const end = parseIPv4(pool.end);
      return {
        start: pool.start,
        end: pool.end,
        size: start !== null && end !== null && end >= start ? end - start + 1 : 0,
      };
    }),
    routers: subnet.routers,
    dnsServers: subnet.dnsServers,
    domainName: subnet.domainName,
    leaseSeconds: subnet.leaseSeconds,
    poolSize: subnet.poolSize,
    inUse: subnet.addressesInUse,
    declined: subnet.declined,
    free: subnet.free,
    reservations: subnet.reservations,
  };
}
