// VM dashboard benchmark (issue 9): what the browser adds to the VM loop, against the same loop
// driven through the gRPC API by hand, in the same run, on one daemon (e2e/fixtures/vm-lab.ts: the
// real daemon running the tiny guest under TCG on a lab bridge it serves with DHCP, and the
// dashboard as `npm start` runs it), in Debian's Chromium.
//
//  1. Create -> address, --runs times, each round one of each (alternating which goes first),
//     every VM deleted before the next:
//     - dashboard: the click on the form's "Create" (the click event, in the page) -> the VM's row
//       on the open /vms page shows an IPv4 address in its address cell (a MutationObserver);
//     - by hand: CreateVm called -> GetVm (polled every 20 ms) gives the address.
//  2. Keystroke -> echo on one running VM's console at the shell prompt, --keys samples of each,
//     alternating:
//     - dashboard: keydown in /vms/<id> -> the character is in the console's .xterm-rows;
//     - by hand: SendConsoleInput called -> the character is in StreamConsole's output.
//     The dashboard types letters and the baseline digits, so neither mistakes the other's echo.
// Prints each figure, the medians (and p95 for the console), and dashboard / by-hand ratios.
//
//   npm run bench:vm-dashboard [-- --runs 3 --keys 20]
//
// About 2 minutes. Not part of `npm test`.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { ensureDashboardBuild } from '../dashboard-build.mjs';
import { MARKER } from '../guest/tiny.ts';
import { createButton, createVmDialog, fillCreateVmForm } from '../../e2e/fixtures/vm-form.ts';
import { VmLab } from '../../e2e/fixtures/vm-lab.ts';
import { ADMIN } from '../../e2e/fixtures/session.ts';

interface Options {
  runs: number;
  keys: number;
}

const BOOT_TIMEOUT_MS = 120_000;
const ECHO_TIMEOUT_MS = 10_000;
const POLL_MS = 20;
/** Between two keystrokes: the previous echo has been drawn and the guest is idle again. */
const KEY_GAP_MS = 100;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string', default: '3' }, keys: { type: 'string', default: '20' } },
  });
  const whole = (flag: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${flag}: "${text}" is not a whole number from ${min} to ${max}`);
    return n;
  };
  // Every keystroke stays on the prompt's line: 2 x keys characters must fit the console's width.
  return { runs: whole('runs', values.runs, 1, 20), keys: whole('keys', values.keys, 1, 30) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * In the page: the moment of the next click on the form's "Create" button and the moment the row
 * of `name` shows an address. JavaScript text: scripts/ typecheck without the DOM library.
 */
const ARM_CREATE = `(name) => {
  const probe = { clickAt: null, addressAt: null };
  window.__vmCreate = probe;
  const onClick = (event) => {
    const button = event.target.closest && event.target.closest('dialog button, [role="dialog"] button');
    if (button && button.textContent.trim() === 'Create') {
      probe.clickAt = performance.now();
      document.removeEventListener('click', onClick, true);
    }
  };
  document.addEventListener('click', onClick, true);
  const seen = () => {
    const cell = document.querySelector('[data-vm-name="' + name + '"] [data-testid="vm-address"]');
    if (probe.addressAt === null && cell && /\\d+\\.\\d+\\.\\d+\\.\\d+/.test(cell.textContent || '')) {
      probe.addressAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
}`;

/**
 * In the page: for the next keydown of `key`, the moment of the keydown (capture phase, before
 * xterm's own listener) and the moment the console's rows hold one more `key` than they did then.
 */
const ARM_KEY = `(key) => {
  const rows = document.querySelector('section[aria-label="Console"] .xterm-rows');
  const count = () => (rows.textContent || '').split(key).length - 1;
  const probe = { downAt: null, shownAt: null };
  window.__vmKey = probe;
  let before = 0;
  const onKey = (event) => {
    if (event.key !== key) return;
    before = count();
    probe.downAt = performance.now();
    window.removeEventListener('keydown', onKey, true);
  };
  window.addEventListener('keydown', onKey, true);
  const observer = new MutationObserver(() => {
    if (probe.downAt !== null && count() > before) {
      probe.shownAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(rows, { childList: true, subtree: true, characterData: true });
}`;

async function dashboardCreate(world: VmLab, page: Page, name: string): Promise<number> {
  await page.evaluate(`(${ARM_CREATE})(${JSON.stringify(name)})`);
  const dialog = await fillCreateVmForm(page, { name, cmdline: world.cmdline(name), start: true });
  await createButton(dialog).click();
  await page.waitForFunction('window.__vmCreate.addressAt !== null', undefined, { timeout: BOOT_TIMEOUT_MS });
  const probe = (await page.evaluate('window.__vmCreate')) as { clickAt: number | null; addressAt: number };
  if (probe.clickAt === null) throw new Error('the page saw no click on "Create"');
  await createVmDialog(page).waitFor({ state: 'hidden' });
  return probe.addressAt - probe.clickAt;
}

async function byHandCreate(world: VmLab, name: string): Promise<number> {
  const t0 = performance.now();
  const vm = await world.createVm(world.request(name, true));
  for (;;) {
    if ((await world.getVm(vm.id)).address !== '') return performance.now() - t0;
    if (performance.now() - t0 > BOOT_TIMEOUT_MS) throw new Error(`${name} had no address after ${BOOT_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/** Deletes the VM named `name` and waits until the open /vms page has dropped its row. */
async function deleteByName(world: VmLab, page: Page, name: string): Promise<void> {
  const vm = (await world.listVms()).find((v) => v.name === name);
  if (vm === undefined) throw new Error(`no VM named ${name}`);
  await world.deleteVm(vm.id);
  await page.locator(`[data-vm-name="${name}"]`).waitFor({ state: 'detached', timeout: 30_000 });
}

async function dashboardKey(page: Page, key: string): Promise<number> {
  await page.evaluate(`(${ARM_KEY})(${JSON.stringify(key)})`);
  await page.keyboard.press(key);
  await page.waitForFunction('window.__vmKey.shownAt !== null', undefined, { timeout: ECHO_TIMEOUT_MS });
  const probe = (await page.evaluate('window.__vmKey')) as { downAt: number; shownAt: number };
  return probe.shownAt - probe.downAt;
}

/** The console through StreamConsole: counts of a character, and a wait woken by each chunk. */
class ConsoleTap {
  private text = '';
  private wakers: (() => void)[] = [];
  private readonly stream: { close(): void };
  constructor(world: VmLab, id: string) {
    this.stream = world.streamConsole(id, (chunk) => {
      this.text += chunk;
      const wakers = this.wakers;
      this.wakers = [];
      for (const wake of wakers) wake();
    });
  }
  get transcript(): string {
    return this.text;
  }
  count(key: string): number {
    return this.text.split(key).length - 1;
  }
  async until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
  close(): void {
    this.stream.close();
  }
}

async function byHandKey(world: VmLab, tap: ConsoleTap, id: string, key: string): Promise<number> {
  const before = tap.count(key);
  const t0 = performance.now();
  await world.sendConsoleInput(id, key);
  await tap.until(() => tap.count(key) > before, `the echo of "${key}"`, ECHO_TIMEOUT_MS);
  return performance.now() - t0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest rank. */
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

const ms = (n: number): string => `${Math.round(n)} ms`;
const ms1 = (n: number): string => `${n.toFixed(1)} ms`;

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 });
}

async function live(page: Page): Promise<void> {
  await page.locator('[data-testid="connection-status"][data-status="live"]').waitFor({ timeout: 30_000 });
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  await ensureDashboardBuild();
  const world = await VmLab.start('vmdash');
  const browser = await chromium.launch({
    executablePath: process.env.HOMEPLANE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, world.dashboard.url);
    await page.goto(`${world.dashboard.url}/vms`);
    await live(page);

    const created = { dashboard: [] as number[], byHand: [] as number[] };
    for (let run = 1; run <= opts.runs; run++) {
      const order = run % 2 === 1 ? (['dashboard', 'byHand'] as const) : (['byHand', 'dashboard'] as const);
      for (const way of order) {
        const name = `${way === 'dashboard' ? 'dash' : 'hand'}-${run}`;
        const took = way === 'dashboard' ? await dashboardCreate(world, page, name) : await byHandCreate(world, name);
        created[way].push(took);
        console.error(`  run ${run}: ${way === 'dashboard' ? 'dashboard' : 'by hand  '} ${ms(took)}`);
        await deleteByName(world, page, name);
      }
    }

    // One VM for the console, booted by hand (its boot is not measured here).
    const consoleVm = await world.createVm(world.request('console', true));
    const tap = new ConsoleTap(world, consoleVm.id);
    const typed = { dashboard: [] as number[], byHand: [] as number[] };
    try {
      await tap.until(() => MARKER.ready.test(tap.transcript.replace(/\r/g, '')), 'the guest ready', BOOT_TIMEOUT_MS);
      await page.goto(`${world.dashboard.url}/vms/${consoleVm.id}`);
      await live(page);
      const rows = page.locator('section[aria-label="Console"] .xterm-rows');
      // In view: xterm draws no rows while the terminal is off screen.
      await page.locator('section[aria-label="Console"]').scrollIntoViewIfNeeded();
      await page.waitForFunction(
        `(document.querySelector('section[aria-label="Console"] .xterm-rows')?.textContent || '').includes('homeplane-guest#')`,
        undefined,
        { timeout: 30_000 },
      );
      await rows.click();
      await sleep(500);
      for (let i = 0; i < opts.keys; i++) {
        typed.dashboard.push(await dashboardKey(page, LETTERS[i % LETTERS.length]!));
        await sleep(KEY_GAP_MS);
        typed.byHand.push(await byHandKey(world, tap, consoleVm.id, String(i % 10)));
        await sleep(KEY_GAP_MS);
      }
      await world.sendConsoleInput(consoleVm.id, '\x15'); // Ctrl-U: the line typed is dropped
    } finally {
      tap.close();
    }

    const createRatio = median(created.dashboard) / median(created.byHand);
    const keyRatio = median(typed.dashboard) / median(typed.byHand);
    console.log(
      [
        `click "Create" -> address in the row, ${opts.runs} VMs (tiny guest, TCG), each deleted after:`,
        `  dashboard: median ${ms(median(created.dashboard))}; each ${created.dashboard.map(ms).join(', ')}`,
        `  by hand (CreateVm -> address in GetVm): median ${ms(median(created.byHand))}; each ${created.byHand.map(ms).join(', ')}`,
        `  ratio dashboard / by hand: ${createRatio.toFixed(2)}`,
        `console keystroke -> echo, ${opts.keys} samples each:`,
        `  dashboard (keydown -> .xterm-rows): median ${ms1(median(typed.dashboard))}, p95 ${ms1(p95(typed.dashboard))}; each ${typed.dashboard.map((n) => Math.round(n)).join(' ')}`,
        `  by hand (SendConsoleInput -> StreamConsole): median ${ms1(median(typed.byHand))}, p95 ${ms1(p95(typed.byHand))}; each ${typed.byHand.map((n) => Math.round(n)).join(' ')}`,
        `  ratio dashboard / by hand (medians): ${keyRatio.toFixed(2)}`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await world.dispose();
  }
}

await main();
