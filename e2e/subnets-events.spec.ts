// The Subnets and Events pages against the real daemon in a lab, with a real udhcpc client:
// pool usage follows a lease without a reload; a new reservation's event appears on the open
// Events page and links to the reservation; the kind filter lives in the URL. Then screenshots of
// the Reservations, Subnets and Events pages, light and dark, desktop and phone width, with a
// check that a phone never scrolls the whole page sideways.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { expect, test, type Page } from '@playwright/test';
import {
  CreateReservationRequest,
  ReservationServiceClient,
  type Reservation,
} from '../proto/gen/homeplane/v1/reservation.ts';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
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
        {},
        { reservations: [{ mac: '52:54:00:00:0e:01', ip: `${base}.10`, hostname: 'nas' }] },
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

/** ReservationService.CreateReservation straight to the daemon, as another operator would. */
async function createReservation(reservation: Partial<Reservation>): Promise<Reservation> {
  const service = new ReservationServiceClient(endpoint.grpc, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${readFileSync(endpoint.tokenFile, 'utf8').trim()}`);
  try {
    return await new Promise((resolve, reject) =>
      service.createReservation(CreateReservationRequest.fromPartial({ reservation }), metadata, (err, response) =>
        err ? reject(err) : resolve(response.reservation!),
      ),
    );
  } finally {
    service.close();
  }
}

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

test('the events page lists the history, shows a new reservation live, and links to it', async ({ page }) => {
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/events`);
  const list = page.getByRole('list', { name: 'Events, newest first' });
  // History (EventService.ListEvents): the grant of the previous test.
  await expect(list.locator('li[data-kind="lease.granted"]').first()).toContainText('granted to');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await markDocument(page);

  const made = await createReservation({ address: `${base}.30`, mac: '52:54:00:00:0e:02', hostname: 'camera' });
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

const PAGES = ['reservations', 'subnets', 'events'] as const;
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

for (const scheme of ['light', 'dark'] as const)
  for (const [device, viewport] of Object.entries(VIEWPORTS))
    test(`screenshots, ${scheme}, ${device}`, async ({ page }, info) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      await signIn(page, dashboard.url);
      for (const name of PAGES) {
        await page.goto(`${dashboard.url}/${name}`);
        await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
        // The first rows, not the empty state, in the picture.
        if (name === 'events') await expect(page.getByTestId('event-list')).toBeVisible();
        if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
        const path = info.outputPath(`${name}-${scheme}-${device}.png`);
        await page.screenshot({ path, fullPage: true });
        await info.attach(`${name}-${scheme}-${device}`, { path, contentType: 'image/png' });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} scrolls sideways by ${overflow} px at ${viewport.width} px`).toBeLessThanOrEqual(0);
      }
    });
