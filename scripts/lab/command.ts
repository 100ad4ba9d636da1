// Running commands for the lab: `ip` for topology, anything else inside a namespace.
import { spawn, spawnSync } from 'node:child_process';

export interface ExecOptions {
  /** Kill the command (SIGKILL) after this long; default 10 s. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when a signal ended the command (see `signal`, `timedOut`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** A lab step failed; the message names the command and what it printed. */
export class LabError extends Error {
  override readonly name = 'LabError';
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Runs a command to completion; never rejects for a non-zero exit, only for a failed spawn. */
export function runCommand(command: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: 'pipe' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LabError(`cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
        code,
        signal,
        timedOut,
      });
    });
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `ip ARGS`; throws LabError with ip's own complaint when it fails. */
export async function ip(args: readonly string[]): Promise<string> {
  const result = await runCommand('ip', args);
  if (result.code !== 0) {
    const why = result.stderr.trim() || (result.timedOut ? 'timed out' : `exit ${result.code}`);
    throw new LabError(`ip ${args.join(' ')} failed: ${why}`);
  }
  return result.stdout;
}

/** `ip ARGS` for exit handlers, where nothing asynchronous runs any more. Errors are ignored. */
export function ipSync(args: readonly string[]): string {
  const result = spawnSync('ip', args, { encoding: 'utf8', timeout: 5_000 });
  return result.status === 0 ? result.stdout : '';
}
