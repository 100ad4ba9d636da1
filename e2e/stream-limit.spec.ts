// The relay keeps at most dashboard.maxStreams live streams open (app/lib/stream-slots.ts), here
// 3 through HOMEPLANE_MAX_STREAMS; one more gets 503 with Retry-After. Every way a stream ends
// gives its slot back: the client going, the daemon ending the Watch (a restart), the Watch
// failing, a browser dropping EventSources while the relay is still opening them. The real
// daemon (no DHCP); the streams carry a real session's cookie (without one the answer is 401,
// before any slot is taken: auth.spec.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { ApiDaemon } from './fixtures/api-daemon.ts';
import { openStream, type RawStream } from './fixtures/raw-http.ts';
import { addSessionCookie, createAdmin, sessionCookie } from './fixtures/session.ts';

const LIMIT = 3;
const EVENTS = '/api/events?since=0&kinds=lease';

let dir: string;
let daemon: ApiDaemon;
let dashboard: Dashboard;
let streams: RawStream[];
let cookie: string;

test.beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  daemon = await ApiDaemon.start(dir);
  await createAdmin(daemon);
  cookie = await sessionCookie(daemon);
  dashboard = await startDashboard(daemon, { maxStreams: LIMIT });
  streams = [];
});

test.afterEach(async () => {
  for (const stream of streams) stream.close();
  await dashboard?.stop();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(path = EVENTS): Promise<RawStream> {
  const stream = await openStream(dashboard.url, path, { headers: { Cookie: cookie } });
  streams.push(stream);
  return stream;
}

/** Opens `count` more live streams (200), each with its Watch on the daemon. */
async function fill(count: number): Promise<RawStream[]> {
  const before = await daemon.watcherCount();
  const opened: RawStream[] = [];
  for (let i = 0; i < count; i++) {
    const stream = await open();
    expect(stream.status, `stream ${i + 1} of ${count}`).toBe(200);
    opened.push(stream);
  }
  await expect.poll(() => daemon.watcherCount()).toBe(before + count);
  return opened;
}

/** Opens a stream and waits until it holds a Watch (true) or has ended (false). */
async function openAndSettle(): Promise<boolean> {
  const before = await daemon.watcherCount();
  const stream = await open();
  if (stream.status !== 200) return false;
  const watching = expect
    .poll(() => daemon.watcherCount(), { timeout: 5_000 })
    .toBeGreaterThan(before)
    .then(
      () => true,
      () => false,
    );
  return Promise.race([stream.ended.then(() => false), watching]);
}

async function expectRefused(): Promise<void> {
  const refused = await open();
  await refused.ended;
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBe('5');
  expect(refused.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(refused.received()).toContain(`${LIMIT} live event streams are open, the most dashboard.maxStreams allows`);
}

/** Polls until a new stream is answered with 200 (a refused attempt holds no slot). */
async function expectAdmittedSoon(): Promise<RawStream> {
  let admitted: RawStream | null = null;
  await expect
    .poll(async () => {
      const attempt = await open();
      if (attempt.status === 200) admitted = attempt;
      return attempt.status;
    })
    .toBe(200);
  return admitted!;
}

test('past the limit a stream gets 503 with Retry-After; closing one lets exactly one more in', async () => {
  const [first] = await fill(LIMIT);
  await expectRefused();
  expect(await daemon.watcherCount(), 'the refused stream opened no Watch').toBe(LIMIT);

  first!.close();
  await expectAdmittedSoon();
  await expectRefused();
  await expect.poll(() => daemon.watcherCount()).toBe(LIMIT);
});

test('streams the daemon ends give their slots back', async () => {
  const opened = await fill(LIMIT);
  // A restart: on shutdown the daemon ends every Watch with UNAVAILABLE.
  await daemon.stop();
  await Promise.all(opened.map((stream) => stream.ended));
  for (const stream of opened) expect(stream.received()).toMatch(/watch (ended|unavailable)/);
  await daemon.launch();
  // grpc-js redials after its back-off; once one stream holds a Watch, the rest of the limit fits.
  await expect.poll(openAndSettle, { timeout: 30_000, intervals: [500] }).toBe(true);
  await fill(LIMIT - 1);
  await expectRefused();
});

test('streams whose Watch fails give their slots back', async () => {
  // Twice the limit, one after another: the daemon refuses each Watch (an unknown kind is
  // INVALID_ARGUMENT), each stream ends at once with the reason, none keeps its slot.
  for (let i = 0; i < 2 * LIMIT; i++) {
    const stream = await open('/api/events?since=0&kinds=no-such-kind');
    expect(stream.status).toBe(200);
    await stream.ended;
    expect(stream.received()).toMatch(/: watch \w+: .*no-such-kind/);
  }
  await fill(LIMIT);
  await expectRefused();
});

test('with the daemon down a stream is refused before it takes a slot, and the limit is whole after', async () => {
  await daemon.stop();
  // The session cannot be checked: 503 with the reason, for more than the limit's worth.
  for (let i = 0; i < 2 * LIMIT; i++) {
    const stream = await open();
    await stream.ended;
    expect(stream.status).toBe(503);
    expect(stream.received()).toContain('Cannot check the session');
  }
  await daemon.launch();
  await expect.poll(openAndSettle, { timeout: 30_000, intervals: [500] }).toBe(true);
  await fill(LIMIT - 1);
  await expectRefused();
});

test('in Chromium a tab past the limit goes live once a slot frees, and dropped EventSources free theirs', async ({
  page,
}) => {
  const opened = await fill(LIMIT);
  await addSessionCookie(page.context(), dashboard.url, daemon);
  await page.goto(`${dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'reconnecting');
  opened[0]!.close();
  // The page opens a new EventSource a few seconds after the 503 (use-watch-stream.ts).
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await expect.poll(() => daemon.watcherCount()).toBe(LIMIT);
  for (const stream of opened.slice(1)) stream.close();
  await expect.poll(() => daemon.watcherCount()).toBe(1);

  // EventSources closed at every moment of the relay's set-up, the first before it opened its Watch.
  await page.evaluate(async () => {
    const closing: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      const source = new EventSource('/api/events?since=0&kinds=lease');
      closing.push(new Promise((resolve) => setTimeout(() => resolve(source.close()), i * 3)));
    }
    await Promise.all(closing);
  });
  await page.close();
  await expect.poll(() => daemon.watcherCount(), { timeout: 10_000 }).toBe(0);
  // Every slot is free again (a slot goes back when the tab goes, before the daemon hears of it):
  // the limit's worth of streams opens, one more is refused.
  await fill(LIMIT);
  await expectRefused();
});
