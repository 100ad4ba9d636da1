// homeplane.v1.LeaseService on the DhcpAdmin port.
import type { DhcpAdmin, LeaseFilter } from '../dhcp/admin.ts';
import type { Logger } from '../ports.ts';
import { InvalidInputError } from '../errors.ts';
import type { LeaseServiceServer, ListLeasesRequest, ListLeasesResponse } from '../../proto/gen/homeplane/v1/lease.ts';
import { unary } from './status.ts';
import { leaseStateFilter, leaseToProto } from './translate.ts';
import { pageSize, requireAddress, subnetFilter } from './input.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';

function leaseFilter(request: ListLeasesRequest): LeaseFilter {
  const filter: LeaseFilter = {};
  const subnet = subnetFilter('subnet', request.subnet);
  if (subnet !== undefined) filter.subnet = subnet;
  const state = leaseStateFilter(request.state, 'state');
  if (state !== undefined) filter.state = state;
  if (request.query !== '') filter.query = request.query;
  return filter;
}

function addressCursor(field: string, after: string | null): number | null {
  if (after === null) return null;
  const address = Number(after);
  if (!Number.isInteger(address) || address < 0 || address > 0xffffffff) {
    throw new InvalidInputError(field, 'is not a page token from this server; pass next_page_token unchanged');
  }
  return address;
}

function listLeases(admin: DhcpAdmin, request: ListLeasesRequest): ListLeasesResponse {
  const filter = leaseFilter(request);
  const limit = pageSize('page_size', request.pageSize);
  const after = addressCursor('page_token', decodePageToken('page_token', request.pageToken, filter));
  const page = admin.listLeases(filter, after, limit);
  return {
    leases: page.items.map(leaseToProto),
    nextPageToken: page.nextAfter === null ? '' : encodePageToken(String(page.nextAfter), filter),
    revision: page.revision,
    totalSize: page.total,
  };
}

export function leaseService(admin: DhcpAdmin, logger: Logger): LeaseServiceServer {
  return {
    listLeases: unary('ListLeases', logger, (request: ListLeasesRequest) => listLeases(admin, request)),
    getLease: unary('GetLease', logger, (request) => {
      const { lease } = admin.getLease(requireAddress('address', request.address));
      return { lease: leaseToProto(lease) };
    }),
    releaseLease: unary('ReleaseLease', logger, async (request) => {
      const lease = await admin.releaseLease(requireAddress('address', request.address));
      return { lease: leaseToProto(lease) };
    }),
  };
}
