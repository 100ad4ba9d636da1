// The DHCPv4 options Homeplane knows by name: Kea's names (kea-dhcp4 "option-data") and value
// types, so a Kea user can paste entries. Codes not listed are written with `code` and `type`.
// Codes the server sets itself (message type, lease times, server identifier, ...) are refused
// with the reason, so a config cannot contradict what the engine decides.
import type { OptionType } from './types.ts';

export interface OptionDefinition {
  code: number;
  name: string;
  type: OptionType;
}

// prettier-ignore
const DEFINITIONS: readonly OptionDefinition[] = [
  { code: 2, name: 'time-offset', type: 'int32' },
  { code: 3, name: 'routers', type: 'ips' },
  { code: 4, name: 'time-servers', type: 'ips' },
  { code: 5, name: 'name-servers', type: 'ips' },
  { code: 6, name: 'domain-name-servers', type: 'ips' },
  { code: 7, name: 'log-servers', type: 'ips' },
  { code: 8, name: 'cookie-servers', type: 'ips' },
  { code: 9, name: 'lpr-servers', type: 'ips' },
  { code: 10, name: 'impress-servers', type: 'ips' },
  { code: 11, name: 'resource-location-servers', type: 'ips' },
  { code: 12, name: 'host-name', type: 'string' },
  { code: 13, name: 'boot-size', type: 'uint16' },
  { code: 14, name: 'merit-dump', type: 'string' },
  // RFC 2132 3.17: NVT ASCII text (the codec reads it as text), checked as a domain name.
  { code: 15, name: 'domain-name', type: 'string' },
  { code: 16, name: 'swap-server', type: 'ip' },
  { code: 17, name: 'root-path', type: 'string' },
  { code: 18, name: 'extensions-path', type: 'string' },
  { code: 19, name: 'ip-forwarding', type: 'bool' },
  { code: 20, name: 'non-local-source-routing', type: 'bool' },
  { code: 21, name: 'policy-filter', type: 'ips' },
  { code: 22, name: 'max-dgram-reassembly', type: 'uint16' },
  { code: 23, name: 'default-ip-ttl', type: 'uint8' },
  { code: 24, name: 'path-mtu-aging-timeout', type: 'uint32' },
  { code: 26, name: 'interface-mtu', type: 'uint16' },
  { code: 27, name: 'all-subnets-local', type: 'bool' },
  { code: 28, name: 'broadcast-address', type: 'ip' },
  { code: 29, name: 'perform-mask-discovery', type: 'bool' },
  { code: 30, name: 'mask-supplier', type: 'bool' },
  { code: 31, name: 'router-discovery', type: 'bool' },
  { code: 32, name: 'router-solicitation-address', type: 'ip' },
  { code: 33, name: 'static-routes', type: 'ips' },
  { code: 34, name: 'trailer-encapsulation', type: 'bool' },
  { code: 35, name: 'arp-cache-timeout', type: 'uint32' },
  { code: 36, name: 'ieee802-3-encapsulation', type: 'bool' },
  { code: 37, name: 'default-tcp-ttl', type: 'uint8' },
  { code: 38, name: 'tcp-keepalive-interval', type: 'uint32' },
  { code: 39, name: 'tcp-keepalive-garbage', type: 'bool' },
  { code: 40, name: 'nis-domain', type: 'string' },
  { code: 41, name: 'nis-servers', type: 'ips' },
  { code: 42, name: 'ntp-servers', type: 'ips' },
  // UniFi controller discovery and other vendor data: sub-options written as hex.
  { code: 43, name: 'vendor-encapsulated-options', type: 'hex' },
  { code: 44, name: 'netbios-name-servers', type: 'ips' },
  { code: 45, name: 'netbios-dd-server', type: 'ips' },
  { code: 46, name: 'netbios-node-type', type: 'uint8' },
  { code: 47, name: 'netbios-scope', type: 'string' },
  { code: 48, name: 'font-servers', type: 'ips' },
  { code: 49, name: 'x-display-manager', type: 'ips' },
  { code: 60, name: 'vendor-class-identifier', type: 'string' },
  { code: 62, name: 'nwip-domain-name', type: 'string' },
  { code: 64, name: 'nisplus-domain-name', type: 'string' },
  { code: 65, name: 'nisplus-servers', type: 'ips' },
  { code: 66, name: 'tftp-server-name', type: 'string' },
  { code: 67, name: 'boot-file-name', type: 'string' },
  { code: 68, name: 'mobile-ip-home-agent', type: 'ips' },
  { code: 69, name: 'smtp-server', type: 'ips' },
  { code: 70, name: 'pop-server', type: 'ips' },
  { code: 71, name: 'nntp-server', type: 'ips' },
  { code: 72, name: 'www-server', type: 'ips' },
  { code: 73, name: 'finger-server', type: 'ips' },
  { code: 74, name: 'irc-server', type: 'ips' },
  { code: 75, name: 'streettalk-server', type: 'ips' },
  { code: 76, name: 'streettalk-directory-assistance-server', type: 'ips' },
  { code: 85, name: 'nds-servers', type: 'ips' },
  { code: 86, name: 'nds-tree-name', type: 'string' },
  { code: 87, name: 'nds-context', type: 'string' },
  { code: 88, name: 'bcms-controller-names', type: 'fqdns' },
  { code: 89, name: 'bcms-controller-address', type: 'ips' },
  { code: 100, name: 'pcode', type: 'string' },
  { code: 101, name: 'tcode', type: 'string' },
  { code: 108, name: 'v6-only-preferred', type: 'uint32' },
  { code: 112, name: 'netinfo-server-address', type: 'ips' },
  { code: 113, name: 'netinfo-server-tag', type: 'string' },
  { code: 114, name: 'v4-captive-portal', type: 'string' },
  { code: 116, name: 'auto-config', type: 'uint8' },
  { code: 119, name: 'domain-search', type: 'fqdns' },
  { code: 121, name: 'classless-static-route', type: 'routes' },
  { code: 136, name: 'pana-agent', type: 'ips' },
  { code: 137, name: 'v4-lost', type: 'fqdn' },
  { code: 138, name: 'capwap-ac-v4', type: 'ips' },
  { code: 141, name: 'sip-ua-cs-domains', type: 'fqdns' },
  { code: 213, name: 'v4-access-domain', type: 'fqdn' },
];

/** Codes the server sets itself, with where their value comes from instead. */
const MANAGED: ReadonlyMap<number, string> = new Map([
  [0, 'is PAD, not an option'],
  [1, 'subnet-mask is set from the subnet prefix'],
  [50, 'dhcp-requested-address is sent only by clients'],
  [51, 'dhcp-lease-time is set by leaseTime (dhcp.leaseTime or the subnet leaseTime)'],
  [52, 'dhcp-option-overload is set by the server when a reply needs it'],
  [53, 'dhcp-message-type is set by the server'],
  [54, 'dhcp-server-identifier is the address of the interface that answers'],
  [55, 'dhcp-parameter-request-list is sent only by clients'],
  [56, 'dhcp-message is set by the server'],
  [57, 'dhcp-max-message-size is sent only by clients'],
  [58, 'dhcp-renewal-time is set from the lease time (50%)'],
  [59, 'dhcp-rebinding-time is set from the lease time (87.5%)'],
  [61, 'dhcp-client-identifier is echoed from the client'],
  [81, 'fqdn (client FQDN) is handled by the server'],
  [82, 'dhcp-agent-options is echoed from the relay'],
  [255, 'is END, not an option'],
]);

/** Names people from dnsmasq or ISC dhcpd write, pointing at the Kea name (for "did you mean"). */
export const NAME_ALIASES: ReadonlyMap<string, string> = new Map([
  ['dns-server', 'domain-name-servers'],
  ['dns-servers', 'domain-name-servers'],
  ['dns', 'domain-name-servers'],
  ['router', 'routers'],
  ['gateway', 'routers'],
  ['mtu', 'interface-mtu'],
  ['ntp-server', 'ntp-servers'],
  ['bootfile-name', 'boot-file-name'],
  ['filename', 'boot-file-name'],
  ['tftp-server', 'tftp-server-name'],
  ['search', 'domain-search'],
  ['domain', 'domain-name'],
  ['classless-static-routes', 'classless-static-route'],
  ['vendor-encap', 'vendor-encapsulated-options'],
]);

const BY_CODE = new Map(DEFINITIONS.map((d) => [d.code, d]));
const BY_NAME = new Map(DEFINITIONS.map((d) => [d.name, d]));

export const OPTION_NAMES: readonly string[] = DEFINITIONS.map((d) => d.name);

export function definitionByCode(code: number): OptionDefinition | undefined {
  return BY_CODE.get(code);
}

export function definitionByName(name: string): OptionDefinition | undefined {
  return BY_NAME.get(name);
}

/** Why a code may not be configured, or null when it may. */
export function managedReason(code: number): string | null {
  return MANAGED.get(code) ?? null;
}

/** Every named option, for documentation and the dashboard. */
export function optionDefinitions(): readonly OptionDefinition[] {
  return DEFINITIONS;
}
