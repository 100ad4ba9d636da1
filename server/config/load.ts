// The config module's entry point: reading a config file, plus the rest of the public API.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseConfig } from './parse.ts';
import { ConfigError } from './problems.ts';
import type { Config } from './types.ts';

export { defaultConfig, DEFAULT_CONFIG_YAML } from './defaults.ts';
export { parseConfig, type ParseOptions } from './parse.ts';
export { ConfigError, formatProblems, type ConfigProblem } from './problems.ts';

/** Reads and validates a config file; relative paths resolve against the file's folder. */
export async function loadConfigFile(file: string): Promise<Config> {
  const source = resolve(file);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: source, reason: readFailure(error) }]);
  }
  return parseConfig(text, { source, baseDir: dirname(source) });
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return 'no such file; check the path given to --config, or copy homeplane.example.yaml to start one';
  }
  if (code === 'EACCES') return 'cannot be read (permission denied); make it readable by the user running homeplane';
  if (code === 'EISDIR') return 'is a folder; name the YAML file itself';
  return `cannot be read (${code ?? String(error)}); check the path given to --config`;
}
