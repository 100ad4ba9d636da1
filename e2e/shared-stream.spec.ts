// The tabs of one browser share one event stream (app/lib/live/shared-stream.ts): the tab holding
// the Web Lock keeps the EventSource and rebroadcasts it, so eight open Leases tabs hold one
// /api/events request (one Watch on the daemon) and leave the browser's ~6 connections per host
// free for a ninth page. When the leading tab closes, another takes over from the last revision
// it saw, so a change committed in between still reaches every tab. The real daemon in a lab, its
// leases from real udhcpc clients (as leases.spec.ts); the Watch count from the daemon's StatusService.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
import { watcherCount, type Endpoint } from './fixtures/api-daemon.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { addSessionCookie, createAdmin } from './fixtures/session.ts';
import { Udhcpc } from './fixtures/udhcpc.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;
const TABS = 8;

let lab: Lab;
let dir: string;
let daemon: LabDaemon;
let endpoint: Endpoint;
let dashboard: Dashboard;
let held: Udhcpc[];

test.beforeAll(async () => {
  lab = await Lab.create({ name: 'shared', subnets: [{ clients: 3 }] });
});

test.afterAll(async () => {
  await lab?.destroy();
});

test.beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  held = [];
  daemon = await LabDaemon.start(
    lab,
    (dataDir) => ({ ...labConfig(lab, dataDir), grpc: { listen: `unix:${join(dir, 'grpc.sock')}` } }),
    { dir },
  );
  const found = JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', daemon.configFile], { encoding: 'utf8' }),
  ) as { grpc: string; tokenFile: string };
  endpoint = { target: found.grpc, tokenFile: found.tokenFile };
  await createAdmin(endpoint);
  dashboard = await startDashboard(endpoint);
});

test.afterEach(async () => {
  for (const udhcpc of held) await udhcpc.release().catch(() => {});
  await dashboard?.stop();
  await daemon?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A real lease for lab client `i`, held until the test ends. */
async function grant(i: number, hostname: string): Promise<string> {
  const { udhcpc, address } = await Udhcpc.lease(lab, lab.clients[i]!, dir, { hostname });
  held.push(udhcpc);
  return address;
}

const row = (page: Page, address: string) => page.locator(`[data-address="${address}"]`);

async function openLeases(page: Page): Promise<void> {
  await page.goto(`${dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
}

test('eight tabs share one stream and a ninth page still loads at once', async ({ context }) => {
  await addSessionCookie(context, dashboard.url, endpoint);
  const nas = await grant(0, 'nas');
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) {
    const tab = await context.newPage();
    await openLeases(tab);
    tabs.push(tab);
  }
  await expect.poll(() => watcherCount(endpoint)).toBe(1);

  // Were the tabs holding a connection each, the ninth page's request would wait for a free one,
  // which never comes (each stream stays open): it would not load at all.
  const ninth = await context.newPage();
  await ninth.goto(`${dashboard.url}/leases`, { waitUntil: 'domcontentloaded' });
  await expect(row(ninth, nas)).toContainText('nas');
  await expect(ninth.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  tabs.push(ninth);

  const laptop = await grant(1, 'laptop');
  for (const tab of tabs) await expect(row(tab, laptop)).toContainText('laptop');
  expect(await watcherCount(endpoint)).toBe(1);
});

test('when the leading tab closes another takes over and misses no change', async ({ context }) => {
  await addSessionCookie(context, dashboard.url, endpoint);
  await grant(0, 'first');
  const tabs: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const tab = await context.newPage();
    await openLeases(tab);
    tabs.push(tab);
  }
  await expect.poll(() => watcherCount(endpoint)).toBe(1);
  // The first tab took the lock; closing it ends its stream and hands the lock on.
  await tabs.shift()!.close();
  // Committed while the lock changes hands: the new leader's stream must replay it.
  const handover = await grant(1, 'while-handing-over');
  for (const tab of tabs) await expect(row(tab, handover)).toContainText('while-handing-over');
  await expect.poll(() => watcherCount(endpoint)).toBe(1);
  const after = await grant(2, 'after');
  for (const tab of tabs) {
    await expect(row(tab, after)).toContainText('after');
    await expect(tab.locator('[data-address]')).toHaveCount(3);
    await expect(tab.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  }
});
