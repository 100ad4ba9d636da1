// The Leases page's stream handling in the browser, against the real daemon in a lab with real
// udhcpc clients: resume after the daemon ended the stream (a restart), rebuild after a Reset
// (the page's revision compacted out of the event log), client-side filtering, and the relay
// cancelling its Watch when a tab goes (counted by the daemon's StatusService).
// leases.spec.ts does the plain grant-and-release path end to end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
import { churnReservations, watcherCount, type Endpoint } from './fixtures/api-daemon.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { openStream } from './fixtures/raw-http.ts';
import { addSessionCookie, createAdmin, sessionCookie } from './fixtures/session.ts';
import { macOf, Udhcpc } from './fixtures/udhcpc.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;
/** The smallest events.maxRows the config allows: a few thousand reservation changes compact the log. */
const MAX_ROWS = 1000;

let lab: Lab;
let dir: string;
let daemon: LabDaemon;
let endpoint: Endpoint;
let dashboard: Dashboard;
let held: Udhcpc[];

test.beforeAll(async () => {
  lab = await Lab.create({ name: 'live', subnets: [{ clients: 3 }] });
});

test.afterAll(async () => {
  await lab?.destroy();
});

test.beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  held = [];
  daemon = await LabDaemon.start(
    lab,
    (dataDir) => ({
      ...labConfig(lab, dataDir),
      grpc: { listen: `unix:${join(dir, 'grpc.sock')}` },
      events: { maxRows: MAX_ROWS },
    }),
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

/** A real lease for lab client `i`; its udhcpc is returned to release it, and released at the end anyway. */
async function grant(i: number, hostname?: string): Promise<{ address: string; udhcpc: Udhcpc }> {
  const leased = await Udhcpc.lease(lab, lab.clients[i]!, dir, hostname ? { hostname } : {});
  held.push(leased.udhcpc);
  return leased;
}

const row = (page: Page, address: string) => page.locator(`[data-address="${address}"]`);

/** Signs the page in, opens the Leases page and marks the document, so a reload (which would drop the mark) is caught. */
async function openLeases(page: Page): Promise<void> {
  await addSessionCookie(page.context(), dashboard.url, endpoint);
  await page.goto(`${dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
}

async function expectNoReload(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
}

/** Runs `sql` on the daemon's database (only while it is stopped, or read-only beside it). */
function database<T>(run: (db: Database.Database) => T, readonly = true): T {
  const db = new Database(join(daemon.dataDir, 'homeplane.db'), { readonly });
  try {
    return run(db);
  } finally {
    db.close();
  }
}

function newestLeaseRevision(): number {
  return database(
    (db) => (db.prepare("SELECT MAX(revision) AS r FROM events WHERE object_type = 'lease'").get() as { r: number }).r,
  );
}

function newestRevision(): number {
  return database((db) => (db.prepare('SELECT MAX(revision) AS r FROM events').get() as { r: number }).r);
}

function addressNumber(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

test('the page lists the leases and adds a new one as it is granted', async ({ page }) => {
  const nas = await grant(0, 'nas');
  await openLeases(page);
  await expect(row(page, nas.address)).toContainText('nas');
  await expect(row(page, nas.address)).toContainText(await macOf(lab, lab.clients[0]!));

  const printer = await grant(1, 'printer');
  await expect(row(page, printer.address)).toHaveAttribute('data-state', 'active');
  await nas.udhcpc.release();
  await expect(row(page, nas.address)).toHaveAttribute('data-state', 'released');
  await expect(row(page, nas.address)).toContainText('Released');
  await expectNoReload(page);
});

test('after the daemon ends the stream the page resumes from its last revision', async ({ page }) => {
  const first = await grant(0);
  await openLeases(page);
  const second = await grant(1);
  await expect(row(page, second.address)).toBeVisible();
  const applied = newestLeaseRevision();
  const reconnect = page.waitForRequest((request) => request.url().includes('/api/events'));
  // A restart: the daemon ends every Watch with UNAVAILABLE on its way down.
  await daemon.stop();
  await daemon.launch();
  // Committed as soon as the daemon is back, before the dashboard's stream is (it redials after
  // a back-off of a second or more): the resumed stream must replay it.
  const missed = await grant(2, 'missed-while-away');
  // The page reopens its stream by itself, from the last revision it applied (?since=, the
  // shared stream's position): at least the second grant's (a Bookmark may have moved it on),
  // never a fresh start.
  const since = Number(new URL((await reconnect).url()).searchParams.get('since'));
  expect(since).toBeGreaterThanOrEqual(applied);
  await expect(row(page, missed.address)).toContainText('missed-while-away');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await first.udhcpc.release();
  await expect(row(page, first.address)).toHaveAttribute('data-state', 'released');
  await expect(page.locator('[data-address]')).toHaveCount(3);
  await expectNoReload(page);
});

test('a Reset rebuilds the table from the snapshot', async ({ page }) => {
  const gone = await grant(0, 'forgotten');
  const kept = await grant(1);
  await openLeases(page);
  await expect(page.locator('[data-address]')).toHaveCount(2);
  // The page is cut off from its stream (every reconnect fails) while the daemon restarts.
  await page.route('**/api/events**', (route) => route.abort());
  await daemon.stop();
  const pageRevision = newestRevision();
  await daemon.launch();
  // Committed while the page is away (granted now, before the row below is gone, so it cannot
  // take that address).
  const late = await grant(2, 'after-reset');
  await daemon.stop();
  // One lease goes without an event of its own (as if its row was reused): only a snapshot can
  // tell the page. Done in the stopped daemon's database.
  database((db) => db.prepare('DELETE FROM leases WHERE address = ?').run(addressNumber(gone.address)), false);
  const before = daemon.logs.length;
  await daemon.launch();
  // More than events.maxRows changes, until a compaction pass (every 10 s) has taken the page's
  // revision and the one after it out of the log: the page cannot resume, it must rebuild.
  const reservable = `${lab.subnets[0]!.serverAddress!.split('.').slice(0, 3).join('.')}.20`;
  await churnReservations(endpoint, MAX_ROWS / 2 + 50, reservable);
  await daemon.waitFor(
    (l) => l.msg === 'event log compacted' && Number(l.firstRetained) > pageRevision + 1,
    30_000,
    before,
  );
  await page.unroute('**/api/events**');

  await expect(row(page, late.address)).toContainText('after-reset');
  await expect(row(page, gone.address)).toHaveCount(0);
  await expect(page.getByText('forgotten')).toHaveCount(0);
  await expect(row(page, kept.address)).toBeVisible();
  await expect(page.locator('[data-address]')).toHaveCount(2);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await kept.udhcpc.release();
  await expect(row(page, kept.address)).toHaveAttribute('data-state', 'released');
  await expectNoReload(page);
});

test('the filter narrows the table by text and by state', async ({ page }) => {
  const nas = await grant(0, 'nas');
  const laptop = await grant(1, 'laptop');
  await nas.udhcpc.release();
  const laptopMac = await macOf(lab, lab.clients[1]!);
  const part = laptopMac.slice(-5);
  expect(await macOf(lab, lab.clients[0]!), 'the two MACs differ in their last octets').not.toContain(part);
  await openLeases(page);
  await page.getByLabel('Search').fill(part);
  await expect(page.locator('[data-address]')).toHaveCount(1);
  await expect(row(page, laptop.address)).toBeVisible();
  await page.getByLabel('Search').fill('');
  await page.getByLabel('State').selectOption('released');
  await expect(page.locator('[data-address]')).toHaveCount(1);
  await expect(row(page, nas.address)).toBeVisible();
  // A live change that enters the filter shows up.
  await laptop.udhcpc.release();
  await expect(page.locator('[data-address]')).toHaveCount(2);
});

test('the relay cancels the Watch when the tab goes away', async ({ page }) => {
  await openLeases(page);
  await expect.poll(() => watcherCount(endpoint)).toBe(1);
  await page.close();
  await expect.poll(() => watcherCount(endpoint)).toBe(0);
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
  await expect.poll(() => watcherCount(endpoint), { timeout: 10_000 }).toBe(0);
});

test('1,000 streams opened and dropped, and 50 page loads, leave no watcher behind', async ({ page }) => {
  const cookie = await sessionCookie(endpoint);
  // Raw connections dropped at every moment of the relay's set-up: before its Watch opened,
  // while it opens, once it streams. 25 at a time.
  for (let batch = 0; batch < 40; batch++) {
    await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const stream = await openStream(dashboard.url, '/api/events?since=0&kinds=lease', {
          headers: { Cookie: cookie },
        });
        expect(stream.status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, i % 5));
        stream.close();
      }),
    );
  }
  await expect.poll(() => watcherCount(endpoint), { timeout: 20_000 }).toBe(0);

  // Real page loads: each reload drops the previous document's EventSource.
  await openLeases(page);
  for (let load = 0; load < 50; load++) await page.reload({ waitUntil: 'domcontentloaded' });
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await page.close();
  await expect.poll(() => watcherCount(endpoint), { timeout: 20_000 }).toBe(0);
});
