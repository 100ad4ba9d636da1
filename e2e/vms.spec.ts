// The VM loop as a person does it in the browser (issue 9, "Verified"), against the real daemon
// running QEMU (TCG) on a lab bridge it serves with DHCP, and the dashboard as `npm start` runs
// it: sign in, create a VM from the form with a kernel boot of the tiny guest, watch its row go
// Running and then show the address Homeplane's DHCP gave it, without a reload; open its console,
// see the boot, type a command and see its output (in a second tab too, and again after a
// reload); reboot it and see a new boot; shut it down; delete it and see the row go and QEMU gone.
// Before that, without a boot: a VM defined but not started, then a duplicate name and a VM larger
// than the host refused in the form. Screenshots of Hosts, VMs, the form with an error and the VM
// with its console (light and dark, desktop and phone) are taken while the one guest runs.
//
// One guest boot in all (a reboot aside): the tests run in order on one world and share the VM.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { VmState } from '../proto/gen/homeplane/v1/vm.ts';
import { signIn } from './fixtures/session.ts';
import { createButton, fillCreateVmForm, type VmFormValues } from './fixtures/vm-form.ts';
import { processAlive, VmLab } from './fixtures/vm-lab.ts';

test.describe.configure({ mode: 'serial' });

/** One boot of the tiny guest to its lease takes 3-8 s under TCG here; a loaded machine gets room. */
const BOOT_MS = 90_000;
/**
 * The tiny guest has no ACPI handler (no acpid), so Shut down is the daemon's ACPI power-down
 * ignored, then QEMU made to quit after the default timeout (30 s; proto StopVm).
 */
const SHUTDOWN_MS = 60_000;
const OUT = 'test-results/screenshots';
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

const NAME = 'tiny-e2e';
/** Defined, never started: the duplicate name's other half, and a Stopped row in the screenshots. */
const DEFINED = 'defined-e2e';

let world: VmLab;
let vmId = '';
let qemuPid = 0;
/** Pages wider than the phone, gathered by the screenshots; asserted in a test of their own. */
const overflow: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  world = await VmLab.start('vms');
});

test.afterAll(async () => {
  await world?.dispose();
});

const row = (page: Page, name: string) => page.locator(`[data-vm-name="${name}"]`);
const chip = (page: Page, name: string) => row(page, name).locator('[data-state]');
const consoleSection = (page: Page) => page.locator('section[aria-label="Console"]');

async function live(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
}

/** Marks the document; expectSameDocument fails if the page was reloaded since. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}
async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

/** The console's visible rows as lines (xterm's DOM renderer: one element per row, spaces as U+00A0). */
function consoleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const rows = document.querySelector('section[aria-label="Console"] .xterm-rows');
    if (rows === null) return '';
    return [...rows.children].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n');
  });
}

/**
 * Waits until the console's rows show `pattern`. Scrolled into view first, as a person reading it
 * would: xterm stops drawing its rows while the terminal is off screen (its buffer still fills).
 */
async function expectConsole(page: Page, pattern: RegExp, what: string, timeout = 30_000): Promise<void> {
  await consoleSection(page).scrollIntoViewIfNeeded();
  await expect.poll(() => consoleText(page), { message: what, timeout }).toMatch(pattern);
}

/** Types into the console as a person at a keyboard would, as fast as Playwright can, then Enter. */
async function typeLine(page: Page, line: string): Promise<void> {
  await consoleSection(page).locator('.xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** A command whose output is not its own echo: `echo hp-$((a+b))` prints hp-<sum>. */
function marker(): { command: string; output: RegExp } {
  const a = 1000 + Math.floor(Math.random() * 9000);
  const b = 1000 + Math.floor(Math.random() * 9000);
  return { command: `echo hp-$((${a}+${b}))`, output: new RegExp(`^hp-${a + b}$`, 'm') };
}

/** The field error the form shows at `label`: aria-invalid, and the text its aria-describedby names. */
async function expectFieldError(dialog: Locator, label: string, text: RegExp): Promise<void> {
  const field = dialog.getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const describedBy = await field.getAttribute('aria-describedby');
  expect(describedBy, `${label} names its error with aria-describedby`).toBeTruthy();
  const errors = describedBy!.split(/\s+/).map((id) => dialog.page().locator(`[id="${id}"]`));
  const texts = await Promise.all(errors.map((e) => e.textContent()));
  expect(texts.join(' ')).toMatch(text);
}

/** The Create VM form filled for the tiny guest, its command line naming it in DHCP. */
function fillCreateForm(page: Page, vm: Omit<VmFormValues, 'cmdline'>): Promise<Locator> {
  return fillCreateVmForm(page, { ...vm, cmdline: world.cmdline(vm.name) });
}

async function openVms(page: Page): Promise<void> {
  await signIn(page, world.dashboard.url);
  await page.goto(`${world.dashboard.url}/vms`);
  await live(page);
}

test('the form defines a VM without starting it, and shows a duplicate name and a VM larger than the host', async ({
  page,
}) => {
  await openVms(page);
  await markDocument(page);

  let dialog = await fillCreateForm(page, { name: DEFINED, start: false });
  await createButton(dialog).click();
  await expect(dialog).toBeHidden();
  await expect(chip(page, DEFINED)).toHaveAttribute('data-state', 'stopped');
  await expect(chip(page, DEFINED)).toHaveText('Stopped');
  await expect(row(page, DEFINED).getByRole('link', { name: DEFINED })).toHaveAttribute('href', /^\/vms\/[0-9a-f-]+$/);

  // The same name again: the daemon's refusal, shown at the Name field.
  dialog = await fillCreateForm(page, { name: DEFINED, start: false });
  await createButton(dialog).click();
  await expectFieldError(dialog, 'Name', new RegExp(`a VM named "${DEFINED}" exists already`, 'i'));

  // A VM with more memory than the host: no field's error, a message naming memory and what is free.
  await dialog.getByLabel('Name', { exact: true }).fill('huge-e2e');
  await dialog.getByLabel('Memory (MiB)', { exact: true }).fill(String(4 * 1024 * 1024));
  await createButton(dialog).click();
  await expect(dialog.getByRole('alert')).toContainText(/needs 4194304 MiB of memory but the host has \d+ free/i);
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  expect((await world.listVms()).map((v) => v.name)).toEqual([DEFINED]);
  await expect(page.locator('[data-vm-name]')).toHaveCount(1);
  await expectSameDocument(page);
});

test('Create with "Start after create": the row goes Running, then shows the address Homeplane leased it', async ({
  page,
}) => {
  test.setTimeout(BOOT_MS + 60_000);
  await openVms(page);
  await markDocument(page);
  const dialog = await fillCreateForm(page, { name: NAME, vcpus: 1, memoryMib: 128, diskGib: 1, start: true });
  await createButton(dialog).click();
  await expect(dialog).toBeHidden();

  await expect(row(page, NAME)).toBeVisible();
  vmId = (await row(page, NAME).getAttribute('data-vm-id'))!;
  expect(vmId).toMatch(/^[0-9a-f-]{36}$/);
  await expect(chip(page, NAME)).toHaveAttribute('data-state', 'running', { timeout: BOOT_MS });
  await expect(chip(page, NAME)).toHaveText('Running');
  const addressCell = row(page, NAME).getByTestId('vm-address');
  const inPool = new RegExp(`^${world.subnetBase.replace(/\./g, '\\.')}\\.1\\d\\d$`);
  await expect(addressCell).toHaveText(inPool, { timeout: BOOT_MS });
  await expectSameDocument(page);

  // What the row shows is the daemon's: the VM's address, and the lease Homeplane holds for its MAC.
  const shown = (await addressCell.textContent())!.trim();
  const vm = await world.getVm(vmId);
  expect(vm.address).toBe(shown);
  const lease = (await world.listLeases()).find((l) => l.hwAddress === vm.mac);
  expect(lease?.address, `a lease for ${vm.mac}`).toBe(shown);
  expect(lease?.hostname).toBe(NAME);
  qemuPid = world.qemuPid(vmId) ?? 0;
  expect(processAlive(qemuPid), `QEMU (pid file: ${qemuPid})`).toBe(true);
});

test('the console shows the boot, runs what is typed, in a second tab too, and again after a reload', async ({
  page,
  context,
}) => {
  await signIn(page, world.dashboard.url);
  await page.goto(`${world.dashboard.url}/vms/${vmId}`);
  await live(page);
  await expectConsole(page, /homeplane-guest: leased \d+\.\d+\.\d+\.\d+/, 'the boot lines, from the recent output');
  await expectConsole(page, /homeplane-guest: ready/, 'the guest is ready');

  const first = marker();
  await typeLine(page, first.command);
  await expectConsole(page, first.output, `the output of ${first.command}`);

  // A second tab on the same console: the same output, and what it types shows in both.
  const second = await context.newPage();
  await second.goto(`${world.dashboard.url}/vms/${vmId}`);
  await live(second);
  await expectConsole(second, first.output, 'the second tab shows the output typed in the first');
  const other = marker();
  await typeLine(second, other.command);
  await expectConsole(second, other.output, 'the second tab runs what it types');
  await expectConsole(page, other.output, 'the first tab shows what the second typed');
  await second.close();

  // A reload: the recent output again.
  await page.reload();
  await live(page);
  await expectConsole(page, other.output, 'the recent output after a reload');
  const third = marker();
  await typeLine(page, third.command);
  await expectConsole(page, third.output, 'input still reaches the guest after the reload');
});

test('screenshots of Hosts, VMs, the form with an error and the VM with its console', async ({ browser }) => {
  test.setTimeout(240_000);
  mkdirSync(OUT, { recursive: true });
  for (const viewport of VIEWPORTS) for (const scheme of SCHEMES) await shoot(browser, viewport, scheme);
});

test('Reboot: confirmed in a dialog, the VM comes back Running with a new boot on the console', async ({ page }) => {
  test.setTimeout(BOOT_MS + 60_000);
  await signIn(page, world.dashboard.url);
  await page.goto(`${world.dashboard.url}/vms/${vmId}`);
  await live(page);
  await expectConsole(page, /homeplane-guest:/, 'the console before the reboot');
  // A clear screen first: the next "ready" on it can only be the new boot's.
  await typeLine(page, 'clear');
  await expect.poll(() => consoleText(page), { message: 'the cleared console' }).not.toMatch(/homeplane-guest:/);

  await page.getByRole('button', { name: 'Reboot', exact: true }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText(NAME);
  await confirm.getByRole('button', { name: 'Reboot', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expectConsole(page, /homeplane-guest: ready/, 'the new boot', BOOT_MS);
  await expect(page.locator('[data-state="running"]').first()).toHaveText('Running');
  expect(world.qemuPid(vmId), 'a reset, not a new QEMU').toBe(qemuPid);
  expect((await world.getVm(vmId)).state).toBe(VmState.VM_STATE_RUNNING);
});

test('Shut down, then Delete: the row goes from the open list and QEMU is gone', async ({ page, context }) => {
  test.setTimeout(SHUTDOWN_MS + 60_000);
  await openVms(page);
  await markDocument(page);
  await expect(chip(page, NAME)).toHaveAttribute('data-state', 'running');

  const detail = await context.newPage();
  await detail.goto(`${world.dashboard.url}/vms/${vmId}`);
  await live(detail);
  await detail.getByRole('button', { name: 'Shut down', exact: true }).click();
  let confirm = detail.getByRole('alertdialog');
  await expect(confirm).toContainText(NAME);
  await confirm.getByRole('button', { name: 'Shut down', exact: true }).click();
  // The guest ignores the ACPI button: the daemon makes QEMU quit after its timeout.
  await expect(chip(page, NAME)).toHaveAttribute('data-state', 'stopped', { timeout: SHUTDOWN_MS });
  await expect(chip(page, NAME)).toHaveText('Stopped');
  expect(processAlive(qemuPid), `QEMU ${qemuPid} after the shutdown`).toBe(false);

  await detail.getByRole('button', { name: 'Delete', exact: true }).click();
  confirm = detail.getByRole('alertdialog');
  await expect(confirm).toContainText(NAME);
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(row(page, NAME)).toHaveCount(0);
  await expect(row(page, DEFINED)).toHaveCount(1);
  await expectSameDocument(page);
  expect(world.qemuPid(vmId), 'its pid file went with its folder').toBeNull();
  expect(processAlive(qemuPid)).toBe(false);
  expect((await world.listVms()).map((v) => v.name)).toEqual([DEFINED]);
});

test('no page is wider than a phone', () => {
  expect(overflow, 'pages wider than the phone').toEqual([]);
});

// --- screenshots ---

/** Waits until what a page draws has arrived: the stream is live and nothing is still loading. */
async function settle(page: Page): Promise<void> {
  await live(page);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

async function shoot(
  browser: Browser,
  viewport: (typeof VIEWPORTS)[number],
  scheme: (typeof SCHEMES)[number],
): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    colorScheme: scheme,
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const snap = async (what: string) => {
    if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
    const name = `${what}-${viewport.name}-${scheme}.png`;
    const file = join(OUT, name);
    await page.screenshot({ path: file, fullPage: true });
    await test.info().attach(name, { path: file, contentType: 'image/png' });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    if (viewport.name === 'phone' && scrollWidth > innerWidth)
      overflow.push(`${what} (${scheme}): ${scrollWidth} px wide in a ${innerWidth} px window`);
  };
  try {
    await signIn(page, world.dashboard.url);
    await page.goto(`${world.dashboard.url}/hosts`);
    await settle(page);
    await snap('vm-hosts');

    await page.goto(`${world.dashboard.url}/vms`);
    await settle(page);
    await expect(row(page, NAME).getByTestId('vm-address')).toHaveText(/\d+\.\d+\.\d+\.\d+/);
    await snap('vm-list');

    const dialog = await fillCreateForm(page, { name: DEFINED, start: false });
    await createButton(dialog).click();
    await expect(dialog.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await snap('vm-create-error');
    await page.keyboard.press('Escape');

    await page.goto(`${world.dashboard.url}/vms/${vmId}`);
    await settle(page);
    await expectConsole(page, /homeplane-guest: /, 'the console in the screenshot');
    await snap('vm-console');
  } finally {
    await context.close();
  }
}
