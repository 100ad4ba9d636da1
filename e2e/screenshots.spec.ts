// Screenshots of every dashboard page, light and dark, at desktop (1280x800) and phone (390x844)
// width, against one real daemon with some data (a lab client's lease, reservations from the
// config and from the API). Saved under test-results/screenshots/ and attached to the report,
// for people to look at; what the spec asserts is that no page scrolls sideways on a phone.
//
// "Every page" is every page.tsx the app has now: a page added later is photographed without
// touching this file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { DhcpOption } from '../proto/gen/homeplane/v1/dhcp_option.ts';
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
const APP = new URL('../app/', import.meta.url).pathname;
const OUT = 'test-results/screenshots';

/** The dashboard's pages: path, and the page.tsx that makes it (a page not built yet is not listed). */
const CANDIDATES: { path: string; file: string; signedIn: boolean }[] = [
  { path: '/', file: '(dashboard)/page.tsx', signedIn: true },
  { path: '/leases', file: '(dashboard)/leases/page.tsx', signedIn: true },
  { path: '/reservations', file: '(dashboard)/reservations/page.tsx', signedIn: true },
  { path: '/subnets', file: '(dashboard)/subnets/page.tsx', signedIn: true },
  { path: '/events', file: '(dashboard)/events/page.tsx', signedIn: true },
  { path: '/settings', file: '(dashboard)/settings/page.tsx', signedIn: true },
  { path: '/sign-in', file: '(auth)/sign-in/page.tsx', signedIn: false },
];
const PAGES = CANDIDATES.filter((p) => existsSync(join(APP, p.file)));

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

// Not serial: a page that overflows fails its test, and the next viewport still gets photographed.

let dir: string;
let lab: Lab;
let daemon: LabDaemon;
let dashboard: Dashboard;
let udhcpc: Udhcpc | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  lab = await Lab.create({ name: 'shot', subnets: [{ clients: 1 }] });
  const base = lab.subnets[0]!.serverAddress!.split('.').slice(0, 3).join('.');
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
            { name: 'ipxe', match: { userClass: 'iPXE' }, bootFile: `http://${base}.5/boot.ipxe` },
          ],
        },
        {
          reservations: [{ mac: '52:54:00:12:34:56', ip: `${base}.10`, hostname: 'nas' }],
          nextServer: `${base}.5`,
          bootFile: 'pxelinux.0',
          options: [
            { name: 'interface-mtu', data: '9000' },
            { name: 'classless-static-route', data: `10.200.0.0/16 - ${base}.254, 10.201.0.0/16 - ${base}.254` },
            { code: 252, type: 'string', data: 'http://wpad.lab.test/wpad.dat', always: true },
          ],
        },
      ),
      grpc: { listen: `unix:${join(dir, 'grpc.sock')}` },
    }),
    { dir },
  );
  const endpoint = JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', daemon.configFile], { encoding: 'utf8' }),
  ) as { grpc: string; tokenFile: string };
  dashboard = await startDashboard({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  await createAdmin({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  await createReservation(endpoint, {
    mac: '52:54:00:ab:cd:ef',
    address: `${base}.20`,
    hostname: 'printer',
    options: [
      DhcpOption.fromPartial({ name: 'domain-name-servers', data: `${base}.53` }),
      DhcpOption.fromPartial({ code: 224, type: 'string', data: 'printer-profile-a' }),
    ],
    bootFile: 'printer.efi',
  });
  ({ udhcpc } = await Udhcpc.lease(lab, lab.clients[0]!, dir, { hostname: 'laptop' }));
  mkdirSync(OUT, { recursive: true });
});

test.afterAll(async () => {
  await udhcpc?.release().catch(() => {});
  await dashboard?.stop();
  await daemon?.dispose();
  await lab?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Waits until what a page draws has arrived: the stream is live and no card is still loading. */
async function settle(page: Page, signedIn: boolean): Promise<void> {
  if (signedIn) await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  // Fonts and the pill's first animation frame.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

async function shoot(browser: Browser, viewport: (typeof VIEWPORTS)[number], scheme: (typeof SCHEMES)[number]) {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    colorScheme: scheme,
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const overflow: string[] = [];
  let authed = false;
  try {
    // The sign-in page first, while this context has no session.
    for (const { path, signedIn } of [...PAGES].sort((a, b) => Number(a.signedIn) - Number(b.signedIn))) {
      if (signedIn && !authed) {
        await signIn(page, dashboard.url);
        authed = true;
      }
      await page.goto(`${dashboard.url}${path}`);
      await settle(page, signedIn);
      // The theme follows the system (no pick stored): the emulated scheme must be what is drawn.
      if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
      const name = `${path === '/' ? 'overview' : path.slice(1)}-${viewport.name}-${scheme}.png`;
      const file = join(OUT, name);
      await page.screenshot({ path: file, fullPage: true });
      await test.info().attach(name, { path: file, contentType: 'image/png' });
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      if (scrollWidth > innerWidth) overflow.push(`${path}: ${scrollWidth} px wide in a ${innerWidth} px window`);
      if (path === '/reservations') overflow.push(...(await shootDialog(page, viewport.name, scheme)));
    }
  } finally {
    await context.close();
  }
  return overflow;
}

/** The reservation form with options rows and network boot open, as an edit of "printer" shows it. */
async function shootDialog(page: Page, viewport: string, scheme: string): Promise<string[]> {
  await page.getByRole('button', { name: /^Edit reservation .* \(printer\)$/ }).click();
  const dialog = page.getByRole('dialog');
  // The options rows, where the form is new: the dialog scrolls inside itself.
  await dialog.getByRole('group', { name: 'Option 2' }).scrollIntoViewIfNeeded();
  await expect(dialog.getByRole('group', { name: 'Option 2' })).toBeInViewport();
  const name = `reservations-dialog-${viewport}-${scheme}.png`;
  const file = join(OUT, name);
  await page.screenshot({ path: file });
  await test.info().attach(name, { path: file, contentType: 'image/png' });
  // The dialog scrolls inside itself; what must not happen is a control wider than the dialog.
  const wide = await dialog.evaluate((d) => {
    const box = d.getBoundingClientRect();
    return [...d.querySelectorAll('input, select, button')]
      .filter((el) => el.getBoundingClientRect().right > box.right + 1)
      .map((el) => el.id || el.textContent || el.tagName);
  });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  return wide.map((what) => `/reservations dialog: ${what} sticks out of the dialog`);
}

for (const viewport of VIEWPORTS)
  for (const scheme of SCHEMES)
    test(`every page at ${viewport.name} width in ${scheme}`, async ({ browser }) => {
      const overflow = await shoot(browser, viewport, scheme);
      // No page-wide horizontal scroll (issue 8: "a layout that works on a phone").
      if (viewport.name === 'phone') expect(overflow, 'pages wider than the phone').toEqual([]);
    });

/** ReservationService.CreateReservation over gRPC, as the Reservations page would. */
async function createReservation(
  endpoint: { grpc: string; tokenFile: string },
  reservation: Partial<Reservation>,
): Promise<void> {
  const client = new ReservationServiceClient(endpoint.grpc, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${readFileSync(endpoint.tokenFile, 'utf8').trim()}`);
  try {
    await new Promise<void>((resolve, reject) =>
      client.createReservation(
        CreateReservationRequest.fromPartial({ reservation }),
        metadata,
        { deadline: Date.now() + 10_000 },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  } finally {
    client.close();
  }
}
