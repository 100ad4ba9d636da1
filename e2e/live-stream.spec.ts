// The Leases page's stream handling in the browser, against a fake daemon (e2e/fixtures) whose
// Watch can be ended and whose log can be compacted on cue: resume after a dropped stream,
// rebuild after a Reset, client-side filtering. leases.spec.ts does the same path end to end
// with the real daemon and a real DHCP client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LeaseState } from '../proto/gen/homeplane/v1/lease.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { FakeDaemon } from './fixtures/fake-daemon.ts';

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

/** Opens the page and marks the document, so a reload (which would drop the mark) is caught. */
async function openLeases(page: Page): Promise<void> {
  await page.goto(`${dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
}

async function expectNoReload(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
}

test('the page lists the leases and adds a new one as it is granted', async ({ page }) => {
  daemon.change('lease.granted', { address: '10.123.0.100', hostname: 'nas', hwAddress: '52:54:00:aa:bb:cc' });
  await openLeases(page);
  await expect(row(page, '10.123.0.100')).toContainText('nas');
  await expect(row(page, '10.123.0.100')).toContainText('52:54:00:aa:bb:cc');

  daemon.change('lease.granted', { address: '10.123.0.150', hostname: 'printer' });
  await expect(row(page, '10.123.0.150')).toHaveAttribute('data-state', 'active');
  daemon.change('lease.released', { address: '10.123.0.100', state: LeaseState.LEASE_STATE_RELEASED });
  await expect(row(page, '10.123.0.100')).toHaveAttribute('data-state', 'released');
  await expect(row(page, '10.123.0.100')).toContainText('Released');
  await expectNoReload(page);
});

test('after the daemon ends the stream the page resumes from its last revision', async ({ page }) => {
  daemon.change('lease.granted', { address: '10.123.0.100' });
  await openLeases(page);
  daemon.change('lease.granted', { address: '10.123.0.101' });
  await expect(row(page, '10.123.0.101')).toBeVisible();
  const reconnect = page.waitForRequest((request) => request.url().includes('/api/events'));
  daemon.endWatches();
  // Committed while no watch is open: the resumed stream must replay it.
  daemon.change('lease.granted', { address: '10.123.0.102', hostname: 'missed-while-away' });
  // The EventSource reconnects by itself, telling the relay the last revision it got.
  expect((await (await reconnect).allHeaders())['last-event-id']).toBe('2');
  await expect(row(page, '10.123.0.102')).toContainText('missed-while-away');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  daemon.change('lease.granted', { address: '10.123.0.103' });
  await expect(row(page, '10.123.0.103')).toBeVisible();
  await expect(page.locator('tbody tr')).toHaveCount(4);
  await expectNoReload(page);
});

test('a Reset rebuilds the table from the snapshot', async ({ page }) => {
  daemon.change('lease.granted', { address: '10.123.0.100' });
  daemon.change('lease.granted', { address: '10.123.0.101' });
  await openLeases(page);
  await expect(page.locator('tbody tr')).toHaveCount(2);
  daemon.endWatches();
  // The page's revision falls out of the log, and one lease goes without an event of its own.
  daemon.change('lease.granted', { address: '10.123.0.102', hostname: 'after-reset' });
  daemon.forget('10.123.0.100');
  daemon.compact();
  await expect(row(page, '10.123.0.102')).toContainText('after-reset');
  await expect(row(page, '10.123.0.100')).toHaveCount(0);
  await expect(page.locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  daemon.change('lease.granted', { address: '10.123.0.103' });
  await expect(row(page, '10.123.0.103')).toBeVisible();
  await expectNoReload(page);
});

test('the filter narrows the table by text and by state', async ({ page }) => {
  daemon.change('lease.granted', { address: '10.123.0.100', hostname: 'nas' });
  daemon.change('lease.granted', { address: '10.123.0.101', hostname: 'laptop', hwAddress: '52:54:00:12:34:56' });
  daemon.change('lease.released', { address: '10.123.0.100', state: LeaseState.LEASE_STATE_RELEASED });
  await openLeases(page);
  await page.getByLabel('Filter leases').fill('12:34');
  await expect(page.locator('tbody tr[data-address]')).toHaveCount(1);
  await expect(row(page, '10.123.0.101')).toBeVisible();
  await page.getByLabel('Filter leases').fill('');
  await page.getByRole('button', { name: /^Released/ }).click();
  await expect(page.locator('tbody tr[data-address]')).toHaveCount(1);
  await expect(row(page, '10.123.0.100')).toBeVisible();
  // A live change that leaves the filter shows up, one that enters it too.
  daemon.change('lease.released', { address: '10.123.0.101', state: LeaseState.LEASE_STATE_RELEASED });
  await expect(page.locator('tbody tr[data-address]')).toHaveCount(2);
});

test('the relay cancels the Watch when the tab goes away', async ({ page }) => {
  await openLeases(page);
  await expect.poll(() => daemon.watcherCount).toBe(1);
  await page.close();
  await expect.poll(() => daemon.watcherCount).toBe(0);
});

test('streams that the browser drops at once leave no watcher behind', async ({ page }) => {
  await openLeases(page);
  // Close EventSources at every moment of the relay's set-up, the first ones before it has even
  // opened its Watch.
  await page.evaluate(async () => {
    const closing: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      const source = new EventSource('/api/events?since=0&kinds=lease');
      closing.push(new Promise((resolve) => setTimeout(() => resolve(source.close()), i * 3)));
    }
    await Promise.all(closing);
  });
  await page.close();
  await expect.poll(() => daemon.watcherCount, { timeout: 10_000 }).toBe(0);
});
