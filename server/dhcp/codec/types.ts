// The DHCPv4 message model (RFC 2131 section 2, RFC 2132 options). Addresses are unsigned 32-bit
// numbers (see ipv4.ts). The codec imports nothing from the rest of the project.

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;

/** Option 53 values (RFC 2132 9.6). */
export enum MessageType {
  Discover = 1,
  Offer = 2,
  Request = 3,
  Decline = 4,
  Ack = 5,
  Nak = 6,
  Release = 7,
  Inform = 8,
}

/** Flags field: the one defined bit (RFC 2131 2, figure 2). */
export const FLAG_BROADCAST = 0x8000;

/** Client FQDN option (RFC 4702). */
export interface ClientFqdn {
  /** Flags octet: S (0x01), O (0x02), E (0x04, canonical wire encoding), N (0x08). */
  flags: number;
  rcode1: number;
  rcode2: number;
  /** Domain name as text ("host.example.org", trailing dot removed when fully qualified). */
  name: string;
}

/**
 * Options, typed where RFC 2132 (and the RFCs cited) define them, raw where not.
 * Option 52 (overload) is handled inside the codec and never appears here; PAD and END neither.
 */
export interface DhcpOptions {
  subnetMask?: number; // 1
  routers?: number[]; // 3
  dnsServers?: number[]; // 6
  hostName?: string; // 12
  domainName?: string; // 15
  interfaceMtu?: number; // 26
  broadcastAddress?: number; // 28
  ntpServers?: number[]; // 42
  requestedIp?: number; // 50
  leaseTime?: number; // 51, seconds
  messageType?: MessageType; // 53
  serverId?: number; // 54
  parameterRequestList?: number[]; // 55
  message?: string; // 56
  maxMessageSize?: number; // 57
  renewalTime?: number; // 58, T1 seconds
  rebindingTime?: number; // 59, T2 seconds
  vendorClassId?: Uint8Array; // 60
  clientId?: Uint8Array; // 61 (type octet + identifier, kept whole)
  clientFqdn?: ClientFqdn; // 81
  relayAgentInfo?: Uint8Array; // 82 (sub-options kept as raw bytes: echoed verbatim, RFC 3046 2.2)
  /** Every other option, by code, with its (RFC 3396-joined) data. */
  other: Map<number, Uint8Array>;
}

export interface Packet {
  op: number; // 1 BOOTREQUEST, 2 BOOTREPLY
  htype: number; // 1 = Ethernet
  hlen: number; // <= 16
  hops: number;
  xid: number; // uint32
  secs: number;
  flags: number;
  ciaddr: number;
  yiaddr: number;
  siaddr: number;
  giaddr: number;
  /** The first hlen bytes of the 16-byte chaddr field. */
  chaddr: Uint8Array;
  /** sname and file as text up to the first NUL, when not used for options (overload). */
  sname: string;
  file: string;
  options: DhcpOptions;
}

export interface EncodeLimits {
  /**
   * Largest DHCP message (BOOTP header + options, without IP/UDP headers) the peer accepts:
   * the client's option 57 minus 28 for IP+UDP, else 576 - 28 (RFC 2131 2 / RFC 2132 9.10).
   */
  maxMessageSize?: number;
  /**
   * When the options need the file field as well (overload) but it holds the boot file name,
   * send that name as option 67 instead and give the field to the options (RFC 2132 9.5).
   */
  fileAsOption67?: boolean;
}
