// Playwright drives Debian's Chromium (/usr/bin/chromium): Playwright's own browser downloads
// cannot work offline, so PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and `npx playwright install` is
// never run. Each spec starts what it needs itself (a lab, the daemon, the Next server), so
// there is no webServer here; global-setup builds the dashboard when its build is stale.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  // Specs share network labs and a CPU-bound Next server: one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.HOMEPLANE_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
