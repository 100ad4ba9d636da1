// Building replies: the header copied from the request (RFC 2131 4.3.1, table 3), the options the
// client asked for (option 55), echoes of option 61 (RFC 6842) and 82 (RFC 3046), and the
// destination rules of RFC 2131 4.1.
import { BOOTREPLY, FLAG_BROADCAST, MessageType, type DhcpOptions, type Packet } from './codec/types.ts';
import { emptyOptions } from './codec/index.ts';
import type { Destination } from './outcome.ts';
import type { Subnet } from './subnet.ts';
import type { ReservationConfig } from '../config/types.ts';

const LIMITED_BROADCAST = 0xffffffff;
/** RFC 2131 2: every client must accept 576-byte IP datagrams; minus 20 IP + 8 UDP bytes. */
const DEFAULT_MAX_DHCP_MESSAGE = 576 - 28;

export function replySkeleton(request: Packet, type: MessageType, serverId: number): Packet {
  const options = emptyOptions();
  options.messageType = type;
  options.serverId = serverId;
  if (request.options.clientId) options.clientId = request.options.clientId;
  if (request.options.relayAgentInfo) options.relayAgentInfo = request.options.relayAgentInfo;
  return {
    op: BOOTREPLY,
    htype: request.htype,
    hlen: request.hlen,
    hops: 0,
    xid: request.xid,
    secs: 0,
    flags: request.flags,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    sname: '',
    file: '',
    options,
  };
}

/** Puts the subnet's configuration options on a reply, honouring the parameter request list. */
export function addConfigOptions(
  options: DhcpOptions,
  request: Packet,
  subnet: Subnet,
  reservation: ReservationConfig | undefined,
): void {
  const prl = request.options.parameterRequestList;
  const wants = (code: number): boolean => prl === undefined || prl.includes(code);
  const cfg = subnet.config;
  options.subnetMask = subnet.mask; // always: clients need it to use the address at all
  if (cfg.routers.length > 0 && wants(3)) options.routers = cfg.routers;
  if (cfg.dnsServers.length > 0 && wants(6)) options.dnsServers = cfg.dnsServers;
  if (cfg.domainName !== null && wants(15)) options.domainName = cfg.domainName;
  if (cfg.ntpServers.length > 0 && wants(42)) options.ntpServers = cfg.ntpServers;
  if (wants(28)) options.broadcastAddress = subnet.broadcast;
  if (reservation?.hostname && prl?.includes(12)) options.hostName = reservation.hostname;
}

/** Lease time with T1 = 50% and T2 = 87.5% (RFC 2131 4.4.5 defaults). */
export function addLeaseTimes(options: DhcpOptions, seconds: number): void {
  options.leaseTime = seconds;
  options.renewalTime = Math.floor(seconds / 2);
  options.rebindingTime = Math.floor((seconds * 7) / 8);
}

/**
 * Where a reply goes (RFC 2131 4.1): to the relay when giaddr is set (a NAK then carries the
 * broadcast bit so the relay broadcasts it); a NAK otherwise to the limited broadcast; to ciaddr
 * when the client has an address; else broadcast. A unicast to yiaddr would need an ARP entry
 * for a client that has no address yet; broadcasting is always allowed by 4.1 and is what we do.
 */
export function destinationOf(request: Packet, reply: Packet, serverPort: number): Destination {
  const clientPort = serverPort + 1;
  const isNak = reply.options.messageType === MessageType.Nak;
  if (request.giaddr !== 0) {
    if (isNak) reply.flags |= FLAG_BROADCAST;
    return { address: request.giaddr, port: serverPort };
  }
  if (isNak) return { address: LIMITED_BROADCAST, port: clientPort };
  if (request.ciaddr !== 0) return { address: request.ciaddr, port: clientPort };
  return { address: LIMITED_BROADCAST, port: clientPort };
}

/** The size our reply may take: option 57 minus IP/UDP headers, never below the RFC minimum. */
export function maxMessageSizeOf(request: Packet): number {
  const asked = request.options.maxMessageSize;
  if (asked === undefined) return DEFAULT_MAX_DHCP_MESSAGE;
  return Math.max(DEFAULT_MAX_DHCP_MESSAGE, asked - 28);
}
