// A simulated DHCP client for the conformance suite: it builds the messages of RFC 2131 4.4
// (client states) with the project's codec, so each test reads as the state it exercises.
// It sends nothing itself; a Peer (conformance-peer.ts) carries the bytes.
import { randomInt } from 'node:crypto';
import {
  BOOTREQUEST,
  encode,
  emptyOptions,
  hexToBytes,
  MessageType,
  parseIPv4,
  type DhcpOptions,
  type Packet,
} from '../codec/index.ts';

/** Options a test may set on a client message; 53 comes from the message's type. */
export type ClientOptions = Partial<Omit<DhcpOptions, 'messageType' | 'other'>>;

export interface ClientMessage {
  type: MessageType;
  xid?: number;
  ciaddr?: number;
  giaddr?: number;
  flags?: number;
  hops?: number;
  options?: ClientOptions;
}

/** Client requests are at most this long here; a large limit so tests control sizes exactly. */
const REQUEST_SIZE_LIMIT = 1500;

/** Dotted-quad text to the codec's number form; a typo in a test fails loudly. */
export function ip(text: string): number {
  const value = parseIPv4(text);
  if (value === null) throw new Error(`test address "${text}" is not dotted-quad IPv4`);
  return value;
}

export class SimClient {
  readonly chaddr: Uint8Array;
  readonly clientId: Uint8Array | undefined;

  /**
   * @param mac "52:54:00:..", the chaddr
   * @param clientId option 61 as hex with its type octet ("01525400..."), sent in every message
   */
  constructor(
    readonly mac: string,
    clientId?: string,
  ) {
    this.chaddr = hexToBytes(mac);
    this.clientId = clientId === undefined ? undefined : hexToBytes(clientId);
  }

  /** Any message from this client, with a fresh xid unless one is given. */
  packet(message: ClientMessage): Packet {
    const options = emptyOptions();
    Object.assign(options, message.options ?? {});
    options.messageType = message.type;
    if (this.clientId !== undefined && options.clientId === undefined) options.clientId = this.clientId;
    return {
      op: BOOTREQUEST,
      htype: 1,
      hlen: this.chaddr.length,
      hops: message.hops ?? 0,
      xid: message.xid ?? randomInt(1, 0xffffffff),
      secs: 0,
      flags: message.flags ?? 0,
      ciaddr: message.ciaddr ?? 0,
      yiaddr: 0,
      siaddr: 0,
      giaddr: message.giaddr ?? 0,
      chaddr: this.chaddr,
      sname: '',
      file: '',
      options,
    };
  }

  bytes(message: ClientMessage): Uint8Array {
    return encode(this.packet(message), { maxMessageSize: REQUEST_SIZE_LIMIT });
  }

  discover(options: ClientOptions = {}, relay: Relayed = {}): Uint8Array {
    return this.bytes({ type: MessageType.Discover, options, ...relay });
  }

  /** SELECTING (RFC 2131 4.3.2): server id and requested address from the chosen offer. */
  select(serverId: number, address: number, options: ClientOptions = {}, relay: Relayed = {}): Uint8Array {
    return this.bytes({ type: MessageType.Request, options: { serverId, requestedIp: address, ...options }, ...relay });
  }

  /** INIT-REBOOT: option 50 only, ciaddr zero, no server id. */
  reboot(address: number, options: ClientOptions = {}, relay: Relayed = {}): Uint8Array {
    return this.bytes({ type: MessageType.Request, options: { requestedIp: address, ...options }, ...relay });
  }

  /** RENEWING (unicast) and REBINDING (broadcast) look alike on the wire: ciaddr, no 50, no 54. */
  renew(ciaddr: number, options: ClientOptions = {}): Uint8Array {
    return this.bytes({ type: MessageType.Request, ciaddr, options });
  }

  decline(address: number, serverId: number): Uint8Array {
    return this.bytes({ type: MessageType.Decline, options: { requestedIp: address, serverId } });
  }

  release(ciaddr: number, serverId: number): Uint8Array {
    return this.bytes({ type: MessageType.Release, ciaddr, options: { serverId } });
  }

  inform(ciaddr: number, options: ClientOptions = {}): Uint8Array {
    return this.bytes({ type: MessageType.Inform, ciaddr, options });
  }
}

/** Header fields a relay agent sets (RFC 2131 4.1, RFC 1542 4.1.1). */
export interface Relayed {
  giaddr?: number;
  hops?: number;
}

/** "52:54:00:c0:NN:NN": distinct MACs for the many clients of one run. */
export function labMac(n: number): string {
  const hex = (v: number): string => v.toString(16).padStart(2, '0');
  return `52:54:00:c0:${hex((n >> 8) & 0xff)}:${hex(n & 0xff)}`;
}
