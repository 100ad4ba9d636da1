// The Reservations page against the real daemon in a lab (a DHCP subnet is what reservations
// belong to): a config-file reservation is listed read-only; one made in the dashboard is
// created, refused at the right field for each kind of mistake, edited and deleted, and each
// change shows on the open page from the event stream.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LabDaemon, labConfig } from '../scripts/lab/daemon.ts';
import { Lab } from '../scripts/lab/lab.ts';
import { startDashboard, type Dashboard } from './fixtures/dashboard.ts';
import { createAdmin, signIn } from './fixtures/session.ts';

const HOMEPLANE = new URL('../bin/homeplane.mjs', import.meta.url).pathname;
const CONFIG_MAC = '52:54:00:00:0c:01';

test.describe.configure({ mode: 'serial' });

let dir: string;
let lab: Lab;
let daemon: LabDaemon;
let dashboard: Dashboard;
let base: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeplane-e2e-'));
  lab = await Lab.create({ name: 'e2e-resv', subnets: [{ clients: 1 }] });
  base = lab.subnets[0]!.serverAddress!.split('.').slice(0, 3).join('.');
  daemon = await LabDaemon.start(
    lab,
    (dataDir) => ({
      ...labConfig(lab, dataDir, {}, { reservations: [{ mac: CONFIG_MAC, ip: `${base}.10`, hostname: 'config-nas' }] }),
      grpc: { listen: `unix:${join(dir, 'grpc.sock')}` },
    }),
    { dir },
  );
  const endpoint = JSON.parse(
    execFileSync(process.execPath, [HOMEPLANE, 'endpoint', '--config', daemon.configFile], { encoding: 'utf8' }),
  ) as { grpc: string; tokenFile: string };
  await createAdmin({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
  dashboard = await startDashboard({ target: endpoint.grpc, tokenFile: endpoint.tokenFile });
});

test.afterAll(async () => {
  await dashboard?.stop();
  await daemon?.dispose();
  await lab?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (page: Page, address: string) => page.locator(`tr[data-address="${address}"]`);
const dialog = (page: Page) => page.getByRole('dialog');
const fieldError = (page: Page, field: string) => page.getByTestId(`field-error-${field}`);

async function openReservations(page: Page): Promise<void> {
  await signIn(page, dashboard.url);
  await page.goto(`${dashboard.url}/reservations`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  // A reload would start a new document without this mark.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

async function fillForm(page: Page, values: { address?: string; mac?: string; hostname?: string }): Promise<void> {
  const form = dialog(page);
  if (values.address !== undefined)
    await form.getByRole('textbox', { name: 'Address', exact: true }).fill(values.address);
  if (values.mac !== undefined) await form.getByRole('textbox', { name: 'MAC address', exact: true }).fill(values.mac);
  if (values.hostname !== undefined) await form.getByRole('textbox', { name: /Host name/ }).fill(values.hostname);
}

test('a config-file reservation is listed, marked, and offers no edit or delete', async ({ page }) => {
  await openReservations(page);
  const configured = row(page, `${base}.10`);
  await expect(configured).toHaveAttribute('data-source', 'config');
  await expect(configured).toContainText('From the config file');
  await expect(configured).toContainText('config-nas');
  await expect(configured).toContainText(CONFIG_MAC);
  await expect(configured.getByRole('button')).toHaveCount(0);
  await expect(page.getByTestId('reservation-count')).toHaveText('1 reservation');
});

test('create: each mistake is shown at its field, then the reservation appears live', async ({ page }, info) => {
  await openReservations(page);
  await page.getByRole('button', { name: 'New reservation' }).click();
  await expect(dialog(page)).toBeVisible();
  const submit = dialog(page).getByRole('button', { name: 'Create reservation' });

  // A malformed MAC: the browser says so before asking the daemon.
  await fillForm(page, { address: `${base}.20`, mac: '52:54:00:zz', hostname: 'printer' });
  await submit.click();
  await expect(fieldError(page, 'mac')).toContainText('is not a MAC address');
  await expect(dialog(page).getByRole('textbox', { name: 'MAC address', exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  );

  // An address in no configured subnet: the daemon refuses it, at the address.
  await fillForm(page, { address: '192.168.77.5', mac: '52:54:00:00:0c:02' });
  await submit.click();
  await expect(fieldError(page, 'address')).toContainText('192.168.77.5 is not in any subnet this daemon serves');
  await expect(fieldError(page, 'mac')).toHaveCount(0);
  // The form keeps what was typed.
  await expect(dialog(page).getByRole('textbox', { name: /Host name/ })).toHaveValue('printer');

  // The config reservation's MAC: a collision, at the MAC, naming what it collides with.
  await fillForm(page, { address: `${base}.20`, mac: CONFIG_MAC.toUpperCase() });
  await submit.click();
  await expect(fieldError(page, 'mac')).toContainText(
    `${CONFIG_MAC} already has a reservation: ${base}.10 (config-nas), from the config file`,
  );
  await page.screenshot({ path: info.outputPath('reservation-form-collision.png') });

  // The config reservation's address: a collision at the address.
  await fillForm(page, { address: `${base}.10`, mac: '52:54:00:00:0c:02' });
  await submit.click();
  await expect(fieldError(page, 'address')).toContainText(`${base}.10 is already reserved for another client`);
  await expect(fieldError(page, 'mac')).toHaveCount(0);

  await fillForm(page, { address: `${base}.20`, mac: '52-54-00-00-0C-02' });
  await submit.click();
  await expect(dialog(page)).toHaveCount(0);
  const created = row(page, `${base}.20`);
  await expect(created).toHaveAttribute('data-source', 'api');
  await expect(created).toContainText('printer');
  await expect(created).toContainText('52:54:00:00:0c:02');
  await expect(page.getByTestId('reservation-count')).toHaveText('2 reservations');
  await expectSameDocument(page);

  // Stored by the daemon: a fresh load lists it.
  await page.reload();
  await expect(row(page, `${base}.20`)).toContainText('printer');
});

test('edit: a collision is shown at its field; a good change shows live', async ({ page }) => {
  await openReservations(page);
  await page.getByRole('button', { name: `Edit reservation ${base}.20 (printer)` }).click();
  await expect(dialog(page).getByRole('textbox', { name: 'Address', exact: true })).toHaveValue(`${base}.20`);
  const save = dialog(page).getByRole('button', { name: 'Save changes' });

  await fillForm(page, { mac: CONFIG_MAC });
  await save.click();
  await expect(fieldError(page, 'mac')).toContainText('already has a reservation');

  await fillForm(page, { address: `${base}.21`, mac: '52:54:00:00:0c:02', hostname: 'printer-2' });
  await save.click();
  await expect(dialog(page)).toHaveCount(0);
  await expect(row(page, `${base}.21`)).toContainText('printer-2');
  await expect(row(page, `${base}.20`)).toHaveCount(0);
  await expectSameDocument(page);
});

test('options: each mistake at its row and field, in words; saved options show in the row and come back to the form', async ({
  page,
}, info) => {
  await openReservations(page);
  const edit = () => page.getByRole('button', { name: `Edit reservation ${base}.21 (printer-2)` }).click();
  await edit();
  const form = dialog(page);
  const option = (n: number) => form.getByRole('group', { name: `Option ${n}` });
  const save = form.getByRole('button', { name: 'Save changes' });

  // Two rows, two mistakes only the daemon can see: a misspelt name, an MTU below IPv4's minimum.
  await form.getByRole('button', { name: 'Add option' }).click();
  await option(1).getByRole('textbox', { name: 'Option 1', exact: true }).fill('domain-name-server');
  await option(1).getByRole('textbox', { name: 'Value of option 1', exact: true }).fill('10.123.0.99');
  await form.getByRole('button', { name: 'Add option' }).click();
  await option(2).getByRole('textbox', { name: 'Option 2', exact: true }).fill('26');
  await option(2).getByRole('textbox', { name: 'Value of option 2', exact: true }).fill('40');
  await save.click();
  await expect(fieldError(page, 'option-0-option')).toContainText(
    '"domain-name-server" is not an option name known here (did you mean "domain-name-servers"?)',
  );
  await expect(fieldError(page, 'option-1-data')).toContainText('below 68, the smallest MTU IPv4 allows');
  await expect(option(1).getByRole('textbox', { name: 'Option 1', exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  // What was typed is kept.
  await expect(option(2).getByRole('textbox', { name: 'Value of option 2', exact: true })).toHaveValue('40');
  await page.screenshot({ path: info.outputPath('reservation-options-errors.png'), fullPage: true });

  // A row the browser can judge: a value with no option named.
  await form.getByRole('button', { name: 'Add option' }).click();
  await option(3).getByRole('textbox', { name: 'Value of option 3', exact: true }).fill('x');
  await save.click();
  await expect(fieldError(page, 'option-2-option')).toContainText('Name the option');

  // Fixed, and an unnamed code with its type, always sent; plus a boot file for this client.
  await option(1).getByRole('textbox', { name: 'Option 1', exact: true }).fill('domain-name-servers');
  await option(2).getByRole('textbox', { name: 'Value of option 2', exact: true }).fill('9000');
  await option(3).getByRole('textbox', { name: 'Option 3', exact: true }).fill('252');
  await option(3).getByRole('combobox', { name: 'Type' }).selectOption('string');
  await option(3).getByRole('textbox', { name: 'Value of option 3', exact: true }).fill('http://wpad.lab/wpad.dat');
  await option(3).getByRole('checkbox', { name: 'Send even when not asked for' }).check();
  await form.getByText('Network boot').click();
  await form.getByRole('textbox', { name: 'Boot file' }).fill('undionly.kpxe');
  await save.click();
  await expect(dialog(page)).toHaveCount(0);
  const saved = row(page, `${base}.21`).getByTestId('reservation-options');
  await expect(saved).toContainText('domain-name-servers 10.123.0.99');
  await expect(saved).toContainText('interface-mtu 9000');
  await expect(saved).toContainText('option 252 http://wpad.lab/wpad.dat');
  await expect(saved).toContainText('boot file undionly.kpxe');
  await expectSameDocument(page);

  // Stored by the daemon: after a reload the form shows them again, by name or by code and type.
  await page.reload();
  await edit();
  await expect(option(1).getByRole('textbox', { name: 'Option 1', exact: true })).toHaveValue('domain-name-servers');
  await expect(option(2).getByRole('textbox', { name: 'Option 2', exact: true })).toHaveValue('interface-mtu');
  await expect(option(3).getByRole('textbox', { name: 'Option 3', exact: true })).toHaveValue('252');
  await expect(option(3).getByRole('combobox', { name: 'Type' })).toHaveValue('string');
  await expect(option(3).getByRole('checkbox', { name: 'Send even when not asked for' })).toBeChecked();
  await expect(form.getByRole('textbox', { name: 'Boot file' })).toHaveValue('undionly.kpxe');

  // Removing a row removes the option.
  await form.getByRole('button', { name: 'Remove option 2' }).click();
  await expect(form.getByRole('group', { name: /^Option \d$/ })).toHaveCount(2);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog(page)).toHaveCount(0);
  await expect(saved).not.toContainText('interface-mtu');
  await expect(saved).toContainText('option 252');
});

test('delete asks first, then the row goes', async ({ page }) => {
  await openReservations(page);
  await page.getByRole('button', { name: `Delete reservation ${base}.21 (printer-2)` }).click();
  await expect(dialog(page)).toContainText(`Delete the reservation of ${base}.21 (printer-2)?`);
  // Cancel keeps it.
  await dialog(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog(page)).toHaveCount(0);
  await expect(row(page, `${base}.21`)).toHaveCount(1);

  await page.getByRole('button', { name: `Delete reservation ${base}.21 (printer-2)` }).click();
  await dialog(page).getByRole('button', { name: 'Delete reservation' }).click();
  await expect(dialog(page)).toHaveCount(0);
  await expect(row(page, `${base}.21`)).toHaveCount(0);
  await expect(page.getByTestId('reservation-count')).toHaveText('1 reservation');
  await expectSameDocument(page);
});

test('the whole workflow works from the keyboard alone', async ({ page }) => {
  await openReservations(page);
  await page.getByRole('button', { name: 'New reservation' }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog(page).getByRole('textbox', { name: 'Address', exact: true })).toBeFocused();
  await page.keyboard.type(`${base}.50`);
  await page.keyboard.press('Tab'); // subnet
  await page.keyboard.press('Tab'); // "Recognise the client by": MAC address
  await expect(dialog(page).getByRole('radio', { name: 'MAC address' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.type('52:54:00:00:0c:50');
  await page.keyboard.press('Tab');
  await page.keyboard.type('tv');
  await page.keyboard.press('Enter');
  await expect(dialog(page)).toHaveCount(0);
  await expect(row(page, `${base}.50`)).toContainText('tv');

  // Escape closes a dialog without a change.
  await page.getByRole('button', { name: `Edit reservation ${base}.50 (tv)` }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toHaveCount(0);

  // Delete: the confirmation opens on Cancel; the destructive button is one Tab away.
  await page.getByRole('button', { name: `Delete reservation ${base}.50 (tv)` }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog(page).getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog(page).getByRole('button', { name: 'Delete reservation' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(row(page, `${base}.50`)).toHaveCount(0);
});
