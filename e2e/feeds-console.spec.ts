// A VM's console in the browser, through the one shared event stream (app/lib/live/feeds.ts,
// app/components/vm-console.tsx): the tiny guest booted once under TCG on a lab bridge (as
// server/hypervisor/integration/vm-lifecycle.test.ts), its detail page /vms/<id> (the pages'
// helper) showing <VmConsole>. One test, one boot: the boot lines, keys typed fast reaching the
// guest in order, a second tab on the same console, eight tabs (two on the console, the others
// on /vms with the usage samples) leaving a ninth page free to load, a reload, a daemon restart,
// and every tab closed leaving the daemon with no Watch (the feeds' calls end in the same path).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { expect, test, type Page } from '@playwright/test';
import { CreateVmRequest, DeleteVmRequest, VmServiceClient } from '../proto/gen/homeplane/v1/vm.ts';
import { ensureTinyGuest } from '../scripts/guest/tiny.ts';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
import { watcherCount, type Endpoint } from './fixtures/api-daemon.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { addSessionCookie, createAdmin } from './fixtures/session.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;

let lab: Lab;
let dir: string;
let daemon: LabDaemon;
let endpoint: Endpoint;
let dashboard: Dashboard;
let vmId = '';

test.setTimeout(300_000);

test.beforeAll(async () => {
  const guest = await ensureTinyGuest();
  lab = await Lab.create({ name: 'feedcon', subnets: [{ clients: 0 }] });
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  const images = join(dir, 'images');
  mkdirSync(images, { recursive: true });
  copyFileSync(guest.kernel, join(images, 'vmlinuz-tiny'));
  copyFileSync(guest.initrd, join(images, 'initrd-tiny.img'));
  daemon = await LabDaemon.start(
    lab,
    (dataDir) => ({
      ...labConfig(lab, dataDir),
      grpc: { listen: `unix:${join(dir, 'grpc.sock')}` },
      hypervisor: { bridge: lab.subnets[0]!.serverInterface, accel: 'tcg', imageDirs: [images] },
    }),
    { dir },
  );
  const found = JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', daemon.configFile], { encoding: 'utf8' }),
  ) as { grpc: string; tokenFile: string };
  endpoint = { target: found.grpc, tokenFile: found.tokenFile };
  await createAdmin(endpoint);
  dashboard = await startDashboard(endpoint);
  const created = await vms((client, metadata, done) =>
    client.createVm(
      CreateVmRequest.fromPartial({
        name: 'feedcon',
        vcpus: 1,
        memoryMib: 128,
        diskGib: 1,
        boot: {
          $case: 'kernel',
          kernel: {
            kernelPath: join(images, 'vmlinuz-tiny'),
            initrdPath: join(images, 'initrd-tiny.img'),
            cmdline: `${guest.cmdline} hostname=feedcon`,
          },
        },
        start: true,
      }),
      metadata,
      done,
    ),
  );
  vmId = (created as { vm?: { id: string } }).vm!.id;
});

test.afterAll(async () => {
  if (vmId !== '')
    await vms((client, metadata, done) =>
      client.deleteVm(DeleteVmRequest.fromPartial({ id: vmId }), metadata, done),
    ).catch(() => undefined);
  await dashboard?.stop();
  await daemon?.dispose();
  await lab?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function vms(
  run: (
    client: VmServiceClient,
    metadata: grpc.Metadata,
    done: (err: grpc.ServiceError | null, res: unknown) => void,
  ) => void,
): Promise<unknown> {
  const client = new VmServiceClient(endpoint.target, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${readFileSync(endpoint.tokenFile, 'utf8').trim()}`);
  return new Promise<unknown>((resolve, reject) =>
    run(client, metadata, (err, res) => (err ? reject(err) : resolve(res))),
  ).finally(() => client.close());
}

const terminalText = (page: Page) => page.getByRole('region', { name: 'Console' }).locator('.xterm-rows');

async function openConsole(page: Page): Promise<void> {
  await page.goto(`${dashboard.url}/vms/${vmId}`);
  // xterm.js draws only while the terminal is on screen (it pauses when scrolled out of view).
  await page.getByRole('region', { name: 'Console' }).scrollIntoViewIfNeeded();
  await expect(terminalText(page)).toContainText('homeplane-guest: leased', { timeout: 90_000 });
}

/** Types `text` into the page's console as fast as the keyboard goes (no delay between keys). */
async function type(page: Page, text: string): Promise<void> {
  await page.getByRole('region', { name: 'Console' }).locator('.xterm').click();
  await page.keyboard.type(text);
}

test('the console in the shared stream: boot lines, fast typing, two tabs, nine pages, reload, daemon restart', async ({
  context,
}) => {
  await addSessionCookie(context, dashboard.url, endpoint);
  const first = await context.newPage();
  await openConsole(first);

  // Typed fast: each key is an onData, most of them wait while a request is in flight.
  await type(first, 'echo order-$((6*7))-abcdefghijklmnopqrstuvwxyz\r');
  await expect(terminalText(first)).toContainText('order-42-abcdefghijklmnopqrstuvwxyz');

  // A second tab on the same console gets the recent output, the first keeps its text.
  const second = await context.newPage();
  await openConsole(second);
  await expect(terminalText(second)).toContainText('order-42-abcdefghijklmnopqrstuvwxyz');
  await type(second, 'echo from-second-$((2+3))\r');
  await expect(terminalText(first)).toContainText('from-second-5');

  // Six more tabs on the VM list (usage samples on): eight tabs, one stream, one Watch.
  const others: Page[] = [];
  for (let i = 0; i < 6; i++) {
    const tab = await context.newPage();
    await tab.goto(`${dashboard.url}/vms`);
    await expect(tab.locator(`[data-vm-id="${vmId}"]`)).toBeVisible();
    others.push(tab);
  }
  await expect.poll(() => watcherCount(endpoint)).toBe(1);
  const ninth = await context.newPage();
  await openConsole(ninth);
  await ninth.close();

  // A reload: the console starts over with the recent output.
  await first.reload();
  await first.getByRole('region', { name: 'Console' }).scrollIntoViewIfNeeded();
  await expect(terminalText(first)).toContainText('from-second-5', { timeout: 30_000 });

  // A daemon restart (QEMU lives on): the relay opens the console again, the tabs show it again.
  await daemon.kill();
  await daemon.launch();
  await type(first, 'echo after-restart-$((10*10))\r');
  await expect(terminalText(first)).toContainText('after-restart-100', { timeout: 60_000 });
  await expect(terminalText(second)).toContainText('after-restart-100');

  for (const page of [first, second, ...others]) await page.close();
  await expect.poll(() => watcherCount(endpoint), { timeout: 20_000 }).toBe(0);
});
