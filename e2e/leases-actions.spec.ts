// The Leases page's actions against the real daemon and a real udhcpc: Release frees the lease in
// the daemon (GetLease says released) and the row changes through the stream, not by a reload;
// Reserve makes a reservation (ReservationService lists it) that the client's next renewal obeys:
// it keeps its address when reserved as it is, and moves when the operator chose another address.
import { expect, test, type Page } from '@playwright/test';
import { LeaseState } from '../proto/gen/homeplane/v1/lease.ts';
import { LeaseLab } from './fixtures/lease-lab.ts';
import { signIn } from './fixtures/session.ts';
import { macOf, Udhcpc } from './fixtures/udhcpc.ts';

test.describe.configure({ mode: 'serial' });

let world: LeaseLab;

test.beforeAll(async () => {
  world = await LeaseLab.start('e2e-act', 3);
});

test.afterAll(async () => {
  await world?.dispose();
});

const row = (page: Page, address: string) => page.locator(`[data-address="${address}"]`);

async function openLeases(page: Page): Promise<void> {
  await signIn(page, world.dashboard.url);
  await page.goto(`${world.dashboard.url}/leases`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

test('Release, confirmed, frees the lease in the daemon and the row changes live', async ({ page }) => {
  const { address } = await Udhcpc.lease(world.lab, world.lab.clients[0]!, world.dir, { hostname: 'to-release' });
  await openLeases(page);
  await expect(row(page, address)).toHaveAttribute('data-state', 'active');

  await row(page, address)
    .getByRole('button', { name: `Release ${address}` })
    .click();
  const dialog = page.getByRole('dialog', { name: `Release ${address}?` });
  await expect(dialog).toBeVisible();
  // Cancel leaves the lease alone.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect((await world.getLease(address)).state).toBe(LeaseState.LEASE_STATE_ACTIVE);

  await row(page, address)
    .getByRole('button', { name: `Release ${address}` })
    .click();
  await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
  await expect(row(page, address)).toHaveAttribute('data-state', 'released');
  await expect(row(page, address)).toContainText('Released');
  await expect(row(page, address).getByRole('button', { name: `Release ${address}` })).toHaveCount(0);
  expect((await world.getLease(address)).state).toBe(LeaseState.LEASE_STATE_RELEASED);
  await expectSameDocument(page);
});

test('Reserve in one click: the reservation exists, the row says Reserved, the next renewal keeps the address', async ({
  page,
}) => {
  const client = world.lab.clients[1]!;
  const { udhcpc, address } = await Udhcpc.lease(world.lab, client, world.dir, { hostname: 'keeper' });
  await openLeases(page);
  await expect(row(page, address)).toHaveAttribute('data-reserved', 'false');

  await row(page, address)
    .getByRole('button', { name: `Reserve ${address}` })
    .click();
  const dialog = page.getByRole('dialog', { name: `Reserve ${address}` });
  await expect(dialog.getByLabel('Address')).toHaveValue(address);
  await expect(dialog.getByLabel('Host name')).toHaveValue('keeper');
  // The confirm button has the focus: Enter is the one click.
  await expect(dialog.getByRole('button', { name: 'Reserve' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();

  await expect(row(page, address)).toHaveAttribute('data-reserved', 'true');
  await expect(row(page, address)).toContainText('Reserved');
  const mac = await macOf(world.lab, client);
  const reservation = (await world.listReservations()).find((r) => r.address === address);
  expect(reservation, 'ReservationService lists the new reservation').toBeDefined();
  expect(reservation!.hostname).toBe('keeper');
  expect([reservation!.mac, reservation!.clientId].some((id) => id !== '')).toBe(true);

  expect(await udhcpc.renew()).toBe(address);
  expect((await world.getLease(address)).hwAddress).toBe(mac);
  await expectSameDocument(page);
});

test('Reserve with an edited address: refused in words at the field when wrong, and the client moves there at renewal', async ({
  page,
}) => {
  const client = world.lab.clients[2]!;
  const { udhcpc, address } = await Udhcpc.lease(world.lab, client, world.dir, { hostname: 'mover' });
  await openLeases(page);
  await row(page, address)
    .getByRole('button', { name: `Reserve ${address}` })
    .click();
  const dialog = page.getByRole('dialog', { name: `Reserve ${address}` });
  const field = dialog.getByLabel('Address');

  // Outside every configured subnet: the daemon refuses, and the form says why at the field.
  await field.fill('192.0.2.10');
  await dialog.getByRole('button', { name: 'Reserve' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByRole('alert')).toContainText('192.0.2.10 is not a host address of any configured subnet');

  // An address of the subnet outside the pool (10.123.0.100-199): the client's new home.
  const target = address.replace(/\.\d+$/, '.50');
  await field.fill(target);
  await dialog.getByRole('button', { name: 'Reserve' }).click();
  await expect(dialog).toBeHidden();
  const reservation = (await world.listReservations()).find((r) => r.address === target);
  expect(reservation, 'ReservationService lists the reservation at the edited address').toBeDefined();
  // The lease's client, by the identity CreateReservationFromLease would pick: udhcpc sends a
  // client id (01 + its MAC), so the reservation is by client id.
  const lease = await world.getLease(address);
  expect(lease.hwAddress).toBe(await macOf(world.lab, client));
  expect(reservation!.clientId !== '' ? reservation!.clientId : reservation!.mac).toBe(
    lease.clientId !== '' ? lease.clientId : lease.hwAddress,
  );

  // At its next renewal the server NAKs the old address and the client starts over on the new one.
  expect(await udhcpc.renew()).toBe(target);
  await expect(row(page, target)).toHaveAttribute('data-state', 'active');
  await expect(row(page, target)).toHaveAttribute('data-reserved', 'true');
  await expectSameDocument(page);
});
