// The option catalogue: which codes the model types (DhcpOptions in types.ts), under what name, and
// with which value codec. Codes not listed here travel raw in DhcpOptions.other.

import type { DhcpOptions } from './types.ts';
import { clientFqdnValue } from './fqdn.ts';
import {
  addressListValue,
  codeListValue,
  opaqueValue,
  textValue,
  uint16Value,
  uint32Value,
  uint8Value,
  type ValueCodec,
} from './values.ts';

/** Codes with a meaning in the message format itself (RFC 2132 3.1, 3.2, 9.3). */
export const OPTION_PAD = 0;
export const OPTION_OVERLOAD = 52;
export const OPTION_MESSAGE_TYPE = 53;
export const OPTION_SERVER_ID = 54;
export const OPTION_RELAY_AGENT_INFO = 82;
export const OPTION_END = 255;

export type TypedOptionKey = Exclude<keyof DhcpOptions, 'other'>;

export interface OptionSpec<K extends TypedOptionKey> {
  readonly code: number;
  readonly name: string;
  readonly key: K;
  readonly codec: ValueCodec<NonNullable<DhcpOptions[K]>>;
}

/** Any one entry of the catalogue, with its key and value type kept together. */
export type AnyOptionSpec = { [K in TypedOptionKey]: OptionSpec<K> }[TypedOptionKey];

function spec<K extends TypedOptionKey>(
  code: number,
  name: string,
  key: K,
  codec: ValueCodec<NonNullable<DhcpOptions[K]>>,
): OptionSpec<K> {
  return { code, name, key, codec };
}

const SUBNET_MASK = spec(1, 'subnet mask', 'subnetMask', uint32Value);
const ROUTERS = spec(3, 'routers', 'routers', addressListValue);
const DNS_SERVERS = spec(6, 'domain name servers', 'dnsServers', addressListValue);
const HOST_NAME = spec(12, 'host name', 'hostName', textValue);
const DOMAIN_NAME = spec(15, 'domain name', 'domainName', textValue);
const INTERFACE_MTU = spec(26, 'interface MTU', 'interfaceMtu', uint16Value);
const BROADCAST_ADDRESS = spec(28, 'broadcast address', 'broadcastAddress', uint32Value);
const NTP_SERVERS = spec(42, 'NTP servers', 'ntpServers', addressListValue);
const REQUESTED_IP = spec(50, 'requested IP address', 'requestedIp', uint32Value);
const LEASE_TIME = spec(51, 'lease time', 'leaseTime', uint32Value);
const MESSAGE_TYPE = spec(53, 'message type', 'messageType', uint8Value);
const SERVER_ID = spec(54, 'server identifier', 'serverId', uint32Value);
const PARAMETER_REQUEST_LIST = spec(55, 'parameter request list', 'parameterRequestList', codeListValue);
const MESSAGE = spec(56, 'message', 'message', textValue);
const MAX_MESSAGE_SIZE = spec(57, 'maximum message size', 'maxMessageSize', uint16Value);
const RENEWAL_TIME = spec(58, 'renewal (T1) time', 'renewalTime', uint32Value);
const REBINDING_TIME = spec(59, 'rebinding (T2) time', 'rebindingTime', uint32Value);
const VENDOR_CLASS_ID = spec(60, 'vendor class identifier', 'vendorClassId', opaqueValue);
const CLIENT_ID = spec(61, 'client identifier', 'clientId', opaqueValue);
const CLIENT_FQDN = spec(81, 'client FQDN', 'clientFqdn', clientFqdnValue);
const RELAY_AGENT_INFO = spec(82, 'relay agent information', 'relayAgentInfo', opaqueValue);

/**
 * Wire order for encode: message type first, server identifier second (as Kea and ISC send them,
 * and some clients expect), the rest by ascending code, relay agent information last
 * (RFC 3046 2.1). Raw options from DhcpOptions.other merge into the ascending part.
 */
export const LEADING_OPTIONS: readonly AnyOptionSpec[] = [MESSAGE_TYPE, SERVER_ID];
export const ASCENDING_OPTIONS: readonly AnyOptionSpec[] = [
  SUBNET_MASK,
  ROUTERS,
  DNS_SERVERS,
  HOST_NAME,
  DOMAIN_NAME,
  INTERFACE_MTU,
  BROADCAST_ADDRESS,
  NTP_SERVERS,
  REQUESTED_IP,
  LEASE_TIME,
  PARAMETER_REQUEST_LIST,
  MESSAGE,
  MAX_MESSAGE_SIZE,
  RENEWAL_TIME,
  REBINDING_TIME,
  VENDOR_CLASS_ID,
  CLIENT_ID,
  CLIENT_FQDN,
];
export const TRAILING_OPTIONS: readonly AnyOptionSpec[] = [RELAY_AGENT_INFO];

/** The catalogue entry for a typed code, or undefined for a code kept raw. */
export function optionSpec(code: number): AnyOptionSpec | undefined {
  switch (code) {
    case 1:
      return SUBNET_MASK;
    case 3:
      return ROUTERS;
    case 6:
      return DNS_SERVERS;
    case 12:
      return HOST_NAME;
    case 15:
      return DOMAIN_NAME;
    case 26:
      return INTERFACE_MTU;
    case 28:
      return BROADCAST_ADDRESS;
    case 42:
      return NTP_SERVERS;
    case 50:
      return REQUESTED_IP;
    case 51:
      return LEASE_TIME;
    case 53:
      return MESSAGE_TYPE;
    case 54:
      return SERVER_ID;
    case 55:
      return PARAMETER_REQUEST_LIST;
    case 56:
      return MESSAGE;
    case 57:
      return MAX_MESSAGE_SIZE;
    case 58:
      return RENEWAL_TIME;
    case 59:
      return REBINDING_TIME;
    case 60:
      return VENDOR_CLASS_ID;
    case 61:
      return CLIENT_ID;
    case 81:
      return CLIENT_FQDN;
    case 82:
      return RELAY_AGENT_INFO;
    default:
      return undefined;
  }
}

/** Codes that cannot travel in DhcpOptions.other: framing codes the codec writes itself. */
export function isReservedCode(code: number): boolean {
  return code === OPTION_PAD || code === OPTION_OVERLOAD || code === OPTION_END;
}

export function emptyOptions(): DhcpOptions {
  return { other: new Map() };
}
