// The Overview against the real daemon: a udhcpc client's lease shows up in the counts, the pool
// bar and the activity chart of the open page without a reload; the theme toggle sticks and
// "System" follows the browser's setting live; and a daemon without a dhcp section says why on
// the Overview, in its own words.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { expect, test, type Page } from '@playwright/test';
import { stringify } from 'yaml';
import { GetStatusRequest, StatusServiceClient, type GetStatusResponse } from '../proto/gen/homeplane/v1/status.ts';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab, stopChild } from '../scripts/lab/lab.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { createAdmin, signIn } from './fixtures/session.ts';
import { Udhcpc } from './fixtures/udhcpc.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

interface Endpoint {
  grpc: string;
  tokenFile: string;
}

/** Where the API and its token are for a config, as `npm start` asks. */
function endpointOf(configFile: string): Endpoint {
  return JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', configFile], { encoding: 'utf8' }),
  ) as Endpoint;
}

/** A screenshot beside screenshots.spec.ts's, for a state that spec does not reach. */
async function shot(page: Page, name: string): Promise<void> {
  const path = `test-results/screenshots/${name}`;
  await page.screenshot({ path, fullPage: true });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

test.describe('with DHCP serving a lab', () => {
  test.describe.configure({ mode: 'serial' });

  let dir: string;
  let lab: Lab;
  let daemon: LabDaemon;
  let dashboard: Dashboard;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
    lab = await Lab.create({ name: 'ov', subnets: [{ clients: 1 }] });
    daemon = await LabDaemon.start(
      lab,
      (dataDir) => ({ ...labConfig(lab, dataDir), grpc: { listen: `unix:${join(dir, 'grpc.sock')}` } }),
      { dir },
    );
    const endpoint = endpointOf(daemon.configFile);
    dashboard = await startDashboard({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
    await createAdmin({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  });

  test.afterAll(async () => {
    await dashboard?.stop();
    await daemon?.dispose();
    await lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a client lease shows in the counts, the pool bar and the activity chart without a reload', async ({ page }) => {
    await signIn(page, dashboard.url);
    await page.goto(`${dashboard.url}/`);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    await expect(page.getByTestId('lease-count-active')).toHaveAttribute('data-count', '0');
    const bar = page.getByTestId('pool-bar');
    await expect(bar).toHaveAttribute('data-taken', '0');
    await expect(page.getByTestId('activity-total-granted')).toHaveAttribute('data-count', '0');
    await expect(page.getByTestId('daemon-version')).toHaveText(VERSION);
    await markDocument(page);

    const { address } = await Udhcpc.lease(lab, lab.clients[0]!, dir, { hostname: 'ov-client' });

    await expect(page.getByTestId('active-leases')).toHaveText('1 active lease');
    await expect(page.getByTestId('lease-count-active')).toHaveAttribute('data-count', '1');
    await expect(bar).toHaveAttribute('data-taken', '1');
    await expect(bar).toHaveAttribute('aria-valuetext', /1 in use, 0 declined, 99 free of 100/);
    await expect(page.getByTestId('activity-total-granted')).toHaveAttribute('data-count', '1');
    await expect(page.getByRole('img', { name: /Lease activity, last hour, per minute: 1 grant\b/ })).toBeVisible();
    const event = page.getByTestId('recent-events').locator('li[data-kind="lease.granted"]');
    await expect(event).toContainText('Lease granted');
    await expect(event).toContainText(`${address} granted to`);
    await expect(event).toContainText('(ov-client)');
    await expectSameDocument(page);

    // The day view counts the same grant in one of its 30-minute bars.
    await page.getByRole('link', { name: 'Last day' }).click();
    await expect(page).toHaveURL(/\?activity=day$/);
    await expect(page.getByRole('img', { name: /Lease activity, last day, per 30 minutes: 1 grant\b/ })).toBeVisible();
    await expect(page.getByTestId('activity-bar')).toHaveCount(48);
  });

  test('the theme toggle sticks across a reload, and System follows the browser live', async ({ page }) => {
    await signIn(page, dashboard.url);
    await page.goto(`${dashboard.url}/`);
    const html = page.locator('html');
    const system = page.getByRole('radio', { name: 'System' });
    await expect(system).toBeChecked();

    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(html).toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html).not.toHaveClass(/\bdark\b/);
    expect(await html.evaluate((el) => getComputedStyle(el).colorScheme)).toBe('light');

    // Keyboard: the group is native radios, so a focused radio moves with the arrow keys.
    await system.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();
    await expect(html).toHaveClass(/\bdark\b/);
    expect(await html.evaluate((el) => getComputedStyle(el).colorScheme)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html).toHaveClass(/\bdark\b/);

    await page.reload();
    await expect(html).toHaveClass(/\bdark\b/);
    await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();

    await page.getByRole('radio', { name: 'Light' }).check();
    await expect(html).not.toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await expect(html).not.toHaveClass(/\bdark\b/);
    await expect(page.getByRole('radio', { name: 'Light' })).toBeChecked();

    await page.getByRole('radio', { name: 'System' }).check();
    await expect(html).toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html).not.toHaveClass(/\bdark\b/);
    await page.reload();
    await expect(system).toBeChecked();
    await expect(html).not.toHaveClass(/\bdark\b/);
  });

  test('the class is right in the first paint: the head script sets it before the page renders', async ({ page }) => {
    await signIn(page, dashboard.url);
    await page.evaluate(() => localStorage.setItem('homeplane-theme', 'dark'));
    // Record <html>'s class when the body first appears, before any React code has run.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.body) return;
        (window as unknown as { classAtBody: string }).classAtBody = document.documentElement.className;
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${dashboard.url}/`);
    expect(await page.evaluate(() => (window as unknown as { classAtBody?: string }).classAtBody)).toMatch(/\bdark\b/);
  });

  test('a lost stream shows the reconnecting banner with the last update, and it goes once the daemon is back', async ({
    page,
  }) => {
    await signIn(page, dashboard.url);
    await page.goto(`${dashboard.url}/`);
    const pill = page.getByTestId('connection-status');
    const banner = page.getByTestId('connection-banner');
    await expect(pill).toHaveAttribute('data-status', 'live');
    await expect(banner).toBeEmpty();
    await markDocument(page);

    await daemon.stop();
    await expect(pill).toHaveAttribute('data-status', 'reconnecting');
    await expect(banner).toContainText('Lost the connection to the daemon; reconnecting…');
    await expect(banner).toContainText(/Last update \d\d:\d\d:\d\d \(\d+ s ago\)/);
    await shot(page, 'overview-reconnecting-desktop-light.png');

    await daemon.launch();
    await expect(pill).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
    await expect(banner).toBeEmpty();
    await expectSameDocument(page);
  });
});

test.describe('with DHCP off', () => {
  let dir: string;
  let daemon: ChildProcess | undefined;
  let dashboard: Dashboard | undefined;
  let endpoint: Endpoint;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
    const configFile = join(dir, 'homeplane.yaml');
    // No dhcp section: the daemon serves the API only (config/schema.ts: absent means off).
    writeFileSync(
      configFile,
      stringify({
        dataDir: join(dir, 'data'),
        hypervisor: { accel: 'tcg' },
        grpc: { listen: `unix:${join(dir, 'grpc.sock')}` },
      }),
    );
    daemon = spawn(process.execPath, [HOMEPLANE, 'serve', '--config', configFile], { stdio: 'ignore' });
    endpoint = endpointOf(configFile);
    const deadline = Date.now() + 20_000;
    while (!existsSync(endpoint.tokenFile) || !existsSync(join(dir, 'grpc.sock'))) {
      if (Date.now() > deadline) throw new Error('the DHCP-less daemon did not write its token and socket in 20 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    dashboard = await startDashboard({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
    await createAdmin({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  });

  test.afterAll(async () => {
    await dashboard?.stop();
    if (daemon) await stopChild(daemon, 10_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the Overview says DHCP is off, in the daemon’s words, instead of "no leases yet"', async ({ page }) => {
    const status = await getStatus(endpoint);
    expect(status.dhcp?.serving).toBe(false);
    const reason = status.dhcp?.disabledReason ?? '';
    expect(reason).not.toBe('');

    await signIn(page, dashboard!.url);
    await page.goto(`${dashboard!.url}/`);
    await expect(page.getByTestId('dhcp-banner')).toContainText('DHCP is off');
    await expect(page.getByTestId('dhcp-banner')).toContainText(reason);
    const notice = page.getByTestId('lease-counts').getByTestId('dhcp-notice');
    await expect(notice).toContainText('No leases while DHCP is off.');
    await expect(notice).toContainText(reason);
    await expect(page.getByTestId('lease-counts')).not.toContainText('No leases yet');
    await expect(page.getByTestId('daemon-dhcp')).toHaveAttribute('data-serving', 'false');
    await shot(page, 'overview-dhcp-off-desktop-light.png');
    // The notice is on every signed-in page, not only the Overview.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Leases' }).click();
    await expect(page).toHaveURL(/\/leases$/);
    await expect(page.getByTestId('dhcp-banner')).toContainText(reason);
  });
});

/** StatusService.GetStatus, straight from the daemon, to compare the page's words with. */
async function getStatus(endpoint: Endpoint): Promise<GetStatusResponse> {
  const client = new StatusServiceClient(endpoint.grpc, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${readFileSync(endpoint.tokenFile, 'utf8').trim()}`);
  try {
    return await new Promise((resolve, reject) =>
      client.getStatus(GetStatusRequest.fromPartial({}), metadata, { deadline: Date.now() + 10_000 }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    );
  } finally {
    client.close();
  }
}
