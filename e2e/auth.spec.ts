// Dashboard access end to end: the real daemon's AuthService (no DHCP: e2e/fixtures/api-daemon.ts),
// the production dashboard, Chromium. First run through the setup page, or the admin from the
// environment; sign-in, a wrong password, the rate limit, sign-out; a visitor without a session
// refused on every page and on /api/events; sessions listed and revoked; the cookie's flags.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ApiDaemon } from './fixtures/api-daemon.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { openStream, rawRequest } from './fixtures/raw-http.ts';
import { ADMIN, signIn, type Account } from './fixtures/session.ts';

const COOKIE = 'homeplane_session';

/** Every page route of the build outside the sign-in pages, dynamic segments filled in. */
function dashboardPages(): string[] {
  const manifest = JSON.parse(readFileSync('.next/app-path-routes-manifest.json', 'utf8')) as Record<string, string>;
  return Object.entries(manifest)
    .filter(([entry]) => entry.endsWith('/page') && !entry.startsWith('/(auth)/') && !entry.startsWith('/_'))
    .map(([, route]) => route.replace(/\[\[?\.{0,3}[^\]]+\]\]?/g, 'x'));
}

async function fillSetup(page: Page, who: { username: string; password: string; confirm?: string }): Promise<void> {
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Confirm password').fill(who.confirm ?? who.password);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
}

/** Fills and submits the sign-in form; resolves once the server action has answered. */
async function trySignIn(page: Page, who: Account): Promise<void> {
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/sign-in' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** The form's alert (Next's route announcer is a role="alert" too, hence the text). */
const alertWith = (page: Page, text: string | RegExp) => page.getByRole('alert').filter({ hasText: text });

/**
 * A page request answered with the way to the sign-in page: 307 before anything was sent, or,
 * once the page had started streaming, Next's meta refresh.
 */
function expectSentToSignIn(
  response: { status: number; headers: Record<string, unknown>; body: string },
  what: string,
) {
  if (response.status === 307) {
    expect(response.headers.location, what).toMatch(/^\/sign-in(\?next=|$)/);
  } else {
    expect(response.status, what).toBe(200);
    expect(response.body, what).toMatch(/http-equiv="refresh" content="\d+;url=\/sign-in/);
  }
}

async function sessionToken(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === COOKIE);
  expect(cookie, 'the session cookie is set').toBeDefined();
  return cookie!.value;
}

test.describe('first run through the setup page', () => {
  test.describe.configure({ mode: 'serial' });

  let dir: string;
  let daemon: ApiDaemon;
  let dashboard: Dashboard;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
    daemon = await ApiDaemon.start(dir);
    dashboard = await startDashboard(daemon);
  });

  test.afterAll(async () => {
    await dashboard?.stop();
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a visitor is sent to setup, gets field errors in words, then is signed in where they were going', async ({
    page,
  }, testInfo) => {
    await page.goto(`${dashboard.url}/settings`);
    await expect(page).toHaveURL(`${dashboard.url}/setup?next=%2Fsettings`);
    await expect(page.getByRole('heading', { name: 'Welcome to Homeplane' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('setup.png') });

    await fillSetup(page, { username: 'admin', password: 'long enough pass', confirm: 'something else' });
    await expect(page.getByText('The two passwords do not match')).toBeVisible();
    await expect(page.getByLabel('Confirm password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Username')).toHaveValue('admin');

    // The daemon's own rules, shown at their fields.
    await fillSetup(page, { username: 'Not Valid!', password: 'long enough pass' });
    await expect(page.locator('#field-username-error')).toContainText('The username must be 1 to 64 characters');
    await expect(page.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
    await fillSetup(page, { username: 'admin', password: 'short' });
    await expect(page.locator('#field-password-error')).toContainText('The password must be at least 8 characters');
    await page.screenshot({ path: testInfo.outputPath('setup-field-error.png') });

    await fillSetup(page, ADMIN);
    await expect(page).toHaveURL(`${dashboard.url}/settings`);
    await expect(page.getByTestId('session')).toHaveCount(1);
    await expect(page.getByTestId('session').first()).toContainText('This session');
    await expect(page.getByTestId('session').first()).toContainText('admin');
    await page.screenshot({ path: testInfo.outputPath('settings.png'), fullPage: true });
  });

  test('once an admin exists, setup is over: /setup sends to the sign-in page', async ({ page }) => {
    await page.goto(`${dashboard.url}/setup`);
    await expect(page).toHaveURL(`${dashboard.url}/sign-in`);
    await page.goto(`${dashboard.url}/sign-in`);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('the session cookie is httpOnly, SameSite=Lax, site-wide; Secure only over https', async ({ browser, page }) => {
    const [plain] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/sign-in') && r.request().method() === 'POST'),
      signIn(page, dashboard.url),
    ]);
    const cookie = (await page.context().cookies()).find((c) => c.name === COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    expect(cookie.expires, 'kept across browser restarts, about 7 days').toBeGreaterThan(Date.now() / 1000 + 6 * 86400);
    expect(await page.evaluate(() => document.cookie), 'no script can read it').not.toContain(COOKIE);
    expect(await plain.headerValue('set-cookie')).not.toMatch(/;\s*secure/i);

    // Behind a TLS-terminating reverse proxy (X-Forwarded-Proto: https) the cookie is Secure.
    const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-Proto': 'https' } });
    const proxied = await context.newPage();
    await proxied.goto(`${dashboard.url}/sign-in`);
    await proxied.getByLabel('Username').fill(ADMIN.username);
    await proxied.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    const [response] = await Promise.all([
      proxied.waitForResponse((r) => r.url().endsWith('/sign-in') && r.request().method() === 'POST'),
      proxied.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    const header = (await response.headerValue('set-cookie')) ?? '';
    expect(header).toContain(`${COOKIE}=`);
    expect(header).toMatch(/;\s*secure/i);
    expect(header).toMatch(/;\s*httponly/i);
    expect(header).toMatch(/;\s*samesite=lax/i);
    await context.close();
  });

  test('sign-in goes to the page first asked for, never off the site', async ({ page }) => {
    await page.goto(`${dashboard.url}/settings?tab=sessions`);
    await expect(page).toHaveURL(`${dashboard.url}/sign-in?next=%2Fsettings%3Ftab%3Dsessions`);
    await trySignIn(page, ADMIN);
    await expect(page).toHaveURL(`${dashboard.url}/settings?tab=sessions`);

    for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example/']) {
      await page.context().clearCookies();
      await page.goto(`${dashboard.url}/sign-in?next=${encodeURIComponent(next)}`);
      await trySignIn(page, ADMIN);
      await expect(page).not.toHaveURL(/sign-in/);
      expect(new URL(page.url()).origin, `next=${next}`).toBe(dashboard.url);
    }
  });

  test('a wrong password keeps the form and says so in an alert', async ({ page }, testInfo) => {
    await page.goto(`${dashboard.url}/sign-in`);
    await trySignIn(page, { username: ADMIN.username, password: 'not-the-password' });
    await expect(alertWith(page, 'Incorrect username or password')).toBeVisible();
    await expect(page).toHaveURL(`${dashboard.url}/sign-in`);
    await expect(page.getByLabel('Username')).toHaveValue(ADMIN.username);
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
    expect((await page.context().cookies()).some((c) => c.name === COOKIE)).toBe(false);
    await page.screenshot({ path: testInfo.outputPath('sign-in-wrong-password.png') });
  });

  test('a visitor without a session is sent to sign in from every page, and gets 401 from /api/events', async () => {
    const pages = dashboardPages();
    expect(pages, 'the build has dashboard pages').toEqual(expect.arrayContaining(['/', '/leases', '/settings']));
    for (const cookie of [null, `${COOKIE}=bogus-token`]) {
      const headers: Record<string, string> = cookie === null ? {} : { Cookie: cookie };
      for (const path of pages) {
        const response = await rawRequest(dashboard.url, path, { headers });
        expectSentToSignIn(response, `${path} with ${cookie ?? 'no cookie'}`);
        expect(response.body, `${path} shows nothing of the dashboard`).not.toContain('Sessions');
      }
      const events = await rawRequest(dashboard.url, '/api/events?since=0', { headers });
      expect(events.status, `/api/events with ${cookie ?? 'no cookie'}`).toBe(401);
      expect(events.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(events.body).toContain('sign in');
      // A server action is refused without a cookie too (a POST with Next-Action to a page).
      const action = await rawRequest(dashboard.url, '/settings', {
        method: 'POST',
        headers: { ...headers, 'Next-Action': 'x', 'Content-Type': 'text/plain;charset=UTF-8' },
        body: '[]',
      });
      expect(action.status, `server action with ${cookie ?? 'no cookie'}`).not.toBe(200);
    }
    expect(await daemon.watcherCount(), 'no refused request opened a Watch').toBe(0);
  });

  test('sign-out ends the session in the daemon, not only in this browser', async ({ page }) => {
    await signIn(page, dashboard.url);
    const token = await sessionToken(page);
    const before = await rawRequest(dashboard.url, '/settings', { headers: { Cookie: `${COOKIE}=${token}` } });
    expect(before.status).toBe(200);

    await page.goto(`${dashboard.url}/settings`);
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await expect(page).toHaveURL(`${dashboard.url}/sign-in`);
    expect((await page.context().cookies()).some((c) => c.name === COOKIE && c.value !== '')).toBe(false);
    await page.goto(`${dashboard.url}/leases`);
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fleases$/);

    // The old token, replayed by hand, is refused everywhere.
    const after = await rawRequest(dashboard.url, '/settings', { headers: { Cookie: `${COOKIE}=${token}` } });
    expectSentToSignIn(after, 'the signed-out token');
    const events = await rawRequest(dashboard.url, '/api/events?since=0', {
      headers: { Cookie: `${COOKIE}=${token}` },
    });
    expect(events.status).toBe(401);
  });

  test('an open event stream ends once its session is signed out', async ({ page }) => {
    await signIn(page, dashboard.url);
    const token = await sessionToken(page);
    const stream = await openStream(dashboard.url, '/api/events?since=0', {
      headers: { Cookie: `${COOKIE}=${token}` },
    });
    expect(stream.status).toBe(200);
    await page.goto(`${dashboard.url}/settings`);
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await expect(page).toHaveURL(`${dashboard.url}/sign-in`);
    // The relay asks the daemon again every 15 s; the stream must end by itself, saying why.
    await expect.poll(() => stream.received(), { timeout: 40_000 }).toContain('session ended: sign in again');
    await stream.ended;
  });

  test('settings lists the sessions; a revoked one is refused at its next request', async ({ browser, page }) => {
    const other = await signedInPage(browser, dashboard.url);
    await signIn(page, dashboard.url);
    await page.goto(`${dashboard.url}/settings`);
    const mine = page.locator('[data-testid="session"][data-current]');
    await expect(mine).toHaveCount(1);
    await expect(mine).toContainText('This session');
    await expect(mine).toContainText('127.0.0.1');
    const sessions = page.getByTestId('session');
    expect(await sessions.count()).toBeGreaterThanOrEqual(2);
    await expect(page.getByText(/^\d+ sessions$/)).toBeVisible();

    // The other browser's session is the newest but this one: revoke it.
    const otherToken = await sessionToken(other);
    const otherRow = sessions.filter({ hasNot: page.getByText('This session') }).first();
    const otherId = await otherRow.getAttribute('data-session-id');
    await otherRow.getByRole('button', { name: /Revoke/ }).click();
    await expect(page.locator(`[data-session-id="${otherId}"]`)).toHaveCount(0);
    await other.goto(`${dashboard.url}/settings`);
    await expect(other).toHaveURL(`${dashboard.url}/sign-in?next=%2Fsettings`);
    const events = await rawRequest(dashboard.url, '/api/events?since=0', {
      headers: { Cookie: `${COOKIE}=${otherToken}` },
    });
    expect(events.status).toBe(401);
    await other.context().close();

    // Revoking this session asks first; cancelled, nothing happens.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await mine.getByRole('button', { name: /Revoke/ }).click();
    await expect(page).toHaveURL(`${dashboard.url}/settings`);
    await page.reload();
    await expect(mine).toHaveCount(1);
    // Accepted, it signs this browser out.
    page.once('dialog', (dialog) => void dialog.accept());
    await mine.getByRole('button', { name: /Revoke/ }).click();
    await expect(page).toHaveURL(`${dashboard.url}/sign-in`);
    await page.goto(`${dashboard.url}/settings`);
    await expect(page).toHaveURL(/\/sign-in\?next=/);
  });

  // Last: it leaves the admin locked out for 15 minutes.
  test('repeated failures are rate-limited with a message saying when to retry', async ({ page }, testInfo) => {
    await page.goto(`${dashboard.url}/sign-in`);
    // The per-user limit is 5 failures in 15 minutes (server/auth/accounts.ts).
    for (let i = 0; i < 5; i++) {
      await trySignIn(page, { username: ADMIN.username, password: `wrong-${i}` });
      await expect(alertWith(page, 'Incorrect username or password')).toBeVisible();
      // The next attempt starts from the settled form (React resets it once the action is done).
      await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
    }
    // Even the right password is refused now.
    await trySignIn(page, ADMIN);
    const alert = alertWith(page, 'Too many failed sign-ins');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(/try again in \d+ seconds/);
    await expect(page).toHaveURL(`${dashboard.url}/sign-in`);
    await page.screenshot({ path: testInfo.outputPath('sign-in-rate-limited.png') });
  });
});

async function signedInPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, url);
  return page;
}

test.describe('the admin from the environment', () => {
  const envAdmin: Account = { username: 'envadmin', password: 'env-secret-Zq7-horse-battery' };
  let dir: string;
  let daemon: ApiDaemon;
  let dashboard: Dashboard;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
    daemon = await ApiDaemon.start(dir, {
      env: { HOMEPLANE_ADMIN_USER: envAdmin.username, HOMEPLANE_ADMIN_PASSWORD: envAdmin.password },
    });
    dashboard = await startDashboard(daemon);
  });

  test.afterAll(async () => {
    await dashboard?.stop();
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('setup is not offered, the admin signs in, the password is in no output', async ({ page }, testInfo) => {
    await page.goto(`${dashboard.url}/setup`);
    await expect(page).toHaveURL(`${dashboard.url}/sign-in`);
    await page.goto(`${dashboard.url}/leases`);
    await expect(page).toHaveURL(`${dashboard.url}/sign-in?next=%2Fleases`);
    await page.screenshot({ path: testInfo.outputPath('sign-in.png') });
    await trySignIn(page, envAdmin);
    await expect(page).toHaveURL(`${dashboard.url}/leases`);
    await page.goto(`${dashboard.url}/settings`);
    await expect(page.locator('[data-testid="session"][data-current]')).toContainText(envAdmin.username);

    expect(daemon.output()).toContain('admin from the environment applied');
    expect(daemon.output()).not.toContain(envAdmin.password);
    expect(dashboard.output()).not.toContain(envAdmin.password);
  });

  test('a page opened while the daemon is away waits on the sign-in page, and comes back by itself', async ({
    page,
  }) => {
    await signIn(page, dashboard.url, envAdmin);
    await daemon.stop();
    await page.goto(`${dashboard.url}/settings`);
    await expect(page).toHaveURL(`${dashboard.url}/sign-in?next=%2Fsettings`);
    await expect(page.getByTestId('daemon-unavailable')).toContainText('The Homeplane daemon is not reachable');
    await daemon.launch();
    // The session outlived the restart (it is in the daemon's database): straight back, no sign-in.
    await expect(page).toHaveURL(`${dashboard.url}/settings`, { timeout: 30_000 });
    await expect(page.locator('[data-testid="session"][data-current]')).toContainText(envAdmin.username);
  });

  test('with the daemon gone the sign-in page says so, and a sign-in attempt too', async ({ page }) => {
    await daemon.stop();
    await page.goto(`${dashboard.url}/sign-in`);
    await expect(page.getByTestId('daemon-unavailable')).toContainText('The Homeplane daemon is not reachable');
    await trySignIn(page, envAdmin);
    await expect(page.locator('[data-alert="unreachable"]')).toContainText('The Homeplane daemon is not reachable');
    await expect(page.getByLabel('Username')).toHaveValue(envAdmin.username);
  });
});
