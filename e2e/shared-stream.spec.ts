// The tabs of one browser share one event stream (app/lib/live/shared-stream.ts): the tab holding
// the Web Lock keeps the EventSource and rebroadcasts it, so eight open Leases tabs hold one
// /api/events request (one Watch on the fake daemon) and leave the browser's ~6 connections per
// host free for a ninth page. When the leading tab closes, another takes over from the last
// revision it saw, so a change committed in between still reaches every tab.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { FakeDaemon } from './fixtures/fake-daemon.ts';

const TABS = 8;

let dir: string;
let daemon: FakeDaemon;
let dashboard: Dashboard;

test.beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  daemon = await FakeDaemon.start(dir);
  dashboard = await startDashboard(daemon);
});

test.afterEach(async () => {
  await dashboard?.stop();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const row = (page: Page, address: string) => page.locator(`tr[data-address="${address}"]`);

async function openLeases(page: Page): Promise<void> {
  await page.goto(`${dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
}

test('eight tabs share one stream and a ninth page still loads at once', async ({ context }) => {
  daemon.change('lease.granted', { address: '10.123.0.100', hostname: 'nas' });
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) {
    const tab = await context.newPage();
    await openLeases(tab);
    tabs.push(tab);
  }
  await expect.poll(() => daemon.watcherCount).toBe(1);

  const ninth = await context.newPage();
  const started = Date.now();
  await ninth.goto(`${dashboard.url}/leases`, { timeout: 5_000 });
  await expect(row(ninth, '10.123.0.100')).toContainText('nas', { timeout: 5_000 });
  expect(Date.now() - started, 'the ninth page loads without waiting for a connection').toBeLessThan(5_000);
  await expect(ninth.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  tabs.push(ninth);

  daemon.change('lease.granted', { address: '10.123.0.101', hostname: 'laptop' });
  for (const tab of tabs) await expect(row(tab, '10.123.0.101')).toContainText('laptop');
  expect(daemon.watcherCount).toBe(1);
});

test('when the leading tab closes another takes over and misses no change', async ({ context }) => {
  daemon.change('lease.granted', { address: '10.123.0.100' });
  const tabs: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const tab = await context.newPage();
    await openLeases(tab);
    tabs.push(tab);
  }
  await expect.poll(() => daemon.watcherCount).toBe(1);
  // The first tab took the lock; closing it ends its stream and hands the lock on.
  await tabs.shift()!.close();
  // Committed while the lock changes hands: the new leader's stream must replay it.
  daemon.change('lease.granted', { address: '10.123.0.101', hostname: 'while-handing-over' });
  for (const tab of tabs) await expect(row(tab, '10.123.0.101')).toContainText('while-handing-over');
  await expect.poll(() => daemon.watcherCount).toBe(1);
  daemon.change('lease.granted', { address: '10.123.0.102', hostname: 'after' });
  for (const tab of tabs) {
    await expect(row(tab, '10.123.0.102')).toContainText('after');
    await expect(tab.locator('tbody tr')).toHaveCount(3);
    await expect(tab.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  }
});
