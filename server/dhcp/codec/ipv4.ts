// IPv4 addresses as unsigned 32-bit numbers: the form every hot-path structure uses
// (allocator, lease indexes, codec). Strings appear only at the edges (config, logs, API).

/** Parses dotted-quad text; returns null for anything that is not exactly four octets 0-255. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Netmask for a prefix length: 24 -> 0xffffff00. */
export function prefixToMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export interface Cidr {
  network: number;
  prefix: number;
}

/** Parses "a.b.c.d/len" (any address, prefix 0-32); null for anything else. */
export function parseAddressWithPrefix(text: string): { address: number; prefix: number } | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === null || !/^\d{1,2}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= 32 ? { address, prefix } : null;
}

/** Parses "10.0.0.0/24". Host bits must be zero; returns null otherwise. */
export function parseCidr(text: string): Cidr | null {
  const parsed = parseAddressWithPrefix(text);
  if (parsed === null || (parsed.address & ~prefixToMask(parsed.prefix)) >>> 0 !== 0) return null;
  return { network: parsed.address, prefix: parsed.prefix };
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & prefixToMask(cidr.prefix)) >>> 0 === cidr.network;
}

export function broadcastOf(cidr: Cidr): number {
  return (cidr.network | ~prefixToMask(cidr.prefix)) >>> 0;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefix}`;
}
