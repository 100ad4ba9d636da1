// Expired-lease reclamation (Kea: reclaim-timer-wait-time). Leases past their end become
// 'expired' (kept, so the client can get the address back while it stays free); declined
// addresses past probation are forgotten; lapsed offers go back to their pools.
import type { DhcpEngine } from './engine.ts';
import type { Lease } from './lease.ts';
import type { LeaseWrite } from './outcome.ts';

export function reclaimExpired(engine: DhcpEngine, now: number): LeaseWrite[] {
  const writes: LeaseWrite[] = [];
  const ended: Lease[] = [];
  for (const lease of engine.table.values()) {
    if (lease.expiresAt > now) continue;
    if (lease.state === 'active' || lease.state === 'declined') ended.push(lease);
  }
  for (const lease of ended) {
    if (lease.state === 'active') {
      const expired: Lease = { ...lease, state: 'expired' };
      engine.table.set(expired);
      writes.push({ put: expired, kind: 'lease.expired' });
    } else {
      engine.table.delete(lease.address);
      writes.push({ remove: lease.address, was: lease });
    }
    engine.releaseAddress(lease.subnetId, lease.address);
  }
  engine.expireOffers(now);
  return writes;
}
