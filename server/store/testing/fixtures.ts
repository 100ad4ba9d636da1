// Shared by the store's tests, its crash-test child and the store benchmark: a throwaway data
// folder and leases built from an address.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lease } from '../../dhcp/lease.ts';

export interface ScratchDir {
  path: string;
  /** The database file inside it (the folder "data" is not created yet: openSqlite makes it). */
  databaseFile: string;
  remove(): void;
}

export function makeScratchDir(): ScratchDir {
  const path = mkdtempSync(join(tmpdir(), 'homeplane-store-'));
  return {
    path,
    databaseFile: join(path, 'data', 'homeplane.sqlite'),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** 10.123.0.0 as a uint32, the base of the test addresses. */
export const labBase = 0x0a7b0000;

export function makeLease(address: number, overrides: Partial<Lease> = {}): Lease {
  const mac = macFor(address);
  return {
    address,
    subnetId: '10.123.0.0/16',
    clientKey: `hw:${mac}`,
    hwAddress: mac,
    clientId: null,
    hostname: null,
    fqdn: null,
    state: 'active',
    startsAt: 1_700_000_000_000,
    expiresAt: 1_700_003_600_000,
    ...overrides,
  };
}

/** A locally administered MAC (52:54:00, QEMU's prefix) derived from the address. */
function macFor(address: number): string {
  const tail = [(address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff];
  return ['52', '54', '00', ...tail.map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
