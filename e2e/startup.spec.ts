// A dashboard started before its daemon (as `npm start` may do while the daemon is still
// opening its database) says the daemon is unreachable, then fills in and goes live by itself
// once the daemon's socket and token file appear.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { FakeDaemon } from './fixtures/fake-daemon.ts';

let dir: string;
let dashboard: Dashboard | undefined;
let daemon: FakeDaemon | undefined;

test.afterEach(async () => {
  await dashboard?.stop();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the page waits for the daemon and recovers without a reload', async ({ page }) => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  dashboard = await startDashboard({ target: `unix:${join(dir, 'grpc.sock')}`, tokenFile: join(dir, 'grpc.token') });
  await page.goto(`${dashboard.url}/leases`);
  const alert = page.getByTestId('daemon-unavailable');
  await expect(alert).toContainText('The Homeplane daemon is not reachable.');
  await expect(alert).toContainText(`${join(dir, 'grpc.token')} does not exist yet`);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  daemon = await FakeDaemon.start(dir);
  daemon.change('lease.granted', { address: '10.123.0.100', hostname: 'early-bird' });
  await expect(page.locator('tr[data-address="10.123.0.100"]')).toContainText('early-bird');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  daemon.change('lease.granted', { address: '10.123.0.101' });
  await expect(page.locator('tr[data-address="10.123.0.101"]')).toBeVisible();
  await expect(alert).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
});
