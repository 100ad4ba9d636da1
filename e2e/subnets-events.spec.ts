// The Subnets and Events pages against the real daemon in a lab, with a real udhcpc client:
// pool usage follows a lease without a reload; the effective options (with their scope), boot
// settings and client classes of the config are shown; a new reservation's event appears on the open
// Events page and links to the reservation; the kind filter lives in the URL. Screenshots and the
// phone-width check of these pages are e2e/screenshots.spec.ts's (every page.tsx, light and dark).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
import { ApiDaemon, createReservation, deleteReservation } from './fixtures/api-daemon.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { createAdmin, signIn } from './fixtures/session.ts';
import { Udhcpc } from './fixtures/udhcpc.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;

test.describe.configure({ mode: 'serial' });

let dir: string;
let lab: Lab;
let daemon: LabDaemon;
let dashboard: Dashboard;
let endpoint: { grpc: string; tokenFile: string };
let base: string;
let client: Udhcpc | null = null;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  lab = await Lab.create({ name: 'e2e-subev', subnets: [{ clients: 1 }] });
  base = lab.subnets[0]!.serverAddress!.split('.').slice(0, 3).join('.');
  daemon = await LabDaemon.start(
    lab,
    (dataDir) => ({
      ...labConfig(
        lab,
        dataDir,
        {
          options: [{ name: 'domain-search', data: 'lab.test, home.arpa' }],
          classes: [
            { name: 'pxe-bios', match: { vendorClass: 'PXEClient:Arch:00000*' }, bootFile: 'undionly.kpxe' },
            {
              name: 'ipxe',
              match: { userClass: 'iPXE' },
              bootFile: `http://${base}.5/boot.ipxe`,
              options: [{ name: 'domain-name-servers', data: `${base}.53` }],
            },
          ],
        },
        {
          reservations: [{ mac: '52:54:00:00:0e:01', ip: `${base}.10`, hostname: 'nas' }],
          nextServer: `${base}.5`,
          bootFile: 'pxelinux.0',
          options: [
            { name: 'interface-mtu', data: '9000' },
            { name: 'classless-static-route', data: `10.200.0.0/16 - ${base}.254` },
            { code: 252, type: 'string', data: 'http://wpad.lab.test/wpad.dat', always: true },
          ],
        },
      ),
      grpc: { listen: `unix:${join(dir, 'grpc.sock')}` },
    }),
    { dir },
  );
  endpoint = JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', daemon.configFile], { encoding: 'utf8' }),
  ) as { grpc: string; tokenFile: string };
  await createAdmin({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  dashboard = await startDashboard({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
});

test.afterAll(async () => {
  await client?.release().catch(() => {});
  await dashboard?.stop();
  await daemon?.dispose();
  await lab?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const daemonEndpoint = () => ({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });

async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

test('the subnets page shows the pools, options and usage, and follows a new lease', async ({ page }) => {
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/subnets`);
  const card = page.locator(`article[data-subnet="${base}.0/24"]`);
  await expect(card).toContainText(`${base}.100 – ${base}.199`);
  await expect(card).toContainText('100 addresses');
  await expect(card).toContainText('lab.home');
  await expect(card).toContainText('1 h');
  await expect(card.getByTestId('subnet-pool-size')).toHaveText('100');
  await expect(card.getByTestId('subnet-in-use')).toHaveText('0');
  await expect(card.getByTestId('subnet-free')).toHaveText('100');
  await expect(card.getByTestId('subnet-reservations')).toHaveText('1');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await markDocument(page);

  const leased = await Udhcpc.lease(lab, lab.clients[0]!, dir, { hostname: 'laptop' });
  client = leased.udhcpc;
  await expect(card.getByTestId('subnet-in-use')).toHaveText('1');
  await expect(card.getByTestId('subnet-free')).toHaveText('99');
  await expect(card.getByRole('meter', { name: `Pool usage of ${base}.0/24` })).toHaveAttribute('aria-valuenow', '1');
  await expect(card).toContainText('1 % of the pools taken');
  await expectSameDocument(page);
});

test("the subnets page shows each subnet's effective options with their scope, its boot settings, and the classes", async ({
  page,
}) => {
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/subnets`);
  const card = page.locator(`article[data-subnet="${base}.0/24"]`);
  const boot = card.getByRole('region', { name: `Network boot in ${base}.0/24` });
  await expect(boot.getByTestId('boot-next-server')).toHaveText(`${base}.5`);
  await expect(boot.getByTestId('boot-boot-file')).toHaveText('pxelinux.0');

  const options = card.getByRole('table', { name: `Options of ${base}.0/24` });
  const option = (code: number) => options.locator(`tr[data-option-code="${code}"]`);
  // The shorthands and the subnet's own options are the subnet's; domain-search comes from the global list.
  await expect(option(3)).toContainText('routers');
  await expect(option(3)).toContainText(`${base}.1`);
  await expect(option(3).getByTestId('option-scope')).toHaveText('subnet');
  await expect(option(6)).toContainText('domain-name-servers');
  await expect(option(6).getByTestId('option-scope')).toHaveText('subnet');
  await expect(option(119)).toContainText('lab.test, home.arpa');
  await expect(option(119).getByTestId('option-scope')).toHaveText('global');
  await expect(option(26)).toContainText('9000');
  await expect(option(121)).toContainText(`10.200.0.0/16 - ${base}.254`);
  await expect(option(252)).toContainText('option 252');
  await expect(option(252)).toContainText('always');
  await expect(option(252)).toContainText('http://wpad.lab.test/wpad.dat');

  const classes = page.getByTestId('client-classes');
  const bios = classes.getByRole('listitem', { name: 'Class pxe-bios' });
  await expect(bios).toContainText('Clients with vendor class PXEClient:Arch:00000*');
  await expect(bios.getByTestId('boot-boot-file')).toHaveText('undionly.kpxe');
  const ipxe = classes.getByRole('listitem', { name: 'Class ipxe' });
  await expect(ipxe).toContainText('user class iPXE');
  await expect(ipxe.getByTestId('boot-boot-file')).toHaveText(`http://${base}.5/boot.ipxe`);
  const classOption = ipxe.getByRole('table', { name: 'Options of class ipxe' }).locator('tr[data-option-code="6"]');
  await expect(classOption).toContainText('domain-name-servers');
  await expect(classOption).toContainText(`${base}.53`);
});

test('the events page lists the history, shows a new reservation live, and links to it', async ({ page }) => {
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/events`);
  const list = page.getByRole('list', { name: 'Events, newest first' });
  // History (EventService.ListEvents): the grant of the previous test.
  await expect(list.locator('li[data-kind="lease.granted"]').first()).toContainText('granted to');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await markDocument(page);

  const made = await createReservation(daemonEndpoint(), {
    address: `${base}.30`,
    mac: '52:54:00:00:0e:02',
    hostname: 'camera',
  });
  const event = list.locator('li[data-kind="reservation.created"]');
  await expect(event).toContainText(`Reservation of ${base}.30 for 52:54:00:00:0e:02 (camera) created`);
  // Newest first.
  await expect(list.locator('li').first()).toHaveAttribute('data-kind', 'reservation.created');
  await expectSameDocument(page);

  // The filter is kept in the URL, and only that kind is listed.
  await page.getByLabel('Show').selectOption('reservation');
  await expect(page).toHaveURL(/\/events\?kind=reservation$/);
  await expect(list.locator('li[data-kind="lease.granted"]')).toHaveCount(0);
  await expect(event).toHaveCount(1);
  await page.reload();
  await expect(page.getByLabel('Show')).toHaveValue('reservation');
  await expect(event).toHaveCount(1);

  await event.getByRole('link', { name: `Reservation ${base}.30` }).click();
  await expect(page).toHaveURL(new RegExp(`/reservations#${made.id}$`));
  const target = page.locator(`tr[id="${made.id}"]`);
  await expect(target).toContainText('camera');
  expect(await target.evaluate((el) => el.matches(':target'))).toBe(true);
});

test('older events load on demand, a page at a time, to the start of the log', async ({ page }) => {
  // 110 more reservation events: more than one page (100) of the reservation filter.
  for (let i = 0; i < 55; i++) {
    const made = await createReservation(daemonEndpoint(), { address: `${base}.40`, mac: '52:54:00:00:0e:40' });
    await deleteReservation(daemonEndpoint(), made.id);
  }
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/events?kind=reservation`);
  const rows = page.getByRole('list', { name: 'Events, newest first' }).locator('li');
  await expect(rows).toHaveCount(100);
  await expect(rows.first()).toHaveAttribute('data-kind', 'reservation.deleted');
  // Scrolling to the end of the list loads the next page (the button there does the same).
  await page.getByRole('button', { name: 'Load older events' }).scrollIntoViewIfNeeded();
  // 110 + the camera's reservation.created of the test before.
  await expect(rows).toHaveCount(111);
  await expect(rows.last()).toHaveAttribute('data-kind', 'reservation.created');
  await expect(rows.last()).toContainText('camera');
  await expect(page.getByText('The start of the retained log.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load older events' })).toHaveCount(0);
});

test.describe('a daemon without DHCP', () => {
  let apiDir: string;
  let api: ApiDaemon;
  let apiDashboard: Dashboard;

  test.beforeAll(async () => {
    apiDir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-nodhcp-'));
    api = await ApiDaemon.start(apiDir);
    await createAdmin(api);
    apiDashboard = await startDashboard(api);
  });

  test.afterAll(async () => {
    await apiDashboard?.stop();
    await api?.stop();
    if (apiDir) rmSync(apiDir, { recursive: true, force: true });
  });

  test('the subnets and reservations pages say DHCP is off, in the daemon words', async ({ page }) => {
    await signIn(page, apiDashboard.url);
    await page.goto(`${apiDashboard.url}/subnets`);
    await expect(page.getByTestId('dhcp-notice')).toContainText('No subnets while DHCP is off');
    await expect(page.getByTestId('dhcp-notice')).toContainText('has no dhcp section');
    await page.goto(`${apiDashboard.url}/reservations`);
    await expect(page.getByTestId('reservations-empty')).toContainText('DHCP is off. The daemon says:');
    await expect(page.getByTestId('reservations-empty')).toContainText('has no dhcp section');
    await expect(page.getByRole('button', { name: 'New reservation' })).toBeDisabled();
  });
});
