#!/usr/bin/env node
// Runs every *.test.ts under server/ and scripts/ with Node's test runner (tsx loads TypeScript).
// Node 20's --test takes no globs, so the files are listed here. Arguments narrow the set:
// `npm test -- dhcp/codec` runs the files whose path contains "dhcp/codec".
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const roots = ['server', 'scripts'];
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
if (filters.length === 0) {
  // The whole suite also proves the tree typechecks and lints clean.
  for (const [cmd, args] of [['npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']], ['npx', ['eslint', '.']]]) {
    console.log(`> ${cmd} ${args.join(' ')}`);
    const check = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
    if (check.status !== 0) process.exit(check.status ?? 1);
  }
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
