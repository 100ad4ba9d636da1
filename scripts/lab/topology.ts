// Building the lab's links with iproute2. Every link is created straight inside its namespaces
// (`ip link add ... netns A type veth peer ... netns B`), so nothing ever appears in the host's
// own network namespace, and deleting the namespaces deletes the links.
import { ip } from './command.ts';

export interface LabSubnet {
  index: number;
  /** Interface of the server namespace on this subnet: the bridge, or the veth end. */
  serverInterface: string;
  /** Server's address here ("10.123.0.1"), or null when it has none. */
  serverAddress: string | null;
  /** Prefix length of serverAddress, or null. */
  prefix: number | null;
  /** Clients join a bridge (any number) or the subnet is one veth pair (one client). */
  bridged: boolean;
}

export interface LabClient {
  namespace: string;
  /** The client's interface inside its namespace: up, no address (DHCP gives it one). */
  interface: string;
  subnet: number;
  /** The other end of the client's veth pair in the server namespace. */
  serverPeer: string;
}

export interface LabRelay {
  namespace: string;
  subnet: number;
  /** Link toward the server; bind relay probes here (replies to the giaddrs arrive on it). */
  interface: string;
  /** Relay's own address on the served subnet ("10.123.0.2"). */
  address: string;
  /**
   * Bridge that carries the giaddrs: the relay's side of the relayed client networks. It has
   * no ports; a bridge rather than a dummy device because the dummy module cannot always be
   * loaded (it cannot on our test machines).
   */
  downlink: string;
  /** Addresses of the relay in the relayed subnets, without prefix ("10.124.0.1"). */
  giaddrs: string[];
}

export async function addNamespace(name: string): Promise<void> {
  await ip(['netns', 'add', name]);
  await ip(['-n', name, 'link', 'set', 'lo', 'up']);
}

/** A bridge in the server namespace, up, with the server's address when given. */
export async function addBridge(ns: string, bridge: string, cidr: string | null): Promise<void> {
  await ip(['-n', ns, 'link', 'add', bridge, 'type', 'bridge']);
  if (cidr !== null) await ip(['-n', ns, 'addr', 'add', cidr, 'dev', bridge]);
  await ip(['-n', ns, 'link', 'set', bridge, 'up']);
}

export interface VethEnd {
  ns: string;
  name: string;
}

/** A veth pair between two namespaces, both ends up. */
export async function addVethPair(a: VethEnd, b: VethEnd): Promise<void> {
  await ip(['link', 'add', a.name, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.name, 'netns', b.ns]);
  await ip(['-n', a.ns, 'link', 'set', a.name, 'up']);
  await ip(['-n', b.ns, 'link', 'set', b.name, 'up']);
}

export async function joinBridge(ns: string, port: string, bridge: string): Promise<void> {
  await ip(['-n', ns, 'link', 'set', port, 'master', bridge]);
}

export async function addAddress(ns: string, dev: string, cidr: string): Promise<void> {
  await ip(['-n', ns, 'addr', 'add', cidr, 'dev', dev]);
}

export async function addRoute(ns: string, destination: string, via: string): Promise<void> {
  await ip(['-n', ns, 'route', 'add', destination, 'via', via]);
}
