// One configured subnet as the browser sees it (homeplane.v1.Subnet made plain on the server by
// subnet-convert.ts), and the usage figures the Subnets page draws. Client-safe.

export interface PoolView {
  start: string;
  end: string;
  /** Addresses in the range, both ends included. */
  size: number;
}

/** Where an option or boot setting is set (dhcp_option.proto OptionScope); most specific wins. */
export type OptionScopeName = 'global' | 'subnet' | 'class' | 'reservation' | 'unknown';

/** One option as a client would get it, with the scope it comes from. */
export interface EffectiveOptionView {
  /** Kea name; '' for a code without one. */
  name: string;
  code: number;
  type: string;
  /** Canonical text, as the config writes it. */
  data: string;
  /** Sent even when the client does not ask for it. */
  always: boolean;
  scope: OptionScopeName;
}

/** siaddr, file and sname as set for a subnet or class; '' for unset. */
export interface BootView {
  nextServer: string;
  bootFile: string;
  serverHostname: string;
}

/** One client class (dhcp.classes): what puts a client in it, and what it gets then. */
export interface ClientClassView {
  name: string;
  /** The match keys as phrases ("user class iPXE", "architecture 0 (x86 BIOS)"); all must hold. */
  match: string[];
  options: EffectiveOptionView[];
  boot: BootView;
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
  /** What every client of the subnet gets: the subnet's options over the global ones, by code. */
  options: EffectiveOptionView[];
  boot: BootView;
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

/** "domain-name-servers (6)", or "option 252" for a code without a name. */
export function optionTitle(option: Pick<EffectiveOptionView, 'name' | 'code'>): string {
  return option.name === '' ? `option ${option.code}` : option.name;
}

export const SCOPE_LABELS: Record<OptionScopeName, string> = {
  global: 'global',
  subnet: 'subnet',
  class: 'class',
  reservation: 'reservation',
  unknown: 'other',
};

/** Whether any boot setting is set. */
export function hasBoot(boot: BootView): boolean {
  return boot.nextServer !== '' || boot.bootFile !== '' || boot.serverHostname !== '';
}

/** Client architectures of option 93 (IANA "Processor Architecture Types", RFC 4578 section 2.1). */
const ARCHITECTURES: Readonly<Record<number, string>> = {
  0: 'x86 BIOS',
  6: 'x86 UEFI',
  7: 'x64 UEFI',
  9: 'EBC',
  10: 'ARM 32-bit UEFI',
  11: 'ARM 64-bit UEFI',
  16: 'x64 UEFI HTTP',
  19: 'ARM 64-bit UEFI HTTP',
};

/** "architecture 7 (x64 UEFI)". */
export function architectureWords(arch: number): string {
  const name = ARCHITECTURES[arch];
  return name === undefined ? `architecture ${arch}` : `architecture ${arch} (${name})`;
}
