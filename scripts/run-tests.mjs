#!/usr/bin/env node
// Runs every *.test.ts under server/, scripts/ and app/ with Node's test runner (tsx loads
// TypeScript). Node 20's --test takes no globs, so the files are listed here. Arguments narrow
// the set: `npm test -- dhcp/codec` runs the files whose path contains "dhcp/codec".
//
// The full run (no arguments) also typechecks (daemon and dashboard) and lints first, runs the
// Playwright suite (e2e/, Debian's Chromium) after the node tests, and closes with one line
// counting both: "tests: N passed, N failed". It exits non-zero if either part failed.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const roots = ['server', 'scripts', 'app'];
const skip = new Set(['node_modules', '.next', 'data']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((r) => walk(join(root, r), []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const nodeTestArgs = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1'];
if (filters.length > 0) {
  const result = spawnSync(process.execPath, [...nodeTestArgs, ...files], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

// The whole suite also proves the tree typechecks and lints clean.
const checks = [
  ['npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['npx', ['tsc', '--noEmit', '-p', 'tsconfig.app.json']],
  ['npx', ['eslint', '.']],
  ['npx', ['prettier', '--check', '.']],
];
for (const [cmd, args] of checks) {
  console.log(`> ${cmd} ${args.join(' ')}`);
  const check = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (check.status !== 0) process.exit(check.status ?? 1);
}

const reports = mkdtempSync(join(tmpdir(), 'homeplane-test-report-'));
try {
  // Node's tests: spec on the terminal, TAP into a file for the counts.
  const tapFile = join(reports, 'node.tap');
  const node = spawnSync(
    process.execPath,
    [
      ...nodeTestArgs,
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const nodeCounts = tapCounts(tapFile);

  // The browser suite: list on the terminal, JSON into a file for the counts.
  const jsonFile = join(reports, 'e2e.json');
  console.log('> npx playwright test');
  const e2e = spawnSync('npx', ['playwright', 'test', '--reporter=list,json'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  const e2eCounts = playwrightCounts(jsonFile);

  const failedRun = node.status !== 0 || e2e.status !== 0;
  const passed = nodeCounts.passed + e2eCounts.passed;
  // A part that failed without reporting a failed test (it crashed) still counts as one failure.
  const failed =
    nodeCounts.failed +
    e2eCounts.failed +
    (node.status !== 0 && nodeCounts.failed === 0 ? 1 : 0) +
    (e2e.status !== 0 && e2eCounts.failed === 0 ? 1 : 0);
  console.log(
    `\nnode: ${nodeCounts.passed} passed, ${nodeCounts.failed} failed; e2e: ${e2eCounts.passed} passed, ${e2eCounts.failed} failed`,
  );
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exitCode = failedRun ? 1 : 0;
} finally {
  rmSync(reports, { recursive: true, force: true });
}

function tapCounts(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { passed: 0, failed: 0 };
  }
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
}

function playwrightCounts(file) {
  try {
    const stats = JSON.parse(readFileSync(file, 'utf8')).stats;
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected };
  } catch {
    return { passed: 0, failed: 0 };
  }
}
