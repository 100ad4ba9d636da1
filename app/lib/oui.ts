// The vendor of a MAC address, from the IEEE registry as the offline package oui-data ships it
// (node_modules/oui-data/index.json: 5.6 MB, keyed by the upper-case hex prefix: 6 digits for an
// MA-L block, 7 for MA-M, 9 for MA-S; each value is the organisation's name and postal address,
// one per line). For the server only (it reads the file system, so a client bundle that pulled it
// in would fail to build; no 'server-only' mark so the node tests of lease-row and watch-frames
// can load it): the table never goes to the browser, only the name a lease row carries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The longest prefix first: an MA-S block (9 digits) sits inside an MA-L one (6). */
const PREFIX_LENGTHS = [9, 7, 6] as const;

/**
 * Prefix -> organisation name. Read on the first lookup, not at import, and kept for the life of
 * the process: a read-only table, the one module-level cache this file holds (parsing the JSON
 * takes ~50 ms, too much for every lease event).
 */
let registry: Map<string, string> | null = null;

function load(): Map<string, string> {
  // The package is JSON, not code: read from node_modules beside the app (`next start` and the
  // tests run in the repository root) rather than imported, so no bundler inlines it.
  const file = join(process.cwd(), 'node_modules', 'oui-data', 'index.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const names = new Map<string, string>();
  for (const [prefix, entry] of Object.entries(raw)) names.set(prefix, entry.split('\n', 1)[0]!.trim());
  return names;
}

/** The 12 upper-case hex digits of a MAC in any notation, or null when it is not one. */
export function macDigits(mac: string): string | null {
  const digits = mac.replace(/[\s:.-]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(digits) ? digits : null;
}

/**
 * A locally administered MAC (bit 1 of the first octet, IEEE 802 clause 8.2) is not from any
 * vendor's block: virtual machines (52:54:00, QEMU's default), containers, randomized Wi-Fi.
 */
export function isLocallyAdministered(digits: string): boolean {
  return (parseInt(digits.slice(0, 2), 16) & 0x02) !== 0;
}

/** The organisation the MAC's block is registered to, or '' when the registry has none. */
export function vendorOf(mac: string): string {
  const digits = macDigits(mac);
  if (digits === null || isLocallyAdministered(digits)) return '';
  registry ??= load();
  for (const length of PREFIX_LENGTHS) {
    const name = registry.get(digits.slice(0, length));
    if (name !== undefined) return name;
  }
  return '';
}
