// homeplane.v1.Lease -> LeaseRow: the one place the dashboard reads the proto's lease shape.
import { LeaseState, type Lease } from '../../proto/gen/homeplane/v1/lease.ts';
import type { LeaseRow, LeaseStateName } from './live/types.ts';
import { vendorOf } from './oui.ts';

const STATE_NAMES: Record<number, LeaseStateName> = {
  [LeaseState.LEASE_STATE_ACTIVE]: 'active',
  [LeaseState.LEASE_STATE_RELEASED]: 'released',
  [LeaseState.LEASE_STATE_EXPIRED]: 'expired',
  [LeaseState.LEASE_STATE_DECLINED]: 'declined',
};

export function toLeaseRow(lease: Lease): LeaseRow {
  return {
    address: lease.address,
    subnet: lease.subnet,
    hwAddress: lease.hwAddress,
    vendor: vendorOf(lease.hwAddress),
    clientId: lease.clientId,
    hostname: lease.hostname,
    fqdn: lease.fqdn,
    state: STATE_NAMES[lease.state] ?? 'unknown',
    startsAt: lease.startsAt?.getTime() ?? null,
    expiresAt: lease.expiresAt?.getTime() ?? null,
  };
}
