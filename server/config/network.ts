// IPv4 values in a config: addresses, subnets, pools, the bridge address and the gRPC listen
// address. Addresses become unsigned 32-bit numbers, the form the allocator and codec use.
import { isIPv6 } from 'node:net';
import type { Cidr } from '../dhcp/codec/ipv4.ts';
import { broadcastOf, formatIPv4, parseAddressWithPrefix, parseIPv4, prefixToMask } from '../dhcp/codec/ipv4.ts';
import type { PoolConfig } from './types.ts';
import { asText, invalid, valid, type Parsed } from './field.ts';
import { dnsNameFault } from './names.ts';

const ADDRESS_HINT = 'write four numbers 0-255 separated by dots, e.g. 10.123.0.1';

/** Smallest and largest subnet a DHCP server hands addresses out of here. */
export const MIN_SUBNET_PREFIX = 8;
export const MAX_SUBNET_PREFIX = 30;

export function parseAddress(input: unknown): Parsed<number> {
  const text = asText(input, '10.123.0.1');
  if (!text.ok) return text;
  const address = parseIPv4(text.value.trim());
  if (address === null) return invalid(`"${text.value}" is not an IPv4 address; ${ADDRESS_HINT}`);
  return valid(address);
}

/** "10.123.0.0/24": the network address with host bits zero, prefix 8-30. */
export function parseSubnet(input: unknown): Parsed<Cidr> {
  const text = asText(input, '10.123.0.0/24');
  if (!text.ok) return text;
  const written = text.value.trim();
  const parts = parseAddressWithPrefix(written);
  if (parts === null) {
    return invalid(`"${written}" is not a subnet; write network/prefix, e.g. 10.123.0.0/24`);
  }
  const { address, prefix } = parts;
  if (prefix < MIN_SUBNET_PREFIX || prefix > MAX_SUBNET_PREFIX) {
    return invalid(
      `prefix /${prefix} is outside /${MIN_SUBNET_PREFIX}-/${MAX_SUBNET_PREFIX}; ` +
        'a DHCP subnet needs a network address, a broadcast address and hosts, and at most 16M addresses',
    );
  }
  const network = (address & prefixToMask(prefix)) >>> 0;
  if (network !== address) {
    return invalid(`"${written}" has host bits set; write the network address, e.g. ${formatIPv4(network)}/${prefix}`);
  }
  return valid({ network, prefix });
}

/** "10.0.0.100-10.0.0.199" (inclusive) or a CIDR block such as "10.0.0.128/26". */
export function parsePool(input: unknown): Parsed<PoolConfig> {
  const text = asText(input, '"10.123.0.100-10.123.0.199"');
  if (!text.ok) return text;
  const written = text.value.trim();
  const hint = 'write a range such as "10.123.0.100-10.123.0.199" or a block such as "10.123.0.128/26"';
  if (written.includes('/')) {
    const parts = parseAddressWithPrefix(written);
    if (parts === null) return invalid(`"${written}" is not a pool; ${hint}`);
    const network = (parts.address & prefixToMask(parts.prefix)) >>> 0;
    if (network !== parts.address) {
      return invalid(`"${written}" has host bits set; write ${formatIPv4(network)}/${parts.prefix} or a range`);
    }
    return valid({ start: network, end: broadcastOf({ network, prefix: parts.prefix }) });
  }
  const [startText, endText, ...rest] = written.split('-');
  const start = parseIPv4((startText ?? '').trim());
  const end = parseIPv4((endText ?? '').trim());
  if (rest.length > 0 || start === null || end === null) return invalid(`"${written}" is not a pool; ${hint}`);
  if (start > end) {
    return invalid(`"${written}" starts after it ends; write the lower address first`);
  }
  return valid({ start, end });
}

/** The bridge's own address with its prefix, "10.123.0.1/24": a host address, not the network. */
export function parseBridgeAddress(input: unknown): Parsed<string> {
  const text = asText(input, '"10.123.0.1/24"');
  if (!text.ok) return text;
  const written = text.value.trim();
  const parts = parseAddressWithPrefix(written);
  if (parts === null || parts.prefix < 1) {
    return invalid(`"${written}" is not an address with a prefix; write e.g. "10.123.0.1/24"`);
  }
  const { address, prefix } = parts;
  // /31 and /32 have no network or broadcast address to avoid (RFC 3021).
  if (prefix <= 30) {
    const cidr = { network: (address & prefixToMask(prefix)) >>> 0, prefix };
    if (address === cidr.network || address === broadcastOf(cidr)) {
      const which = address === cidr.network ? 'network' : 'broadcast';
      return invalid(
        `"${written}" is the ${which} address; give the bridge a host address such as ` +
          `${formatIPv4(cidr.network + 1)}/${prefix}`,
      );
    }
  }
  return valid(`${formatIPv4(address)}/${prefix}`);
}

/**
 * gRPC listen address as grpc-js takes it: "host:port" (IPv4, [IPv6] or a host name, port 0-65535)
 * or "unix:/path/to.sock". Relative unix paths are resolved later, against the config's folder.
 */
export function parseListen(input: unknown): Parsed<string> {
  const text = asText(input, '127.0.0.1:50051');
  if (!text.ok) return text;
  const written = text.value.trim();
  const hint = 'write host:port such as 127.0.0.1:50051 or [::1]:50051, or unix:/path/to.sock';
  if (written.startsWith('unix:')) {
    if (written.length === 'unix:'.length) return invalid(`"${written}" names no socket path; ${hint}`);
    return valid(written);
  }
  return hostPort(written, hint);
}

/** metrics.listen: host:port only (Prometheus scrapes over TCP). */
export function parseMetricsListen(input: unknown): Parsed<string> {
  const text = asText(input, '127.0.0.1:9478');
  if (!text.ok) return text;
  const written = text.value.trim();
  const hint = 'write host:port such as 127.0.0.1:9478 or [::1]:9478';
  if (written.startsWith('unix:')) return invalid(`"${written}" is a unix socket; Prometheus scrapes TCP: ${hint}`);
  return hostPort(written, hint);
}

function hostPort(written: string, hint: string): Parsed<string> {
  const colon = written.lastIndexOf(':');
  if (colon <= 0) return invalid(`"${written}" has no port; ${hint}`);
  const host = written.slice(0, colon);
  const portText = written.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return invalid(`port "${portText}" is not a number 0-65535; ${hint}`);
  }
  if (!isListenHost(host)) return invalid(`host "${host}" is not an address or host name; ${hint}`);
  return valid(written);
}

function isListenHost(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1));
  if (/^[\d.]+$/.test(host)) return parseIPv4(host) !== null;
  return dnsNameFault(host) === null;
}
