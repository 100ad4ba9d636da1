// The VM pages against the real daemon in a lab (a VM's DHCP reservation needs a subnet on its
// bridge), with the tiny guest's kernel and initrd in the image folder, no guest booted: the
// Create VM form's refusals at their fields (a bad name in the browser, a duplicate name and a
// capacity refusal from the daemon), a VM created with "Start after create" off appearing as
// Stopped without a reload, the Hosts page's capacity following it, its delete confirmation
// saying what it removes and the row going, and screenshots of the pages light and dark, desktop
// and phone (test-results/vm-pages/). The booted loop is e2e/vms.spec.ts.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
import { ensureTinyGuest } from '../scripts/guest/tiny.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { createAdmin, signIn } from './fixtures/session.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;
const OUT = 'test-results/vm-pages';

test.describe.configure({ mode: 'serial' });

let dir: string;
let lab: Lab;
let daemon: LabDaemon;
let dashboard: Dashboard;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const guest = await ensureTinyGuest();
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  const images = join(dir, 'images');
  mkdirSync(images, { recursive: true });
  copyFileSync(guest.kernel, join(images, 'vmlinuz-tiny'));
  copyFileSync(guest.initrd, join(images, 'initrd-tiny.img'));
  lab = await Lab.create({ name: 'e2e-vmpg', subnets: [{ clients: 0 }] });
  daemon = await LabDaemon.start(
    lab,
    (dataDir) => ({
      ...labConfig(lab, dataDir),
      grpc: { listen: `unix:${join(dir, 'grpc.sock')}` },
      hypervisor: { bridge: lab.subnets[0]!.serverInterface, accel: 'tcg', imageDirs: [images] },
    }),
    { dir },
  );
  const endpoint = JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', daemon.configFile], { encoding: 'utf8' }),
  ) as { grpc: string; tokenFile: string };
  await createAdmin({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  dashboard = await startDashboard({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  mkdirSync(OUT, { recursive: true });
});

test.afterAll(async () => {
  await dashboard?.stop();
  await daemon?.dispose();
  await lab?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (page: Page, name: string) => page.locator(`[data-vm-name="${name}"]`);
const dialog = (page: Page) => page.getByRole('dialog', { name: 'Create VM' });

async function openVms(page: Page): Promise<void> {
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/vms`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  // A reload would start a new document without this mark.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

async function fillCreate(page: Page, values: { name: string; memory?: string; disk?: string; start?: boolean }) {
  const form = dialog(page);
  await form.getByLabel('Name', { exact: true }).fill(values.name);
  await form.getByLabel('Memory (MiB)', { exact: true }).fill(values.memory ?? '64');
  await form.getByLabel('Disk (GiB)', { exact: true }).fill(values.disk ?? '1');
  await form.getByRole('checkbox', { name: 'Start after create' }).setChecked(values.start ?? false);
}

/** The field's error: aria-invalid, and aria-describedby naming the text under it. */
async function expectFieldError(page: Page, label: string, text: RegExp): Promise<void> {
  const field = dialog(page).getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const describedBy = await field.getAttribute('aria-describedby');
  expect(describedBy).toBeTruthy();
  await expect(page.locator(`[id="${describedBy}"]`)).toHaveText(text);
}

test('the Create VM form: its fields in order, refusals at their field, a VM created stopped shows without a reload', async ({
  page,
}) => {
  await openVms(page);
  await expect(page.getByTestId('vms-empty')).toContainText('Create one with “Create VM”');
  await page.getByRole('button', { name: 'Create VM' }).click();
  const form = dialog(page);
  await expect(form).toBeVisible();

  // The labels in the order, the boot radios, the native selects showing file names.
  const labels = await form.locator('label').allInnerTexts();
  const order = [
    'Name',
    'vCPUs',
    'Memory (MiB)',
    'Disk (GiB)',
    'Kernel',
    'ISO',
    'Disk image',
    'Kernel',
    'Initrd',
    'Command line',
    'Start after create',
    'Autostart',
  ];
  expect(labels.map((l) => l.trim())).toEqual(order);
  await expect(form.getByRole('radio', { name: 'Kernel' })).toBeChecked();
  await expect(form.getByRole('combobox', { name: 'Kernel' })).toHaveValue(/vmlinuz-tiny$/);
  await expect(form.getByRole('combobox', { name: 'Kernel' }).locator('option:checked')).toHaveText('vmlinuz-tiny');
  await expect(form.getByRole('combobox', { name: 'Initrd' }).locator('option:checked')).toHaveText('initrd-tiny.img');
  await expect(form.getByLabel(/Memory|Disk/)).toHaveCount(3); // Memory (MiB), Disk (GiB), and the "Disk image" radio
  await expect(form.getByRole('button', { name: 'Create' })).toBeVisible();

  // A name that is no DNS label: caught in the browser, at the Name field.
  await fillCreate(page, { name: 'Bad_Name' });
  await form.getByRole('button', { name: 'Create' }).click();
  await expectFieldError(page, 'Name', /capital letters|not a DNS label/);
  await expect(form.getByLabel('Name', { exact: true })).toBeFocused();

  // A good one with "Start after create" off: the dialog closes, the row comes from the stream.
  await fillCreate(page, { name: 'web-1' });
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form).toBeHidden();
  const created = row(page, 'web-1');
  await expect(created).toBeVisible();
  await expect(created.locator('[data-state]')).toHaveAttribute('data-state', 'stopped');
  await expect(created.locator('[data-state]')).toHaveText('Stopped');
  await expect(created.getByRole('link', { name: 'web-1' })).toHaveAttribute('href', /^\/vms\/[0-9a-f-]{36}$/);
  await expect(created.getByTestId('vm-address')).toHaveText('—');
  await expect(page.getByTestId('vm-count')).toHaveText('1 VM');
  await expectSameDocument(page);

  // The same name again: the daemon's ALREADY_EXISTS, at the Name field.
  await page.getByRole('button', { name: 'Create VM' }).click();
  await fillCreate(page, { name: 'web-1' });
  await dialog(page).getByRole('button', { name: 'Create' }).click();
  await expectFieldError(page, 'Name', /A VM named "web-1" exists already/);

  // More memory than the host has: the daemon's capacity refusal, naming the resource and what is free.
  await fillCreate(page, { name: 'big', memory: '4000000' });
  await dialog(page).getByRole('button', { name: 'Create' }).click();
  const alert = dialog(page).getByRole('alert');
  await expect(alert).toContainText('Not enough memory on the host');
  await expect(alert).toContainText(/needs 4000000 MiB of memory but the host has \d+ free/);
  await page.screenshot({ path: join(OUT, 'create-error-desktop-light.png') });
  await dialog(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('vm-count')).toHaveText('1 VM');

  // The filter is in the URL.
  await page.getByLabel('Filter VMs').fill('nothing-like-it');
  await expect(page).toHaveURL(/\/vms\?q=nothing-like-it$/);
  await expect(row(page, 'web-1')).toHaveCount(0);
  await page.getByLabel('State').selectOption('stopped');
  await page.getByLabel('Filter VMs').fill('');
  await expect(page).toHaveURL(/\/vms\?state=stopped$/);
  await expect(row(page, 'web-1')).toBeVisible();
});

test('the Hosts page and the Overview show the capacity the VM holds', async ({ page }) => {
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/hosts`);
  const memory = page.getByTestId('capacity-memory');
  await expect(memory).toHaveAttribute('data-allocated', '64');
  await expect(memory).toContainText(/64 of [\d,]+ MiB allocated/);
  await expect(page.getByTestId('capacity-vcpus')).toContainText(/1 of [\d,]+ vCPUs allocated/);
  await expect(page.getByTestId('capacity-disk')).toContainText(/1 of [\d,]+ GiB allocated/);
  await expect(page.getByText('7.2', { exact: false }).first()).toBeVisible();
  await page.goto(`${dashboard.url}/`);
  await expect(page.getByTestId('vm-count-stopped')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('host-capacity').getByTestId('capacity-memory')).toHaveAttribute(
    'data-allocated',
    '64',
  );
});

async function shoot(browser: Browser, width: number, height: number, scheme: 'light' | 'dark', tag: string) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const wide: string[] = [];
  try {
    await signIn(page, dashboard.url);
    await page.goto(`${dashboard.url}/vms`);
    const id = await row(page, 'web-1').getAttribute('data-vm-id');
    for (const [path, name] of [
      ['/vms', 'vms'],
      [`/vms/${id}`, 'vm'],
      ['/hosts', 'hosts'],
      ['/', 'overview'],
    ] as const) {
      await page.goto(`${dashboard.url}${path}`);
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      await page.screenshot({ path: join(OUT, `${name}-${tag}-${scheme}.png`), fullPage: true });
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      if (scrollWidth > innerWidth) wide.push(`${path}: ${scrollWidth} px in ${innerWidth}`);
    }
    await page.goto(`${dashboard.url}/vms`);
    await page.getByRole('button', { name: 'Create VM' }).click();
    await fillCreate(page, { name: 'web-1' });
    await dialog(page).getByRole('button', { name: 'Create' }).click();
    await expect(dialog(page).getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await page.screenshot({ path: join(OUT, `create-error-${tag}-${scheme}.png`) });
  } finally {
    await context.close();
  }
  return wide;
}

test('screenshots: light and dark, desktop and phone, no page wider than a phone', async ({ browser }) => {
  test.setTimeout(120_000);
  const wide: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await shoot(browser, 1280, 800, scheme, 'desktop');
    wide.push(...(await shoot(browser, 390, 844, scheme, 'phone')));
  }
  expect(wide).toEqual([]);
});

test('delete: the confirmation names the VM and what goes with it, and the row goes', async ({ page }) => {
  await openVms(page);
  await row(page, 'web-1').getByRole('link', { name: 'web-1' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('web-1');
  await expect(page.getByTestId('vm-reservation')).toContainText('52:54:00');
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Shut down' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete web-1?' });
  await expect(confirm).toContainText('1 GiB disk');
  await expect(confirm).toContainText('DHCP reservation');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/vms$/);
  await expect(row(page, 'web-1')).toHaveCount(0);
  await expect(page.getByTestId('vms-empty')).toBeVisible();
  await expectSameDocument(page);
});
