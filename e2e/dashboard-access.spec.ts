// The dashboard answers only its own Host names and only requests from its own pages
// (app/lib/dashboard-access.ts, applied by proxy.ts), checked against the production build:
// raw HTTP for the headers a browser page cannot forge, Chromium for what a person sees. A DNS
// rebinding is simulated with Chromium's resolver rules: evil.example resolves to 127.0.0.1.
// The real daemon (no DHCP); the raw requests carry a real session's cookie, so a refusal is the
// access check's and not the sign-in gate's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test as base, type LaunchOptions } from '@playwright/test';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { ApiDaemon, createReservation } from './fixtures/api-daemon.ts';
import { rawRequest } from './fixtures/raw-http.ts';
import { createAdmin, sessionCookie, signIn } from './fixtures/session.ts';

const PROXY_NAME = 'homeplane.lab.home';
/** In the Leases page's <title>: what a refused request must not show. */
const PAGE_MARK = 'Leases · Homeplane';

const test = base.extend<object, { launchOptions: LaunchOptions }>({
  launchOptions: [
    async ({ launchOptions }, use) => {
      const rules = `--host-resolver-rules=MAP evil.example 127.0.0.1, MAP ${PROXY_NAME} 127.0.0.1`;
      await use({ ...launchOptions, args: [...(launchOptions.args ?? []), rules] });
    },
    { scope: 'worker' },
  ],
});

let dir: string;
let daemon: ApiDaemon;
let dashboard: Dashboard;
let port: string;
/** A signed-in session's Cookie header. */
let cookie: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  // DHCP off, but a subnet for reservations: their changes are the events the stream carries here.
  daemon = await ApiDaemon.start(dir, {
    config: { dhcp: { enabled: false, subnets: [{ subnet: '10.123.0.0/24', pools: ['10.123.0.100-10.123.0.199'] }] } },
  });
  await createAdmin(daemon);
  cookie = await sessionCookie(daemon);
  dashboard = await startDashboard(daemon, { allowedHosts: [PROXY_NAME] });
  port = new URL(dashboard.url).port;
});

test.afterAll(async () => {
  await dashboard?.stop();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One of the page's own /_next/static scripts, to show assets are refused too. */
async function staticAsset(): Promise<string> {
  const page = await rawRequest(dashboard.url, '/leases', { headers: { Cookie: cookie } });
  const asset = /\/_next\/static\/[^"'\s]+\.js/.exec(page.body)?.[0];
  expect(asset, 'the page links a /_next/static script').toBeDefined();
  return asset!;
}

test('a foreign Host gets 421 with a plain-text reason on every path, before anything else runs', async () => {
  const host = `evil.example:${port}`;
  const paths = [
    '/',
    '/leases',
    '/leases/',
    '/api/events',
    '/api/events?since=0&kinds=lease',
    '/icon.svg',
    '/no-such-page',
    await staticAsset(),
  ];
  for (const path of paths) {
    const response = await rawRequest(dashboard.url, path, { headers: { Host: host, Cookie: cookie } });
    expect(response.status, `${path} with Host ${host}`).toBe(421);
    expect(response.headers.location, `${path} is not redirected`).toBeUndefined();
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toContain(`refused Host "${host}"`);
    expect(response.body).toContain('add that name to dashboard.allowedHosts in the config');
    expect(response.body, 'no page').not.toContain(PAGE_MARK);
  }
  // A server action is a POST to the page's path: refused the same way, even with a matching Origin.
  const post = await rawRequest(dashboard.url, '/leases', {
    method: 'POST',
    headers: {
      Host: `EVIL.example:${port}`,
      Origin: `http://evil.example:${port}`,
      'Content-Type': 'text/plain',
      Cookie: cookie,
    },
    body: '[]',
  });
  expect(post.status).toBe(421);
  // The refused /api/events never reached the relay.
  expect(await daemon.watcherCount()).toBe(0);
});

test('loopback names and dashboard.allowedHosts are answered, any case, port aside', async () => {
  for (const host of [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `[::1]:${port}`,
    'HomePlane.Lab.Home',
    `${PROXY_NAME}:8443`,
  ]) {
    const response = await rawRequest(dashboard.url, '/leases', { headers: { Host: host, Cookie: cookie } });
    expect(response.status, `Host ${host}`).toBe(200);
    expect(response.body).toContain(PAGE_MARK);
  }
  // Trailing slashes still redirect for an allowed name, relative so the browser keeps its name.
  const slash = await rawRequest(dashboard.url, '/leases/?x=1', { headers: { Host: PROXY_NAME, Cookie: cookie } });
  expect(slash.status).toBe(308);
  expect(slash.headers.location).toBe('/leases?x=1');
});

test('a cross-site request gets 403, a same-site one is answered', async () => {
  const refused: [string, string, Record<string, string>][] = [
    ['GET', '/leases', { Origin: 'https://evil.example' }],
    ['POST', '/leases', { Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['GET', '/api/events?since=0', { Origin: 'https://evil.example' }],
    ['GET', '/api/events?since=0', { 'Sec-Fetch-Site': 'cross-site' }],
    ['GET', '/', { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' }],
    ['POST', '/', { Origin: 'null' }],
  ];
  for (const [method, path, headers] of refused) {
    const response = await rawRequest(dashboard.url, path, { method, headers: { ...headers, Cookie: cookie } });
    expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toContain('refused a cross-site request');
    expect(response.body).not.toContain(PAGE_MARK);
  }
  expect(await daemon.watcherCount()).toBe(0);

  const answered: Record<string, string>[] = [
    { Origin: `http://localhost:${port}` },
    { Origin: `https://${PROXY_NAME}` },
    { 'Sec-Fetch-Site': 'same-origin' },
    { 'Sec-Fetch-Site': 'none' },
    { 'Sec-Fetch-Site': 'same-site', Origin: 'http://localhost:8080' },
  ];
  for (const headers of answered) {
    const response = await rawRequest(dashboard.url, '/leases', { headers: { ...headers, Cookie: cookie } });
    expect(response.status, JSON.stringify(headers)).toBe(200);
  }
});

test('in Chromium the pages work, under the proxy name too, and a rebound name shows the refusal', async ({
  page,
}, testInfo) => {
  for (const [i, origin] of [dashboard.url, `http://${PROXY_NAME}:${port}`].entries()) {
    // Each name is its own cookie host, so the page is not signed in here yet: it goes to the
    // sign-in page on the name the browser used. Sign in there, through the form.
    await page.goto(`${origin}/leases`);
    await expect(page).toHaveURL(`${origin}/sign-in?next=%2Fleases`);
    await signIn(page, origin);
    await page.goto(`${origin}/leases`);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
    // The page's stream carries a change committed now, under this name too.
    const hostname = `live-${i}`;
    const received = page.evaluate(
      (hostname) =>
        new Promise<string>((resolve, reject) => {
          const source = new EventSource('/api/events?since=0&kinds=reservation');
          source.addEventListener('event', (message) => {
            if (!(message as MessageEvent<string>).data.includes(hostname)) return;
            source.close();
            resolve((message as MessageEvent<string>).data);
          });
          source.addEventListener('error', () => (source.close(), reject(new Error('the stream failed'))));
        }),
      hostname,
    );
    await createReservation(daemon, { address: `10.123.0.${10 + i}`, mac: `52:54:00:aa:bb:0${i}`, hostname });
    expect(await received).toContain(hostname);
  }

  const rebound = await page.goto(`http://evil.example:${port}/leases`);
  expect(rebound?.status()).toBe(421);
  await expect(page.locator('body')).toContainText(`refused Host "evil.example:${port}"`);
  await expect(page.locator('body')).not.toContainText('Leases');
  await page.screenshot({ path: testInfo.outputPath('421-rebound-host.png') });
  // The rebound page cannot read the stream either.
  const stream = await page.evaluate(async () => (await fetch('/api/events?since=0')).status);
  expect(stream).toBe(421);
  await page.close();
  await expect.poll(() => daemon.watcherCount(), { message: 'only the closed tabs ever had a Watch' }).toBe(0);
});

// In Chromium 156 a fetch or EventSource from another site's page to 127.0.0.1 never reached the
// dashboard (its Local Network Access rules hold it back), so the raw-HTTP test above covers
// those; a top-level form post is not, and is what a person would see.
test("in Chromium another site's form post to the dashboard is refused", async ({ page }, testInfo) => {
  // The other site's page, served by the test (no network); its form targets the dashboard.
  await page.route('http://attacker.example/**', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<form method="post" action="${dashboard.url}/leases"><input name="x" value="1"><button>go</button></form>`,
    }),
  );
  await page.goto('http://attacker.example/');
  const [response] = await Promise.all([
    page.waitForResponse(`${dashboard.url}/leases`),
    page.getByRole('button', { name: 'go' }).click(),
  ]);
  expect(response.status()).toBe(403);
  await expect(page.locator('body')).toContainText('refused a cross-site request');
  await page.screenshot({ path: testInfo.outputPath('403-cross-site.png') });
});
