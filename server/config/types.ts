// The validated, resolved configuration the daemon runs on. The YAML shape users write is
// defined by the zod schema in schema.ts; load.ts turns it into this form (addresses as numbers,
// durations in seconds, paths absolute) after the cross-field checks pass.
import type { Cidr } from '../dhcp/codec/ipv4.ts';
import type { CompiledOption } from '../dhcp/options/index.ts';

export interface Config {
  /** Absolute path of the file this came from; null for the built-in default. */
  source: string | null;
  /** Absolute. Holds the SQLite file, the gRPC token, VM disks and sockets. */
  dataDir: string;
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' };
  grpc: GrpcConfig;
  /** retention: seconds events stay in the log before compaction; maxRows: the most it keeps. */
  events: { retention: number; maxRows: number };
  dashboard: DashboardConfig;
  /** Null: no metrics endpoint. */
  metrics: MetricsConfig | null;
  dhcp: DhcpConfig;
  hypervisor: HypervisorConfig;
}

export interface GrpcConfig {
  listen: string;
  /** Watch streams open at once, in total and from one peer (IP address, or the unix socket). */
  maxWatchers: number;
  maxWatchersPerPeer: number;
  /** HTTP/2 streams open at once on one connection (grpc.max_concurrent_streams). */
  maxStreamsPerConnection: number;
  /** Seconds a watcher may stall while catching up or taking a snapshot before it is ended. */
  watchStallTimeout: number;
}

export interface MetricsConfig {
  /** host:port of the Prometheus endpoint (GET /metrics). */
  listen: string;
  /** Absolute; when set, a scrape must present this file's token as a bearer token. */
  tokenFile: string | null;
}

export interface DashboardConfig {
  /** Extra Host names the dashboard answers (lower case), besides the loopback names. */
  allowedHosts: string[];
  /** Live event streams open at once. */
  maxStreams: number;
}

export interface DhcpConfig {
  /** False when the config turns DHCP off (dhcp.enabled: false). */
  enabled: boolean;
  /** Interfaces answered directly (broadcast) and on which relayed traffic is accepted. */
  interfaces: string[];
  /** Server port; clients are answered on port + 1. */
  port: number;
  authoritative: boolean;
  /** Seconds. */
  leaseTime: number;
  minLeaseTime: number;
  maxLeaseTime: number;
  /** Seconds a declined address stays out of use (Kea: decline-probation-period). */
  declineProbation: number;
  /** Seconds an offered address stays held for the client before it may go to another. */
  offerTimeout: number;
  /** Seconds between runs of the expired-lease reclaimer. */
  reclaimInterval: number;
  /** 'process': leases survive kill -9 (SQLite WAL); 'power': fsync per batch too. */
  durability: 'process' | 'power';
  /** Fraction of the lease time within which a renewal is answered from the stored lease (0: never). */
  cacheThreshold: number;
  /** Global options (lowest precedence: reservation > class > subnet > global). */
  options: CompiledOption[];
  /** Client classes in config order; a client may be in several, a later class overriding an earlier one. */
  classes: ClientClassConfig[];
  subnets: SubnetConfig[];
}

/**
 * Network-boot settings of one scope; null means "not set here" (a less specific scope's
 * value, if any, applies). nextServer goes in siaddr, bootFile in the file field (option 67 when
 * longer than the field), serverHostname in sname (option 66 when longer).
 */
export interface BootSettings {
  nextServer: number | null;
  bootFile: string | null;
  serverHostname: string | null;
}

/** What a client must send to be in a class; every key given must match (null: not tested). */
export interface ClassMatch {
  /** Glob (`*`, `?`) over option 60 as text, e.g. "PXEClient:Arch:00000*". */
  vendorClass: string | null;
  /** Glob over option 77: its whole text, or any one RFC 3004 user class in it. */
  userClass: string | null;
  /** One of the architecture types in option 93 (RFC 4578: 0 BIOS, 7 x64 UEFI, ...). */
  clientArch: number | null;
  /** Glob over the MAC "aa:bb:cc:dd:ee:ff", e.g. "b8:27:eb:*". */
  mac: string | null;
  /** Glob over the host name the client sends (option 12), case-insensitive. */
  hostname: string | null;
}

export interface ClientClassConfig extends BootSettings {
  name: string;
  match: ClassMatch;
  options: CompiledOption[];
}

export interface PoolConfig {
  /** Inclusive range. */
  start: number;
  end: number;
}

export interface ReservationConfig {
  /** Normalised "aa:bb:cc:dd:ee:ff" (lower case); null when the reservation is by client-id. */
  mac: string | null;
  /** Client identifier (option 61, type octet included) as lower-case hex; null when by MAC. */
  clientId: string | null;
  ip: number;
  hostname: string | null;
  /** Options for this client only (highest precedence). */
  options: CompiledOption[];
  nextServer: number | null;
  bootFile: string | null;
  serverHostname: string | null;
}

export interface SubnetConfig extends BootSettings {
  /** Text form as written ("10.123.0.0/24"); used as the subnet's identity. */
  id: string;
  cidr: Cidr;
  pools: PoolConfig[];
  routers: number[];
  dnsServers: number[];
  domainName: string | null;
  ntpServers: number[];
  /** Seconds; overrides dhcp.leaseTime for this subnet when set. */
  leaseTime: number | null;
  /**
   * The subnet's `options` list, sorted by code. The shorthands above (routers, dnsServers,
   * domainName, ntpServers) are options 3, 6, 15, 42 of the same scope; the schema refuses a
   * code set both ways.
   */
  options: CompiledOption[];
  reservations: ReservationConfig[];
}

export interface HypervisorConfig {
  bridge: string;
  /** When set ("10.123.0.1/24"), the daemon creates the bridge with this address if missing. */
  bridgeAddress: string | null;
  accel: 'auto' | 'kvm' | 'tcg';
  /** Absolute folders VMs may boot from. */
  imageDirs: string[];
  /** The user QEMU runs as after start-up. */
  runAs: string;
  allocationRatio: { vcpu: number; memory: number; disk: number };
  reserved: { vcpus: number; memoryMib: number; diskGib: number };
}
