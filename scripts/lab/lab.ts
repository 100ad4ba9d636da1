// Network-namespace labs for integration tests and benchmarks. A lab is a server namespace
// with one interface per subnet (a bridge carrying the server's address, like the br0 a user
// serves, or a plain veth end), client namespaces on veth pairs with no address (DHCP gives
// them one), and optionally a relay namespace that owns giaddrs of other subnets (RFC 2131
// section 4.1, RFC 1542) and is routed from the server. Everything is made by `ip`, named after
// a random lab id, and removed by destroy() or, failing that, when the process ends.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { formatCidr, formatIPv4, parseAddressWithPrefix, prefixToMask } from '../../server/dhcp/codec/ipv4.ts';
import { ip, ipSync, LabError, runCommand, type ExecOptions, type ExecResult } from './command.ts';
import { onProcessEnd } from './exit-cleanup.ts';
import { labTag, LabNames, newLabId } from './names.ts';
import {
  addAddress,
  addBridge,
  addNamespace,
  addRoute,
  addVethPair,
  joinBridge,
  type LabClient,
  type LabRelay,
  type LabSubnet,
} from './topology.ts';

export { LabError, type ExecOptions, type ExecResult } from './command.ts';
export type { LabClient, LabRelay, LabSubnet } from './topology.ts';

export interface LabSubnetOptions {
  /** Server's address with prefix ("10.123.0.1/24"); null for none. Default 10.(123+i).0.1/24. */
  serverAddress?: string | null;
  /** Client namespaces to create at once; default 1. */
  clients?: number;
  /** Clients join a bridge (default), or the subnet is a single veth pair to one client. */
  bridge?: boolean;
}

export interface LabRelayOptions {
  /** Index of the subnet the relay sits on; default 0. It must be bridged. */
  subnet?: number;
  /** Relay's own address on that subnet, with prefix ("10.123.0.2/24"). */
  address: string;
  /**
   * Relay addresses in the subnets it relays for ("10.124.0.1/24"): the giaddrs. The server
   * namespace gets a route to each of those subnets via the relay's address.
   */
  giaddrs?: string[];
}

export interface LabOptions {
  /** Readable tag put in namespace names, e.g. the test's name. */
  name?: string;
  /** Default: one bridged subnet 10.123.0.1/24 with one client. */
  subnets?: LabSubnetOptions[];
  relay?: LabRelayOptions;
}

export interface LabSpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
}

const STOP_GRACE_MS = 1_000;

export class Lab {
  readonly id: string;
  readonly serverNamespace: string;
  private readonly subnetList: LabSubnet[] = [];
  private readonly clientList: LabClient[] = [];
  private relayInfo: LabRelay | null = null;
  private readonly namespaceList: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private nextClient = 1;
  private destroying: Promise<void> | null = null;
  private readonly forgetExitCleanup: () => void;

  private constructor(private readonly names: LabNames) {
    this.id = names.id;
    this.serverNamespace = names.serverNamespace();
    this.forgetExitCleanup = onProcessEnd(() => this.destroyNow());
  }

  /** Builds a lab; on any failure removes what was built and rethrows. */
  static async create(opts: LabOptions = {}): Promise<Lab> {
    const lab = new Lab(new LabNames(newLabId(), labTag(opts.name)));
    try {
      await lab.build(opts);
      return lab;
    } catch (err) {
      await lab.destroy();
      throw err;
    }
  }

  get subnets(): readonly LabSubnet[] {
    return this.subnetList;
  }
  get clients(): readonly LabClient[] {
    return this.clientList;
  }
  get relay(): LabRelay | null {
    return this.relayInfo;
  }
  /** Every namespace of the lab: server, clients, relay. */
  get namespaces(): readonly string[] {
    return this.namespaceList;
  }

  /** Runs a command inside one of the lab's namespaces and waits for it (default timeout 10 s). */
  exec(ns: string, command: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    this.checkNamespace(ns);
    return runCommand('ip', ['netns', 'exec', ns, command, ...args], opts);
  }

  /** Starts a long-running command in a namespace; destroy() stops it if it is still running. */
  spawn(ns: string, command: string, args: readonly string[] = [], opts: LabSpawnOptions = {}): ChildProcess {
    this.checkNamespace(ns);
    // `ip netns exec` execs the command in place (no fork), so the child's pid is the command's.
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: opts.stdio ?? 'pipe',
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.once('error', () => this.children.delete(child));
    return child;
  }

  /** Adds a client namespace on subnet `subnet` (a bridged subnet takes any number). */
  async addClient(subnet = 0): Promise<LabClient> {
    const target = this.subnetList[subnet];
    if (target === undefined) throw new LabError(`lab ${this.id} has no subnet ${subnet}`);
    if (!target.bridged && this.clientList.some((c) => c.subnet === subnet)) {
      throw new LabError(`subnet ${subnet} of lab ${this.id} is a single veth pair and has its client`);
    }
    const n = this.nextClient++;
    const ns = this.names.clientNamespace(n);
    await this.addNamespace(ns);
    const end = { ns, name: this.names.clientInterface(n) };
    const serverPeer = target.bridged ? this.names.clientPort(n) : target.serverInterface;
    if (target.bridged) {
      await addVethPair({ ns: this.serverNamespace, name: serverPeer }, end);
      await joinBridge(this.serverNamespace, serverPeer, target.serverInterface);
    } else {
      await addVethPair({ ns: this.serverNamespace, name: target.serverInterface }, end);
      if (target.serverAddress !== null) {
        await addAddress(this.serverNamespace, target.serverInterface, `${target.serverAddress}/${target.prefix}`);
      }
    }
    const client: LabClient = { namespace: ns, interface: end.name, subnet, serverPeer };
    this.clientList.push(client);
    return client;
  }

  /** Stops the lab's processes and deletes its namespaces (and so its links). Idempotent. */
  destroy(): Promise<void> {
    this.destroying ??= this.tearDown();
    return this.destroying;
  }

  private async build(opts: LabOptions): Promise<void> {
    await this.addNamespace(this.serverNamespace);
    const subnets = opts.subnets ?? [{}];
    for (const [index, options] of subnets.entries()) await this.addSubnet(index, options);
    for (const [index, options] of subnets.entries()) {
      for (let i = 0; i < (options.clients ?? 1); i++) await this.addClient(index);
    }
    if (opts.relay !== undefined) await this.addRelay(opts.relay);
  }

  private async addSubnet(index: number, opts: LabSubnetOptions): Promise<void> {
    const bridged = opts.bridge ?? true;
    if (!bridged && (opts.clients ?? 1) > 1) {
      throw new LabError(`subnet ${index}: a subnet without a bridge has at most one client`);
    }
    const cidr = opts.serverAddress === undefined ? `10.${123 + index}.0.1/24` : opts.serverAddress;
    const address = cidr === null ? null : parseHostCidr(cidr);
    const serverInterface = bridged ? this.names.bridge(index) : this.names.directServerEnd(index);
    if (bridged) await addBridge(this.serverNamespace, serverInterface, cidr);
    this.subnetList.push({
      index,
      serverInterface,
      serverAddress: address?.address ?? null,
      prefix: address?.prefix ?? null,
      bridged,
    });
  }

  private async addRelay(opts: LabRelayOptions): Promise<void> {
    const subnetIndex = opts.subnet ?? 0;
    const subnet = this.subnetList[subnetIndex];
    if (subnet === undefined || !subnet.bridged) {
      throw new LabError(`relay: subnet ${subnetIndex} does not exist or has no bridge to join`);
    }
    const own = parseHostCidr(opts.address);
    const giaddrs = (opts.giaddrs ?? []).map((text) => ({ text, ...parseHostCidr(text) }));
    const ns = this.names.relayNamespace();
    await this.addNamespace(ns);
    const uplink = this.names.relayUplink();
    await addVethPair({ ns: this.serverNamespace, name: this.names.relayPort() }, { ns, name: uplink });
    await joinBridge(this.serverNamespace, this.names.relayPort(), subnet.serverInterface);
    await addAddress(ns, uplink, opts.address);
    if (subnet.serverAddress !== null) await addRoute(ns, 'default', subnet.serverAddress);
    const downlink = this.names.relayDownlink();
    await addBridge(ns, downlink, null);
    for (const giaddr of giaddrs) {
      await addAddress(ns, downlink, giaddr.text);
      // Replies to a giaddr go back through the relay (RFC 2131 section 4.1).
      await addRoute(this.serverNamespace, giaddr.network, own.address);
    }
    this.relayInfo = {
      namespace: ns,
      subnet: subnetIndex,
      interface: uplink,
      address: own.address,
      downlink,
      giaddrs: giaddrs.map((g) => g.address),
    };
  }

  private async addNamespace(ns: string): Promise<void> {
    this.namespaceList.push(ns); // recorded first: a half-made namespace must be deleted too
    try {
      await addNamespace(ns);
    } catch (err) {
      throw new LabError(`${(err as Error).message} (network labs need root: CAP_SYS_ADMIN and CAP_NET_ADMIN)`);
    }
  }

  private checkNamespace(ns: string): void {
    if (!this.namespaceList.includes(ns)) {
      throw new LabError(`"${ns}" is not a namespace of lab ${this.id} (${this.namespaceList.join(', ')})`);
    }
    if (this.destroying !== null) throw new LabError(`lab ${this.id} is destroyed`);
  }

  private async tearDown(): Promise<void> {
    this.forgetExitCleanup();
    await Promise.all([...this.children].map(stopChild));
    for (const ns of [...this.namespaceList].reverse()) {
      killProcesses(await ip(['netns', 'pids', ns]).catch(() => ''));
      await ip(['netns', 'del', ns]).catch(() => {}); // absent already: nothing to do
    }
  }

  /** The synchronous teardown used when the process is ending. */
  private destroyNow(): void {
    for (const child of this.children) child.kill('SIGKILL');
    for (const ns of this.namespaceList) {
      killProcesses(ipSync(['netns', 'pids', ns]));
      ipSync(['netns', 'del', ns]);
    }
  }
}

export function createLab(opts: LabOptions = {}): Promise<Lab> {
  return Lab.create(opts);
}

/** Runs `fn` with a fresh lab and destroys the lab however `fn` ends. */
export async function withLab<T>(fn: (lab: Lab) => Promise<T>): Promise<T>;
export async function withLab<T>(opts: LabOptions, fn: (lab: Lab) => Promise<T>): Promise<T>;
export async function withLab<T>(
  first: LabOptions | ((lab: Lab) => Promise<T>),
  second?: (lab: Lab) => Promise<T>,
): Promise<T> {
  const [opts, fn] = typeof first === 'function' ? [{}, first] : [first, second];
  if (fn === undefined) throw new TypeError('withLab needs a function');
  const lab = await createLab(opts);
  try {
    return await fn(lab);
  } finally {
    await lab.destroy();
  }
}

/** SIGTERM, then SIGKILL if it is still running after a grace period. */
export function stopChild(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Kills the pids `ip netns pids` listed for a lab namespace. Processes still inside it (daemons
 * that forked away from the command a test ran) would keep it alive after `ip netns del`; they
 * are the lab's own.
 */
function killProcesses(pidList: string): void {
  for (const pid of pidList.split('\n').filter(Boolean).map(Number)) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

interface HostCidr {
  address: string;
  prefix: number;
  /** "10.124.0.0/24" */
  network: string;
}

/** "10.123.0.1/24": an interface address with its prefix (host bits set, unlike a subnet). */
function parseHostCidr(text: string): HostCidr {
  const parsed = parseAddressWithPrefix(text);
  if (parsed === null) throw new LabError(`"${text}" is not an address with a prefix, like 10.123.0.1/24`);
  const { address, prefix } = parsed;
  return {
    address: formatIPv4(address),
    prefix,
    network: formatCidr({ network: (address & prefixToMask(prefix)) >>> 0, prefix }),
  };
}
