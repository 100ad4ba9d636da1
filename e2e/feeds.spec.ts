// Live feeds in the one event stream (app/lib/feed-relay.ts, app/api/events/feeds/route.ts):
// a stream's first frame gives its id; POST /api/events/feeds sets what it carries; the relay's
// gRPC calls (StreamConsole, WatchVmStats) write `event: feed` frames into that same response.
// The real daemon (no VM: a console of a VM that does not exist, and the usage samples, which
// come every 2 s whether or not a VM runs); raw HTTP with a real session's cookie, as
// stream-limit.spec.ts. The console of a running VM is vms.spec.ts's (the tiny guest).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ApiDaemon } from './fixtures/api-daemon.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { openStream, rawRequest, type RawStream } from './fixtures/raw-http.ts';
import { createAdmin, sessionCookie } from './fixtures/session.ts';

const EVENTS = '/api/events?since=0&kinds=host';
const MISSING_VM = '00000000-0000-4000-8000-000000000000';

let dir: string;
let daemon: ApiDaemon;
let dashboard: Dashboard;
let cookie: string;
let streams: RawStream[];

test.beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  daemon = await ApiDaemon.start(dir);
  await createAdmin(daemon);
  cookie = await sessionCookie(daemon);
  dashboard = await startDashboard(daemon);
  streams = [];
});

test.afterEach(async () => {
  for (const stream of streams) stream.close();
  await dashboard?.stop();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Frame =
  | { kind: 'console'; vmId: string; data: string; restart: boolean }
  | { kind: 'console-end'; vmId: string; reason: string }
  | { kind: 'vm-stats'; time: number; vms: unknown[] };

/** SSE messages of `type` in what a stream received so far, their data parsed. */
function messages<T>(stream: RawStream, type: string): T[] {
  return stream
    .received()
    .split('\n\n')
    .filter((block) => block.split('\n').includes(`event: ${type}`))
    .map(
      (block) =>
        JSON.parse(
          block
            .split('\n')
            .find((line) => line.startsWith('data: '))!
            .slice(6),
        ) as T,
    );
}

const frames = (stream: RawStream): Frame[] => messages<Frame>(stream, 'feed');

/** Opens an event stream and waits for its hello: its id. */
async function openEvents(withCookie = cookie): Promise<{ stream: RawStream; id: string }> {
  const stream = await openStream(dashboard.url, EVENTS, { headers: { Cookie: withCookie } });
  streams.push(stream);
  expect(stream.status).toBe(200);
  await expect.poll(() => messages(stream, 'hello').length).toBe(1);
  const [hello] = messages<{ stream: string }>(stream, 'hello');
  return { stream, id: hello!.stream };
}

function setFeeds(body: unknown, headers: Record<string, string> = { Cookie: cookie }) {
  return rawRequest(dashboard.url, '/api/events/feeds', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

test('the console of a VM that does not exist gets one console-end frame that says so', async () => {
  const { stream, id } = await openEvents();
  const answer = await setFeeds({ stream: id, feeds: [{ kind: 'console', vmId: MISSING_VM }, { kind: 'vm-stats' }] });
  expect(answer.status, answer.body).toBe(200);
  expect(JSON.parse(answer.body)).toEqual({
    on: [{ kind: 'console', vmId: MISSING_VM }, { kind: 'vm-stats' }],
    refused: [],
  });
  await expect.poll(() => frames(stream).filter((f) => f.kind === 'console-end').length).toBe(1);
  const end = frames(stream).find((f) => f.kind === 'console-end')!;
  expect(end).toMatchObject({ kind: 'console-end', vmId: MISSING_VM });
  expect(end.kind === 'console-end' && end.reason).toContain(MISSING_VM);
  // The samples come every 2 s; by the second, a retried console would have reported again.
  await expect.poll(() => frames(stream).filter((f) => f.kind === 'vm-stats').length, { timeout: 15_000 }).toBe(2);
  expect(frames(stream).filter((f) => f.kind === 'console-end')).toHaveLength(1);
  const sample = frames(stream).find((f) => f.kind === 'vm-stats')!;
  expect(sample).toMatchObject({ kind: 'vm-stats', vms: [] });
  expect(sample.kind === 'vm-stats' && Math.abs(sample.time - Date.now())).toBeLessThan(60_000);
});

test('a stream carries at most 4 consoles: the fifth gets a console-end frame saying why', async () => {
  const { stream, id } = await openEvents();
  const consoles = Array.from({ length: 5 }, (_, i) => ({ kind: 'console', vmId: `vm-${i}` }));
  const answer = await setFeeds({ stream: id, feeds: consoles });
  expect(answer.status).toBe(200);
  const result = JSON.parse(answer.body) as { on: unknown[]; refused: { feed: { vmId: string }; reason: string }[] };
  expect(result.on).toHaveLength(4);
  expect(result.refused.map((r) => r.feed.vmId)).toEqual(['vm-4']);
  await expect
    .poll(() => frames(stream).find((f) => f.kind === 'console-end' && f.vmId === 'vm-4'))
    .toMatchObject({ reason: expect.stringContaining('already shows 4 consoles') });
});

test('only the session that opened a stream sets its feeds; bad requests say what is wrong', async () => {
  const { id } = await openEvents();
  const other = await sessionCookie(daemon);
  const foreign = await setFeeds({ stream: id, feeds: [{ kind: 'vm-stats' }] }, { Cookie: other });
  expect(foreign.status).toBe(404);
  expect(foreign.body).toContain('No open event stream');
  const anonymous = await setFeeds({ stream: id, feeds: [] }, {});
  expect(anonymous.status).toBe(401);
  const crossSite = await setFeeds({ stream: id, feeds: [] }, { Cookie: cookie, Origin: 'http://evil.example' });
  expect(crossSite.status).toBe(403);
  const notJson = await setFeeds('feeds please');
  expect([notJson.status, notJson.body]).toEqual([400, expect.stringContaining('not JSON')]);
  const badKind = await setFeeds({ stream: id, feeds: [{ kind: 'shell' }] });
  expect([badKind.status, badKind.body]).toEqual([400, expect.stringContaining('unknown feed kind "shell"')]);
  const gone = await setFeeds({ stream: '0b5c1c1e-5d0e-4a55-9d7e-2f3c4b5a6d7e', feeds: [] });
  expect(gone.status).toBe(404);
});

test('after a daemon restart the stream reconnects with a new id and its feeds are set there again', async () => {
  const first = await openEvents();
  expect((await setFeeds({ stream: first.id, feeds: [{ kind: 'vm-stats' }] })).status).toBe(200);
  await expect.poll(() => frames(first.stream).length, { timeout: 10_000 }).toBeGreaterThan(0);
  await daemon.stop();
  await first.stream.ended;
  // The old id is gone with its response: the browser learns the new one from the next hello.
  expect((await setFeeds({ stream: first.id, feeds: [] })).status).not.toBe(200);
  await daemon.launch();
  // The dashboard's channel reconnects within its backoff (1-5 s); until then a stream gets 503.
  await expect
    .poll(
      async () =>
        (
          await rawRequest(dashboard.url, '/api/events/feeds', {
            method: 'POST',
            headers: { Cookie: cookie },
            body: '{}',
          })
        ).status,
      { timeout: 15_000 },
    )
    .toBe(400);
  const second = await openEvents();
  expect(second.id).not.toBe(first.id);
  expect((await setFeeds({ stream: second.id, feeds: [{ kind: 'vm-stats' }] })).status).toBe(200);
  await expect.poll(() => frames(second.stream).length, { timeout: 10_000 }).toBeGreaterThan(0);
});

test('console input: 401 without a session, the size bounds, and the daemon’s refusal in words', async () => {
  const post = (body: string, headers: Record<string, string> = { Cookie: cookie }) =>
    rawRequest(dashboard.url, `/api/vms/${MISSING_VM}/console`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', ...headers },
      body,
    });
  expect((await post('ls\r', {})).status).toBe(401);
  const empty = await post('');
  expect([empty.status, empty.body]).toEqual([400, expect.stringContaining('No console input')]);
  const big = await post('x'.repeat(4097));
  expect([big.status, big.body]).toEqual([413, expect.stringContaining('at most 4096 bytes')]);
  const missing = await post('ls\r');
  expect(missing.status).toBe(404);
  expect(missing.body).toContain(MISSING_VM);
});
