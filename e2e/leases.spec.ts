// The Leases page with real peers: a DHCP client in a lab namespace gets a lease from the real
// daemon (scripts/lab/daemon.ts), the lease is committed with its event, Watch streams it, the
// dashboard's relay turns it into SSE, and the open page shows it without a reload: with the
// vendor from the offline OUI registry, findable by its MAC in any notation, and the view kept in
// the URL. Screenshots of the page (light and dark, desktop and phone) are saved as artifacts.
import { expect, test, type Page } from '@playwright/test';
import { LeaseLab } from './fixtures/lease-lab.ts';
import { signIn } from './fixtures/session.ts';
import { macOf, Udhcpc } from './fixtures/udhcpc.ts';

test.describe.configure({ mode: 'serial' });

/** A Raspberry Pi Foundation block (B8:27:EB), so the vendor column has a name to show. */
const PI_MAC = 'b8:27:eb:12:34:56';

let world: LeaseLab;

test.beforeAll(async () => {
  world = await LeaseLab.start('e2e', 3);
  await world.setMac(world.lab.clients[0]!, PI_MAC);
});

test.afterAll(async () => {
  await world?.dispose();
});

const row = (page: Page, address: string) => page.locator(`[data-address="${address}"]`);

async function openLeases(page: Page, search = ''): Promise<void> {
  await signIn(page, world.dashboard.url);
  await page.goto(`${world.dashboard.url}/leases${search}`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  // A reload would start a new document without this mark.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

/** Records, in the page, when each lease row first appears (Date.now()), by watching the DOM. */
async function watchRowsArrive(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { rowArrivals: Record<string, number> }).rowArrivals = seen;
    const note = () => {
      for (const el of document.querySelectorAll<HTMLElement>('[data-address]'))
        seen[el.dataset.address!] ??= Date.now();
    };
    note();
    new MutationObserver(note).observe(document.body, { childList: true, subtree: true });
  });
}

test('a real client lease appears on the open page live, with its vendor, then its release', async ({
  page,
}, testInfo) => {
  await openLeases(page);
  await watchRowsArrive(page);

  const client = world.lab.clients[0]!;
  const { udhcpc, address } = await Udhcpc.lease(world.lab, client, world.dir, { hostname: 'e2e-pi' });
  const bound = Date.now();
  const leased = row(page, address);
  await expect(leased).toHaveAttribute('data-state', 'active');
  await expect(leased).toContainText('e2e-pi');
  await expect(leased).toContainText(await macOf(world.lab, client));
  await expect(leased).toContainText('Raspberry Pi Foundation');
  await expect(leased).toContainText('Active');
  await expect(leased).toContainText('Dynamic');
  await expectSameDocument(page);
  // How long after udhcpc reported the lease the row was in the page (udhcpc's output is polled
  // every 100 ms, so this is an upper bound); reported, not asserted: a timing is no test.
  const arrived = await page.evaluate(
    (a) => (window as unknown as { rowArrivals: Record<string, number> }).rowArrivals[a],
    address,
  );
  testInfo.annotations.push({ type: 'lease-to-row-ms', description: String(arrived! - bound) });
  console.log(`lease ${address}: row in the page ${arrived! - bound} ms after udhcpc reported it`);

  await expect(page.getByTestId('lease-count')).toHaveText(/^1 lease$/);
  await udhcpc.release();
  await expect(leased).toHaveAttribute('data-state', 'released');
  await expect(leased).toContainText('Released');
  await expectSameDocument(page);
});

test('search by MAC in another notation finds the lease; the URL keeps search and filter across a reload', async ({
  page,
}) => {
  const { address } = await Udhcpc.lease(world.lab, world.lab.clients[1]!, world.dir, { hostname: 'e2e-other' });
  await openLeases(page);
  await expect(row(page, address)).toBeVisible();
  const total = await page.locator('[data-address]').count();
  expect(total).toBeGreaterThanOrEqual(2);

  // Cisco's dotted notation, upper case, for the Pi's b8:27:eb:12:34:56.
  await page.getByLabel('Search').fill('B827.EB12.3456');
  await expect(page.locator('[data-address]')).toHaveCount(1);
  const pi = page.locator('[data-address]').first();
  await expect(pi).toContainText(PI_MAC);
  await expect(page.getByTestId('lease-count')).toHaveText(`1 of ${total} leases`);
  // A partial MAC with dashes, lower or upper case, finds it too.
  await page.getByLabel('Search').fill('27-EB-12');
  await expect(page.locator('[data-address]')).toHaveCount(1);
  await page.getByLabel('State').selectOption('released');
  await expect(page).toHaveURL(/[?&]q=27-EB-12(&|$)/);
  await expect(page).toHaveURL(/[?&]state=released(&|$)/);
  await expectSameDocument(page);

  await page.reload();
  await expect(page.getByLabel('Search')).toHaveValue('27-EB-12');
  await expect(page.getByLabel('State')).toHaveValue('released');
  await expect(page.locator('[data-address]')).toHaveCount(1);
  await expect(page.locator('[data-address]').first()).toContainText(PI_MAC);

  // Sorting by a column header goes to the URL too; the shared link opens the same view.
  await page.getByLabel('Search').fill('');
  await page.getByLabel('State').selectOption('');
  await page.getByRole('button', { name: /^Host name/ }).click();
  await expect(page).toHaveURL(/[?&]sort=hostname(&|$)/);
  await page.getByRole('button', { name: /^Host name/ }).click();
  await expect(page).toHaveURL(/[?&]sort=-hostname(&|$)/);
  const url = page.url();
  const other = await page.context().newPage();
  await other.goto(url);
  await expect(other.getByRole('columnheader', { name: /Host name/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(other.locator('[data-address]').first()).toContainText('e2e-pi');
  await other.close();
});

test('/api/leases answers 401 without a session, and the lease rows with one', async ({ page }) => {
  const anonymous = await fetch(`${world.dashboard.url}/api/leases`);
  expect(anonymous.status).toBe(401);
  await signIn(page, world.dashboard.url);
  const signedIn = await page.request.get(`${world.dashboard.url}/api/leases`);
  expect(signedIn.status()).toBe(200);
  const body = (await signedIn.json()) as { leases: { address: string; vendor: string }[]; total: number };
  expect(body.total).toBe(body.leases.length);
  expect(body.leases.find((l) => l.vendor === 'Raspberry Pi Foundation')).toBeDefined();
});

test('screenshots: light and dark, desktop and phone; no page-wide horizontal scroll on a phone', async ({
  page,
}, testInfo) => {
  await openLeases(page);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: testInfo.outputPath(`leases-desktop-${scheme}.png`) });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.locator('[data-address]').first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`leases-phone-${scheme}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the page is wider than the phone').toBeLessThanOrEqual(0);
  }
});

test('the page follows the daemon across a restart and shows leases granted after it', async ({ page }) => {
  await openLeases(page);
  await world.daemon.stop();
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'reconnecting');
  await world.daemon.launch();
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');

  const { address } = await Udhcpc.lease(world.lab, world.lab.clients[2]!, world.dir, { hostname: 'after-restart' });
  await expect(row(page, address)).toHaveAttribute('data-state', 'active');
  await expect(row(page, address)).toContainText('after-restart');
  await expectSameDocument(page);
});
