// One configured subnet as the browser sees it (homeplane.v1.Subnet made plain on the server by
// subnet-convert.ts), and the usage figures the Subnets page draws. Client-safe.

export interface PoolView {
  start: string;
  end: string;
  /** Addresses in the range, both ends included. */
  size: number;
}

export interface SubnetView {
  subnet: string;
  pools: PoolView[];
  routers: string[];
  dnsServers: string[];
  domainName: string;
  leaseSeconds: number;
  poolSize: number;
  /** Addresses held by active leases, inside the pools or not. */
  inUse: number;
  declined: number;
  /** Pool addresses a new client could get now. */
  free: number;
  reservations: number;
}

export interface PoolUsage {
  /** Pool addresses not free (leased, declined, reserved for others), 0..poolSize. */
  taken: number;
  /** Share of the pools taken, 0..100, rounded down so a nearly full pool never reads 100 %. */
  percent: number;
  level: 'ok' | 'high' | 'full';
}

/** How full the pools are: what is not free is taken. */
export function poolUsage(subnet: Pick<SubnetView, 'poolSize' | 'free'>): PoolUsage {
  if (subnet.poolSize <= 0) return { taken: 0, percent: 0, level: 'ok' };
  const taken = Math.min(subnet.poolSize, Math.max(0, subnet.poolSize - subnet.free));
  const percent = Math.floor((taken * 100) / subnet.poolSize);
  const level = subnet.free === 0 ? 'full' : percent >= 80 ? 'high' : 'ok';
  return { taken, percent, level };
}

/** "1 h", "30 min", "1 d 12 h", "45 s": a lease time as a person reads it. */
export function formatLeaseTime(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const parts: string[] = [];
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  if (rest > 0) parts.push(`${rest} s`);
  return parts.join(' ');
}

/** "1 address", "254 addresses". */
export function countAddresses(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'address' : 'addresses'}`;
}
