#!/usr/bin/env node
// Builds the dashboard (`next build`) when its production build is missing or older than any of
// its sources. Used by `npm start` and the e2e suite on their first run; never by install hooks
// (design.md). `node scripts/dashboard-build.mjs [--force]` runs it by hand.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the build is made from: a change to any of these makes it stale. */
const SOURCES = [
  'app',
  'proto/gen',
  'instrumentation.ts',
  'proxy.ts',
  'next.config.js',
  'postcss.config.mjs',
  'tsconfig.app.json',
  'package-lock.json',
];
const BUILD_MARK = join(root, '.next', 'BUILD_ID');

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why the dashboard needs building, or null when its build is current. */
export function staleReason() {
  if (!existsSync(BUILD_MARK)) return 'no production build yet';
  const built = statSync(BUILD_MARK).mtimeMs;
  const changed = SOURCES.find((source) => newestMtime(join(root, source)) > built);
  return changed === undefined ? null : `${changed} changed since the last build`;
}

/** Runs `next build` if needed; resolves when the build is current, rejects if it failed. */
/** `signal` aborts the build (the build process is killed). */
export async function ensureDashboardBuild({ force = false, log = console.error, signal = undefined } = {}) {
  const reason = force ? 'rebuild asked for' : staleReason();
  if (reason === null) return;
  log(`homeplane: building the dashboard (${reason}) ...`);
  const code = await new Promise((resolve, reject) => {
    const build = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      signal,
    });
    build.once('error', (err) => (err.name === 'AbortError' ? undefined : reject(err)));
    build.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureDashboardBuild({ force: process.argv.includes('--force') }).catch((err) => {
    console.error(`homeplane: ${err.message}`);
    process.exit(1);
  });
}
