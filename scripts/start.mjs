#!/usr/bin/env node
// `npm start`: runs the daemon (and, once it exists, the dashboard) in the foreground.
// The config is $HOMEPLANE_CONFIG, else ./homeplane.yaml, else the built-in default; the daemon
// itself resolves that (server/cli.ts), so this only starts the processes and relays signals.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const daemon = spawn(process.execPath, [`${root}bin/homeplane.mjs`, 'serve'], { stdio: 'inherit', env: process.env });

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => daemon.kill(signal));
}
daemon.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
