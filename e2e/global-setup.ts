// Runs once before the specs: the e2e suite tests the production build (`next start`).
import { ensureDashboardBuild } from '../scripts/dashboard-build.mjs';

export default async function globalSetup(): Promise<void> {
  await ensureDashboardBuild();
}
