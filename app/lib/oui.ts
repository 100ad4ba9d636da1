// The vendor of a MAC address, from the IEEE registry as the offline package oui-data ships it
// (node_modules/oui-data/index.json: 5.6 MB, keyed by the upper-case hex prefix: 6 digits for an
// MA-L block, 7 for MA-M, 9 for MA-S; each value is the organisation's name and postal address,
// joined by "\n"). For the server only (it reads the file system, so a client bundle that pulled
// it in would fail to build; no 'server-only' mark so the node tests of lease-row and
// watch-frames can load it): the table never goes to the browser, only the name a row carries.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The longest prefix first: an MA-S block (9 digits) sits inside an MA-L one (6). */
const PREFIX_LENGTHS = [9, 7, 6] as const;
/** Registry lines indexed per turn of the event loop when loading in the background. */
const LINES_PER_TURN = 2_000;
/** The start of one entry as the package writes it: ` "B827EB": "Raspberry Pi Foundation\n...",`. */
const ENTRY = /^\s*"([0-9A-F]{6,9})": "/;

/**
 * Prefix -> organisation name, filled on first use and kept for the life of the process: a
 * read-only table, the one process-wide cache this file holds. It sits on globalThis (as the
 * gRPC channel does, backend.ts) because Next may load this module once per route bundle, and
 * the page, /api/leases and the event relay should share one copy. JSON.parse of the whole file
 * blocks for ~0.4-0.8 s here, so loadVendors() reads it asynchronously and indexes it a few
 * thousand lines per turn; only a lookup before any load has begun reads it at once.
 */
const store = globalThis as unknown as {
  homeplaneOui?: { registry: Map<string, string> | null; loading: Promise<void> | null };
};
function state(): { registry: Map<string, string> | null; loading: Promise<void> | null } {
  store.homeplaneOui ??= { registry: null, loading: null };
  return store.homeplaneOui;
}

function registryFile(): string {
  // The package is data, not code: read from node_modules beside the app (`next start` and the
  // tests run in the repository root) rather than imported, so no bundler inlines it.
  return join(process.cwd(), 'node_modules', 'oui-data', 'index.json');
}

/**
 * Indexes the entries of `text` from `from` for up to `count` lines; returns where it stopped
 * (text.length at the end). Scans by position, so no 5.6 MB split blocks the loop.
 */
function index(names: Map<string, string>, text: string, from: number, count: number): number {
  let pos = from;
  for (let n = 0; n < count && pos < text.length; n++) {
    const eol = text.indexOf('\n', pos);
    const line = text.slice(pos, eol < 0 ? text.length : eol);
    pos = eol < 0 ? text.length : eol + 1;
    const entry = ENTRY.exec(line);
    if (entry === null) continue;
    // The name is the value up to its first escaped newline (the address follows it).
    const start = entry[0].length;
    const newline = line.indexOf('\\n', start);
    const raw = line.slice(start, newline >= 0 ? newline : line.lastIndexOf('"'));
    // Other escapes (\" or \uXXXX) are rare: decode only the names that have one.
    names.set(entry[1]!, (raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw).trim());
  }
  return pos;
}

/** Reads and indexes the registry without blocking the server; resolves once lookups can use it. */
export function loadVendors(): Promise<void> {
  const held = state();
  held.loading ??= (async () => {
    const text = await readFile(registryFile(), 'utf8');
    const names = new Map<string, string>();
    for (let pos = 0; pos < text.length;) {
      pos = index(names, text, pos, LINES_PER_TURN);
      await nextTurn();
    }
    held.registry ??= names;
  })();
  return held.loading;
}

function loadNow(): Map<string, string> {
  const text = readFileSync(registryFile(), 'utf8');
  const names = new Map<string, string>();
  index(names, text, 0, Infinity);
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

/**
 * The organisation the MAC's block is registered to, or '' when the registry has none. While a
 * background load (loadVendors) is under way it answers '' rather than block; before any load
 * it reads the registry at once.
 */
export function vendorOf(mac: string): string {
  const digits = macDigits(mac);
  if (digits === null || isLocallyAdministered(digits)) return '';
  const held = state();
  if (held.registry === null) {
    if (held.loading !== null) return '';
    held.registry = loadNow();
  }
  for (const length of PREFIX_LENGTHS) {
    const name = held.registry.get(digits.slice(0, length));
    if (name !== undefined) return name;
  }
  return '';
}
