// Runs the buf CLI from node_modules on the proto module (proto/ is the module root, so imports
// resolve with proto/ as the only include path). Nothing is fetched: buf is a registry package and
// the code generator is the local ts-proto plugin, found through node_modules/.bin on PATH.
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where the contract and its generated code live. */
export const protoPaths = {
  repoRoot,
  /** The buf module root and include path: holds buf.yaml, buf.gen.yaml and homeplane/v1/. */
  protoDir: join(repoRoot, 'proto'),
  /** The committed generated TypeScript (buf.gen.yaml's `out`, under protoDir). */
  genDir: join(repoRoot, 'proto', 'gen'),
} as const;

/** buf.gen.yaml's plugin `out`, relative to the output base directory. */
export const GEN_SUBDIR = 'gen';

/** buf exited non-zero (lint findings, a syntax error, a missing plugin); the message holds its output. */
export class BufError extends Error {
  override readonly name = 'BufError';
}

/** Runs `buf <args>` in proto/ and returns its stdout; throws BufError on a non-zero exit. */
export function runBuf(args: readonly string[]): string {
  const bin = join(repoRoot, 'node_modules', '.bin');
  const result = spawnSync(join(bin, 'buf'), args, {
    cwd: protoPaths.protoDir,
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw new BufError(`cannot run buf ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim();
    throw new BufError(`buf ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
  return result.stdout;
}

/** Fails unless every .proto file is lint clean (buf.yaml: STANDARD + COMMENTS) and buf-formatted. */
export function lintContract(): void {
  runBuf(['lint']);
  runBuf(['format', '--diff', '--exit-code']);
}

/**
 * Generates the TypeScript stubs under `outBase`/gen (buf.gen.yaml's `clean: true` empties that
 * folder first, so files of removed protos do not linger).
 */
export function generateStubs(outBase: string): void {
  runBuf(['generate', '--template', 'buf.gen.yaml', '--output', outBase]);
}
