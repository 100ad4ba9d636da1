// Building replies: the header copied from the request (RFC 2131 4.3.1, table 3), the options the
// client asked for (option 55), echoes of option 61 (RFC 6842) and 82 (RFC 3046), and the
// destination rules of RFC 2131 4.1.
import { BOOTREPLY, FLAG_BROADCAST, MessageType, type DhcpOptions, type Packet } from './codec/types.ts';
import { emptyOptions } from './codec/index.ts';
import type { Destination } from './outcome.ts';
import type { Subnet } from './subnet.ts';
import type { ReservationConfig } from '../config/types.ts';
import type { EffectiveOptions } from './option-plan.ts';

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

/**
 * Puts the client's options on a reply: the subnet mask always, and each option of the merged
 * scopes (see option-plan.ts) the client asks for in its parameter request list, or marked
 * `always`; everything when it sends no list. Then the boot settings: siaddr, file and sname
 * (options 67 and 66 instead when the text is longer than the field).
 */
export function addConfigOptions(
  reply: Packet,
  request: Packet,
  subnet: Subnet,
  effective: EffectiveOptions,
  reservation: ReservationConfig | undefined,
): void {
  const options = reply.options;
  const prl = request.options.parameterRequestList;
  options.subnetMask = subnet.mask; // always: clients need it to use the address at all
  for (const planned of effective.options) {
    if (prl === undefined || planned.option.always || prl.includes(planned.option.code)) planned.apply(options);
  }
  if (reservation?.hostname && prl?.includes(12) && options.hostName === undefined) {
    options.hostName = reservation.hostname;
  }
  if (effective.nextServer !== null) reply.siaddr = effective.nextServer;
  if (effective.bootFile !== null) {
    if (effective.bootFile.length <= FILE_FIELD) reply.file = effective.bootFile;
    else if (!options.other.has(OPTION_BOOT_FILE)) options.other.set(OPTION_BOOT_FILE, ascii(effective.bootFile));
  }
  if (effective.serverHostname !== null) {
    if (effective.serverHostname.length <= SNAME_FIELD) reply.sname = effective.serverHostname;
    else if (!options.other.has(OPTION_SERVER_NAME))
      options.other.set(OPTION_SERVER_NAME, ascii(effective.serverHostname));
  }
}

const FILE_FIELD = 128;
const SNAME_FIELD = 64;
const OPTION_SERVER_NAME = 66;
const OPTION_BOOT_FILE = 67;

/** Boot texts are printable ASCII (config/boot.ts); their bytes, made once per reply that needs them. */
function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
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
