// The lab both servers are measured in, and the equivalent configs that make the comparison
// fair: same subnet, same pool, same lease time, same options, leases kept on disk by each.
//
// The served network is a /12, not a /24: every perfdhcp exchange is a new client, so a step of
// 12,000 DORA/s for 10 s takes 120,000 addresses. The relay's own address lies in that network:
// it is the giaddr perfdhcp sends, and the server picks the subnet from it (RFC 2131 4.3.1).
import type { LabOptions } from '../lab/lab.ts';
import type { PerfdhcpStep } from './dhcp-perfdhcp.ts';

export const BENCH_SERVER_ADDRESS = '10.64.0.1';
export const BENCH_RELAY_ADDRESS = '10.64.0.2';
export const BENCH_SUBNET = '10.64.0.0/12';
/** About 983,000 addresses, all beyond the server's and relay's own. */
export const BENCH_POOL = { first: '10.65.0.1', last: '10.79.255.254' };
export const BENCH_LEASE_SECONDS = 3600;

export function benchLabOptions(name: string): LabOptions {
  return {
    name,
    subnets: [{ serverAddress: `${BENCH_SERVER_ADDRESS}/12`, clients: 0 }],
    relay: { address: `${BENCH_RELAY_ADDRESS}/12` },
  };
}

export type Durability = 'process' | 'power';

/**
 * A perfdhcp step where every exchange is a new client: twice the exchanges the step can start,
 * so no MAC repeats and each one allocates a fresh lease.
 */
export function newClientsStep(rate: number, seconds: number, baseMac?: string): PerfdhcpStep {
  const step: PerfdhcpStep = {
    rate,
    seconds,
    clients: Math.max(2 * rate * seconds, 1000),
    server: BENCH_SERVER_ADDRESS,
    localAddress: BENCH_RELAY_ADDRESS,
  };
  return baseMac === undefined ? step : { ...step, baseMac };
}

/**
 * Homeplane's config (the YAML shape) for the lab's bridge. `grpcListen` moves its gRPC API
 * (e.g. to a unix socket, which processes outside the lab's namespaces can reach); without it
 * the API listens where the config's default says, inside the server namespace.
 */
export function homeplaneBenchConfig(
  serverInterface: string,
  dataDir: string,
  durability: Durability,
  grpcListen?: string,
  withOptions = false,
): Record<string, unknown> {
  return {
    dataDir,
    ...(grpcListen === undefined ? {} : { grpc: { listen: grpcListen } }),
    // info, not the lab's usual debug: the bench measures serving, not logging.
    log: { level: 'info' },
    // No KVM probe (seconds where /dev/kvm exists but hangs): the bench runs no VMs.
    hypervisor: { accel: 'tcg' },
    dhcp: {
      interfaces: [serverInterface],
      leaseTime: BENCH_LEASE_SECONDS,
      durability,
      subnets: [
        {
          subnet: BENCH_SUBNET,
          pools: [`${BENCH_POOL.first}-${BENCH_POOL.last}`],
          routers: [BENCH_SERVER_ADDRESS],
          dnsServers: [BENCH_SERVER_ADDRESS],
          domainName: 'lab.home',
          ...(withOptions ? { options: BENCH_OPTIONS, nextServer: BENCH_SERVER_ADDRESS, bootFile: 'pxelinux.0' } : {}),
        },
      ],
      ...(withOptions ? { classes: BENCH_CLASSES } : {}),
    },
  };
}

/**
 * `npm run bench -- --options`: ten options on the subnet, all sent to every client (always:
 * true, so each reply carries them whatever perfdhcp asks for), and three classes, the last
 * matching every perfdhcp MAC (00:0c:...), so each request is classified and answered from a
 * class's merged set.
 */
export const BENCH_OPTIONS = [
  { name: 'time-offset', data: '3600', always: true },
  { name: 'log-servers', data: '10.64.0.7', always: true },
  { name: 'interface-mtu', data: '9000', always: true },
  { name: 'ntp-servers', data: '10.64.0.1, 10.64.0.2', always: true },
  { name: 'vendor-encapsulated-options', data: '01:04:0a:40:00:05', always: true },
  { name: 'netbios-name-servers', data: '10.64.0.8', always: true },
  { name: 'tftp-server-name', data: 'tftp.lab.home', always: true },
  { name: 'domain-search', data: 'lab.home, home.arpa', always: true },
  { name: 'classless-static-route', data: '10.200.0.0/16 - 10.64.0.254, 0.0.0.0/0 - 10.64.0.1', always: true },
  { code: 252, type: 'string', data: 'http://wpad.lab.home/wpad.dat', always: true },
];

export const BENCH_CLASSES = [
  { name: 'pxe-bios', match: { vendorClass: 'PXEClient:Arch:00000*' }, bootFile: 'undionly.kpxe' },
  { name: 'ipxe', match: { userClass: 'iPXE' }, bootFile: 'http://10.64.0.1/boot.ipxe' },
  {
    name: 'perfdhcp',
    match: { mac: '00:0c:*' },
    bootFile: 'perf.efi',
    options: [{ name: 'ntp-servers', data: '10.64.0.3', always: true }],
  },
];

/**
 * Kea's equivalent: memfile backend writing every lease to a CSV file (Kea's default durability,
 * comparable to Homeplane's 'process': it survives a crash of the server, not of the machine),
 * lease file cleanup off so it does not run mid-step. UDP sockets, as Homeplane uses: relayed
 * traffic needs no raw sockets. Single-threaded (Kea 2.2's default, like the Node daemon) unless
 * asked for. Kea leaves its socket's receive buffer at the kernel default (net.core.rmem_default),
 * where Homeplane asks for 1 MiB: the bench raises that default to Homeplane's size for its run
 * (udp-drops.ts), so Kea's socket, and perfdhcp's, get the same buffer.
 */
export function keaBenchConfig(
  serverInterface: string,
  leaseFile: string,
  multiThreaded = false,
): Record<string, unknown> {
  return {
    Dhcp4: {
      // Kea 2.2 can also read packets on one thread and answer on a pool of them (off by default).
      'multi-threading': multiThreaded
        ? { 'enable-multi-threading': true, 'thread-pool-size': 2, 'packet-queue-size': 64 }
        : { 'enable-multi-threading': false },
      'interfaces-config': { interfaces: [serverInterface], 'dhcp-socket-type': 'udp' },
      'lease-database': { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 },
      'valid-lifetime': BENCH_LEASE_SECONDS,
      subnet4: [
        {
          id: 1,
          subnet: BENCH_SUBNET,
          pools: [{ pool: `${BENCH_POOL.first} - ${BENCH_POOL.last}` }],
          'option-data': [
            { name: 'routers', data: BENCH_SERVER_ADDRESS },
            { name: 'domain-name-servers', data: BENCH_SERVER_ADDRESS },
            { name: 'domain-name', data: 'lab.home' },
          ],
        },
      ],
      // WARN: Kea logs every allocated lease at INFO, which would measure its logging.
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
    },
  };
}
