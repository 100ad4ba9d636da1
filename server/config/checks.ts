// Rules that span fields, run after each field's own syntax passed. They run on whatever parsed
// cleanly (a broken subnet is left out), so one pass reports every problem it can.
import type { Cidr } from '../dhcp/codec/ipv4.ts';
import { broadcastOf, cidrContains, formatCidr, formatIPv4 } from '../dhcp/codec/ipv4.ts';
import { formatDuration } from './duration.ts';
import type { ConfigProblem } from './problems.ts';
import {
  SHORTHAND_OPTIONS,
  type DhcpLeaseTimes,
  type DhcpServing,
  type SalvagedReservation,
  type SalvagedSubnet,
} from './schema.ts';
import { compileOptionEntries, definitionByCode, definitionByName } from '../dhcp/options/index.ts';

/** The DHCP section as far as it parsed; each part is null when it had problems of its own. */
export interface DhcpView {
  serving: DhcpServing | null;
  leaseTimes: DhcpLeaseTimes | null;
  /** Subnets the file lists, whether or not they parsed. */
  subnetsWritten: number;
  /** The subnets that parsed, with their index in the file. */
  subnets: { index: number; subnet: SalvagedSubnet }[];
}

/** A pool with no more addresses than a /8 holds; larger ones are almost surely a typo. */
const MAX_POOL_SIZE = 2 ** 24;

/** Kea's default max-valid-lifetime is a day; we never default below the chosen leaseTime. */
export function effectiveMaxLeaseTime(times: DhcpLeaseTimes): number {
  return times.maxLeaseTime ?? Math.max(times.leaseTime, 86_400);
}

export function crossFieldProblems(view: DhcpView): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (view.serving !== null) problems.push(...servingProblems(view.serving, view.subnetsWritten));
  if (view.leaseTimes !== null) problems.push(...leaseTimeProblems(view.leaseTimes));
  for (const { index, subnet } of view.subnets) {
    const at = `dhcp.subnets[${index}]`;
    if (view.leaseTimes !== null) problems.push(...subnetLeaseProblems(view.leaseTimes, subnet, at));
    problems.push(
      ...poolProblems(subnet, at),
      ...serverProblems(subnet, at),
      ...reservationProblems(subnet, at),
      ...shorthandProblems(subnet, at),
      ...routerOptionProblems(subnet, at),
    );
  }
  problems.push(...subnetOverlaps(view.subnets), ...poolOverlaps(view.subnets), ...duplicateReservations(view.subnets));
  return problems;
}

function servingProblems(serving: DhcpServing, subnetsWritten: number): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (serving.enabled && serving.interfaces.length === 0) {
    problems.push({
      path: 'dhcp.interfaces',
      reason:
        'DHCP is enabled but no interface is named; ' +
        'list the interfaces to serve, e.g. [br0], or set dhcp.enabled: false',
    });
  }
  serving.interfaces.forEach((name, index) => {
    const first = serving.interfaces.indexOf(name);
    if (name !== null && first !== index) {
      problems.push({
        path: `dhcp.interfaces[${index}]`,
        reason: `"${name}" is listed twice (also at dhcp.interfaces[${first}]); remove one`,
      });
    }
  });
  if (serving.enabled && subnetsWritten === 0) {
    problems.push({
      path: 'dhcp.subnets',
      reason:
        'DHCP is enabled but no subnet is configured; ' + 'add a subnet with its pools, or set dhcp.enabled: false',
    });
  }
  return problems;
}

function leaseTimeProblems(times: DhcpLeaseTimes): ConfigProblem[] {
  const max = effectiveMaxLeaseTime(times);
  if (times.minLeaseTime > max) {
    const reason =
      `${formatDuration(times.minLeaseTime)} is longer than maxLeaseTime (${formatDuration(max)}); ` +
      'lower minLeaseTime or raise maxLeaseTime';
    return [{ path: 'dhcp.minLeaseTime', reason }];
  }
  const fault = leaseTimeFault(times.leaseTime, times.minLeaseTime, max);
  return fault === null ? [] : [{ path: 'dhcp.leaseTime', reason: fault }];
}

function subnetLeaseProblems(times: DhcpLeaseTimes, subnet: SalvagedSubnet, at: string): ConfigProblem[] {
  const max = effectiveMaxLeaseTime(times);
  if (subnet.leaseTime === undefined || times.minLeaseTime > max) return [];
  const fault = leaseTimeFault(subnet.leaseTime, times.minLeaseTime, max);
  return fault === null ? [] : [{ path: `${at}.leaseTime`, reason: fault }];
}

function leaseTimeFault(leaseTime: number, min: number, max: number): string | null {
  if (leaseTime >= min && leaseTime <= max) return null;
  const bound =
    leaseTime < min ? `below minLeaseTime (${formatDuration(min)})` : `above maxLeaseTime (${formatDuration(max)})`;
  return (
    `${formatDuration(leaseTime)} is ${bound}; ` +
    `pick a lease time between ${formatDuration(min)} and ${formatDuration(max)}, or change the bounds`
  );
}

function poolProblems(subnet: SalvagedSubnet, at: string): ConfigProblem[] {
  const { subnet: cidr } = subnet;
  const broadcast = broadcastOf(cidr);
  const problems: ConfigProblem[] = [];
  subnet.pools.forEach((pool, index) => {
    if (pool === null) return;
    const path = `${at}.pools[${index}]`;
    const range = formatRange(pool);
    const size = pool.end - pool.start + 1;
    if (size > MAX_POOL_SIZE) {
      const reason = `${range} holds ${size} addresses, more than a /8 (${MAX_POOL_SIZE}); use a smaller range`;
      problems.push({ path, reason });
    }
    if (pool.start < cidr.network || pool.end > broadcast) {
      const hosts = formatRange({ start: cidr.network + 1, end: broadcast - 1 });
      const reason = `${range} is not inside subnet ${formatCidr(cidr)} (hosts ${hosts}); move it into the subnet`;
      problems.push({ path, reason });
      return;
    }
    if (pool.start === cidr.network) {
      const reason =
        `${range} includes the network address ${formatIPv4(cidr.network)}, which no client may lease; ` +
        `start the pool at ${formatIPv4(cidr.network + 1)} or later`;
      problems.push({ path, reason });
    }
    if (pool.end === broadcast) {
      const reason =
        `${range} includes the broadcast address ${formatIPv4(broadcast)}, which no client may lease; ` +
        `end the pool at ${formatIPv4(broadcast - 1)} or earlier`;
      problems.push({ path, reason });
    }
  });
  return problems;
}

/** Routers must be on the client's own link (it ARPs for them); no server is a network/broadcast address. */
function serverProblems(subnet: SalvagedSubnet, at: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const lists = [
    ['routers', subnet.routers],
    ['dnsServers', subnet.dnsServers],
    ['ntpServers', subnet.ntpServers],
  ] as const;
  for (const [key, addresses] of lists) {
    addresses.forEach((address, index) => {
      if (address === null) return;
      const path = `${at}.${key}[${index}]`;
      const special = specialAddress(subnet.subnet, address);
      const written = `${formatIPv4(address)}`;
      const cidr = formatCidr(subnet.subnet);
      if (special !== null) {
        const reason = `${written} is the ${special} address of ${cidr}; name the server by its own host address`;
        problems.push({ path, reason });
      } else if (key === 'routers' && !cidrContains(subnet.subnet, address)) {
        const reason = `${written} is outside subnet ${cidr}; clients can only use a router on their own subnet`;
        problems.push({ path, reason });
      }
    });
  }
  return problems;
}

function reservationProblems(subnet: SalvagedSubnet, at: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  subnet.reservations.forEach((reservation, index) => {
    if (reservation === null) return;
    const path = `${at}.reservations[${index}]`;
    if ((reservation.mac === undefined) === (reservation.clientId === undefined)) {
      const which = reservation.mac === undefined ? 'neither mac nor clientId' : 'both mac and clientId';
      problems.push({ path, reason: `has ${which}; give exactly one, so the reservation matches one client` });
    }
    const special = specialAddress(subnet.subnet, reservation.ip);
    if (!cidrContains(subnet.subnet, reservation.ip)) {
      const reason =
        `${formatIPv4(reservation.ip)} is outside subnet ${formatCidr(subnet.subnet)}; ` +
        'reserve an address inside it, or move the reservation to the subnet that holds it';
      problems.push({ path: `${path}.ip`, reason });
    } else if (special !== null) {
      const reason =
        `${formatIPv4(reservation.ip)} is the ${special} address of ${formatCidr(subnet.subnet)}, ` +
        'which no client may use; reserve a host address';
      problems.push({ path: `${path}.ip`, reason });
    }
  });
  return problems;
}

/** A shorthand key (routers, dnsServers, domainName, ntpServers) and an options entry for its code. */
function shorthandProblems(subnet: SalvagedSubnet, at: string): ConfigProblem[] {
  if (!Array.isArray(subnet.options)) return [];
  const problems: ConfigProblem[] = [];
  const written = (key: (typeof SHORTHAND_OPTIONS)[number][0]): boolean =>
    key === 'domainName' ? subnet.domainName !== undefined : subnet[key].length > 0;
  (subnet.options as unknown[]).forEach((entry, index) => {
    const code = entryCode(entry);
    const shorthand = SHORTHAND_OPTIONS.find(([key, c]) => c === code && written(key));
    if (shorthand === undefined) return;
    const [key] = shorthand;
    problems.push({
      path: `${at}.options[${index}]`,
      reason: `${key} already sets option ${code} (${definitionByCode(code!)?.name}); keep either ${key} or this entry`,
    });
  });
  return problems;
}

/** A routers option of the subnet follows the routers key's rule: each address on the subnet. */
function routerOptionProblems(subnet: SalvagedSubnet, at: string): ConfigProblem[] {
  if (!Array.isArray(subnet.options)) return [];
  const problems: ConfigProblem[] = [];
  const cidr = formatCidr(subnet.subnet);
  (subnet.options as unknown[]).forEach((entry, index) => {
    if (entryCode(entry) !== 3) return;
    const compiled = compileOptionEntries([entry], 'entry'); // its own faults are reported by the schema
    if (!compiled.ok) return;
    const bytes = compiled.options[0]!.bytes;
    for (let i = 0; i + 4 <= bytes.length; i += 4) {
      const address = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
      if (cidrContains(subnet.subnet, address) && specialAddress(subnet.subnet, address) === null) continue;
      problems.push({
        path: `${at}.options[${index}].data`,
        reason: `router ${formatIPv4(address)} is not a host address of subnet ${cidr}; clients can only use a router on their own subnet`,
      });
    }
  });
  return problems;
}

/** The code an options entry names (by code, else by name), or null. */
function entryCode(entry: unknown): number | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const { code, name } = entry as { code?: unknown; name?: unknown };
  if (typeof code === 'number') return code;
  if (typeof name === 'string') return definitionByName(name.trim().toLowerCase())?.code ?? null;
  return null;
}

function specialAddress(cidr: Cidr, address: number): 'network' | 'broadcast' | null {
  if (address === cidr.network) return 'network';
  if (address === broadcastOf(cidr)) return 'broadcast';
  return null;
}

interface Span {
  start: number;
  end: number;
  path: string;
  label: string;
  /** Position in the file, so an overlap is reported at the later of the two. */
  order: number;
}

function subnetOverlaps(subnets: DhcpView['subnets']): ConfigProblem[] {
  const spans = subnets.map(({ index, subnet }) => ({
    start: subnet.subnet.network,
    end: broadcastOf(subnet.subnet),
    path: `dhcp.subnets[${index}].subnet`,
    label: formatCidr(subnet.subnet),
    order: index,
  }));
  return overlaps(spans).map(([later, earlier]) => ({
    path: later.path,
    reason:
      `${later.label} overlaps ${earlier.path} (${earlier.label}); ` +
      'an address may belong to one subnet only, so shrink or remove one',
  }));
}

function poolOverlaps(subnets: DhcpView['subnets']): ConfigProblem[] {
  const spans = subnets.flatMap(({ index, subnet }) =>
    subnet.pools.flatMap((pool, poolIndex) =>
      pool === null
        ? []
        : [
            {
              ...pool,
              path: `dhcp.subnets[${index}].pools[${poolIndex}]`,
              label: formatRange(pool),
              order: index * 1e6 + poolIndex,
            },
          ],
    ),
  );
  return overlaps(spans).map(([later, earlier]) => ({
    path: later.path,
    reason:
      `${later.label} overlaps ${earlier.path} (${earlier.label}); ` +
      'each address may be in one pool only, so split or merge them',
  }));
}

/** Each span that overlaps an earlier one, once, paired with it; a sort and one sweep. */
function overlaps(spans: Span[]): [Span, Span][] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const found: [Span, Span][] = [];
  let reach: Span | undefined;
  for (const span of sorted) {
    if (reach !== undefined && span.start <= reach.end) {
      found.push(span.order > reach.order ? [span, reach] : [reach, span]);
    }
    if (reach === undefined || span.end > reach.end) reach = span;
  }
  return found;
}

/** A MAC, client-id or address may be reserved once across the whole config. */
function duplicateReservations(subnets: DhcpView['subnets']): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  const keysOf = (reservation: SalvagedReservation) =>
    [
      ['mac', reservation.mac],
      ['clientId', reservation.clientId],
      ['ip', formatIPv4(reservation.ip)],
    ] as const;
  for (const { index, subnet } of subnets) {
    subnet.reservations.forEach((reservation, reservationIndex) => {
      if (reservation === null) return;
      const path = `dhcp.subnets[${index}].reservations[${reservationIndex}]`;
      for (const [key, value] of keysOf(reservation)) {
        if (value === undefined) continue;
        const first = seen.get(`${key}=${value}`);
        if (first === undefined) {
          seen.set(`${key}=${value}`, path);
          continue;
        }
        problems.push({
          path: `${path}.${key}`,
          reason:
            `${value} is already reserved at ${first}; ` +
            `each ${key === 'ip' ? 'address' : 'client'} may have one reservation only, so remove or change one`,
        });
      }
    });
  }
  return problems;
}

function formatRange(pool: { start: number; end: number }): string {
  return `${formatIPv4(pool.start)}-${formatIPv4(pool.end)}`;
}
