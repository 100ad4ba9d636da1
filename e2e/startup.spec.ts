// A dashboard started before its daemon (as `npm start` may do while the daemon is still
// opening its database) says the daemon is unreachable, then carries on by itself once the
// daemon's socket and token file appear: a first visitor is on the sign-in page (no session can
// exist yet), which turns into first-run setup without a reload, and from there into the live
// Leases page. The real daemon, without DHCP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ApiDaemon } from './fixtures/api-daemon.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { ADMIN } from './fixtures/session.ts';

let dir: string;
let dashboard: Dashboard | undefined;
let daemon: ApiDaemon | undefined;

test.afterEach(async () => {
  await dashboard?.stop();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the page waits for the daemon and recovers without a reload', async ({ page }) => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  // Where ApiDaemon's config puts them (checked below against `homeplane endpoint`).
  const endpoint = { target: `unix:${join(dir, 'grpc.sock')}`, tokenFile: join(dir, 'data', 'grpc.token') };
  dashboard = await startDashboard(endpoint);
  await page.goto(`${dashboard.url}/leases`);
  await expect(page).toHaveURL(`${dashboard.url}/sign-in?next=%2Fleases`);
  const alert = page.getByTestId('daemon-unavailable');
  await expect(alert).toContainText('The Homeplane daemon is not reachable.');
  await expect(alert).toContainText(`${endpoint.tokenFile} does not exist yet`);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  daemon = await ApiDaemon.start(dir);
  expect({ target: daemon.target, tokenFile: daemon.tokenFile }).toEqual(endpoint);
  // The sign-in page asks again by itself; with no admin yet it hands over to first-run setup.
  await expect(page).toHaveURL(`${dashboard.url}/setup?next=%2Fleases`);
  await expect(alert).toHaveCount(0);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page).toHaveURL(`${dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
});
