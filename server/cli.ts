// `homeplane serve|check --config FILE`. Returns the exit code; the bin file sets it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, defaultConfig, loadConfigFile } from './config/load.ts';
import type { Config } from './config/types.ts';
import { startDaemon, StartupError, tokenFileOf, type Daemon } from './main.ts';
import { installLastResortHandlers } from './last-resort.ts';

const USAGE = `usage: homeplane <command> [--config FILE]

commands:
  serve   run the daemon in the foreground (JSON logs on stdout; SIGTERM/SIGINT stop it)
  check   validate the config: exit 0, or exit 1 listing every problem as "path: reason"
  endpoint  print where the daemon's gRPC API listens and where its token file is, as JSON
          ({"grpc": "127.0.0.1:50051", "tokenFile": "/abs/data/grpc.token", "dashboard": {...}}),
          for the dashboard

The config is --config FILE, else $HOMEPLANE_CONFIG, else ./homeplane.yaml, else the built-in
default (DHCP only on Homeplane's own bridge homeplane0, 10.123.0.0/24).`;

/** Graceful shutdown must finish inside 10 s (design.md); we give it 9. */
const SHUTDOWN_DEADLINE_MS = 9_000;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  if (rest.length > 0 || !['serve', 'check', 'endpoint'].includes(command)) {
    process.stderr.write(`unknown command "${[command, ...rest].join(' ')}"\n\n${USAGE}\n`);
    return 2;
  }
  const file = configFile(parsed.values.config);
  let config: Config;
  try {
    config = file === null ? defaultConfig(process.cwd()) : await loadConfigFile(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  if (command === 'endpoint') {
    const { allowedHosts, maxStreams } = config.dashboard;
    process.stdout.write(
      `${JSON.stringify({ grpc: config.grpc.listen, tokenFile: tokenFileOf(config), dashboard: { allowedHosts, maxStreams } })}\n`,
    );
    return 0;
  }
  if (command === 'check') {
    process.stdout.write(`${file ?? 'built-in default config'}: OK\n`);
    return 0;
  }
  return serve(config);
}

function configFile(flag: string | undefined): string | null {
  if (flag !== undefined) return resolve(flag);
  const env = process.env.HOMEPLANE_CONFIG;
  if (env) return resolve(env);
  const local = resolve('homeplane.yaml');
  return existsSync(local) ? local : null;
}

async function serve(config: Config): Promise<number> {
  const logger = pino({
    level: config.log.level,
    base: { name: 'homeplane', pid: process.pid },
    redact: [
      'token',
      '*.token',
      'authorization',
      '*.authorization',
      'password',
      '*.password',
      'sessionToken',
      '*.sessionToken',
    ],
  });
  installLastResortHandlers(process, logger, (code) => process.exit(code));
  // Listen for the stop signals before start-up: one arriving mid-start still ends in a clean stop.
  let requested: NodeJS.Signals | null = null;
  let wake: ((signal: NodeJS.Signals) => void) | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    requested ??= signal;
    wake?.(signal);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  let daemon: Daemon;
  try {
    daemon = await startDaemon(config, logger);
  } catch (err) {
    if (err instanceof StartupError) {
      for (const problem of err.problems) logger.fatal({}, problem);
      process.stderr.write(`homeplane: cannot start:\n${err.message}\n`);
      return 1;
    }
    logger.fatal({ err }, 'cannot start');
    return 1;
  }
  logger.info({ config: config.source ?? 'built-in default', dataDir: config.dataDir }, 'homeplane started');
  process.on('SIGUSR1', () => daemon.logStats());
  const signal = requested ?? (await new Promise<NodeJS.Signals>((resolveSignal) => (wake = resolveSignal)));
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error({}, `shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await daemon.stop();
  clearTimeout(deadline);
  logger.info({}, 'stopped');
  return 0;
}
