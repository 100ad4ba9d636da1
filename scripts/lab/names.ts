// Names of a lab's namespaces and interfaces. Interface names must fit IFNAMSIZ (15
// characters); every name starts with the lab id, so parallel labs never collide and a
// leftover is easy to spot (`ip netns list | grep ^hp`).
import { randomBytes } from 'node:crypto';

export const IFNAME_MAX = 15;

/** "hp" + 5 random base-36 characters: 60 million ids, 7 characters. */
export function newLabId(): string {
  const digits = randomBytes(5);
  let suffix = '';
  for (const byte of digits) suffix += (byte % 36).toString(36);
  return `hp${suffix}`;
}

export class LabNames {
  constructor(
    readonly id: string,
    /** Optional readable tag for namespace names (netns names may be long; interfaces not). */
    private readonly tag: string | null,
  ) {}

  private namespace(role: string): string {
    return this.tag === null ? `${this.id}-${role}` : `${this.id}-${this.tag}-${role}`;
  }

  serverNamespace(): string {
    return this.namespace('srv');
  }
  clientNamespace(client: number): string {
    return this.namespace(`c${client}`);
  }
  relayNamespace(): string {
    return this.namespace('rly');
  }

  /** Bridge of subnet `subnet` in the server namespace. */
  bridge(subnet: number): string {
    return this.ifname(`b${subnet}`);
  }
  /** Server end of a subnet that is a single veth pair (no bridge). */
  directServerEnd(subnet: number): string {
    return this.ifname(`v${subnet}`);
  }
  /** Server end (bridge port) of a client's veth pair. */
  clientPort(client: number): string {
    return this.ifname(`s${client}`);
  }
  /** Client end of a client's veth pair, inside the client namespace. */
  clientInterface(client: number): string {
    return this.ifname(`c${client}`);
  }
  relayPort(): string {
    return this.ifname('rs');
  }
  relayUplink(): string {
    return this.ifname('r0');
  }
  /** Bridge in the relay namespace carrying the giaddrs of the relayed subnets. */
  relayDownlink(): string {
    return this.ifname('d0');
  }

  private ifname(role: string): string {
    const name = `${this.id}${role}`;
    if (name.length > IFNAME_MAX) throw new Error(`interface name ${name} is longer than ${IFNAME_MAX}`);
    return name;
  }
}

/** Keeps a user's tag to what is safe in a path and short enough to read: [a-z0-9-], 16 max. */
export function labTag(name: string | undefined): string | null {
  if (name === undefined) return null;
  const tag = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 16);
  return tag.length > 0 ? tag : null;
}
