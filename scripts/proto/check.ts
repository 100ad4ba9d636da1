// `npm run proto:check` (run by CI): the contract is lint clean and proto/gen/ is exactly what the
// .proto files generate. Regenerates into a temporary folder, so the work tree is never touched.
// An optional argument names another folder to compare instead of proto/gen (tests use it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BufError, GEN_SUBDIR, generateStubs, lintContract, protoPaths } from './buf.ts';
import { staleFiles } from './stale.ts';

const committedDir = process.argv[2] !== undefined ? resolve(process.argv[2]) : protoPaths.genDir;
const outBase = mkdtempSync(join(tmpdir(), 'homeplane-proto-check-'));
try {
  lintContract();
  generateStubs(outBase);
  const stale = staleFiles(join(outBase, GEN_SUBDIR), committedDir);
  if (stale.length === 0) {
    console.log('proto: lint clean; generated code is up to date');
  } else {
    console.error(`proto: the generated code in ${committedDir} is stale (${stale.length} file(s)):`);
    for (const file of stale) console.error(`  ${file.problem.padEnd(7)} ${file.path}`);
    console.error('Run `npm run proto:generate` and commit proto/gen/ with the .proto change.');
    process.exitCode = 1;
  }
} catch (err) {
  if (!(err instanceof BufError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
} finally {
  rmSync(outBase, { recursive: true, force: true });
}
