// The whole loop with real peers: a DHCP client in a lab namespace gets a lease from the real
// daemon (scripts/lab/daemon.ts), the lease is committed with its event, Watch streams it, the
// dashboard's relay turns it into SSE, and the open Leases page shows it without a reload.
//
// The daemon runs inside the lab's server namespace and the dashboard in the root namespace, so
// the gRPC API listens on a unix socket, which both reach through the file system.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { macOf, Udhcpc } from './fixtures/udhcpc.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;

test.describe.configure({ mode: 'serial' });

let dir: string;
let lab: Lab;
let daemon: LabDaemon;
let dashboard: Dashboard;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  lab = await Lab.create({ name: 'e2e', subnets: [{ clients: 2 }] });
  daemon = await LabDaemon.start(
    lab,
    (dataDir) => ({ ...labConfig(lab, dataDir), grpc: { listen: `unix:${join(dir, 'grpc.sock')}` } }),
    { dir },
  );
  // Exactly what `npm start` does: ask the CLI where the API and its token are for this config.
  const endpoint = JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', daemon.configFile], { encoding: 'utf8' }),
  ) as {
    grpc: string;
    tokenFile: string;
  };
  dashboard = await startDashboard({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
});

test.afterAll(async () => {
  await dashboard?.stop();
  await daemon?.dispose();
  await lab?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (page: Page, address: string) => page.locator(`tr[data-address="${address}"]`);

async function openLeases(page: Page): Promise<void> {
  await page.goto(`${dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  // A reload would start a new document without this mark.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

test('a real client lease appears on the open page, then its release, without a reload', async ({ page }) => {
  const client = lab.clients[0]!;
  await openLeases(page);

  const { udhcpc, address } = await Udhcpc.lease(lab, client, dir, { hostname: 'e2e-client' });
  const leased = row(page, address);
  await expect(leased).toHaveAttribute('data-state', 'active');
  await expect(leased).toContainText('e2e-client');
  await expect(leased).toContainText(await macOf(lab, client));
  await expect(leased).toContainText('Active');
  await expectSameDocument(page);

  await udhcpc.release();
  await expect(leased).toHaveAttribute('data-state', 'released');
  await expect(leased).toContainText('Released');
  await expectSameDocument(page);
});

test('the page follows the daemon across a restart and shows leases granted after it', async ({ page }) => {
  await openLeases(page);
  await daemon.stop();
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'reconnecting');
  await daemon.launch();
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');

  const { address } = await Udhcpc.lease(lab, lab.clients[1]!, dir, { hostname: 'after-restart' });
  await expect(row(page, address)).toHaveAttribute('data-state', 'active');
  await expect(row(page, address)).toContainText('after-restart');
  await expectSameDocument(page);
});
