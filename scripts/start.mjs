#!/usr/bin/env node
// `npm start`: the daemon and the dashboard together, in the foreground.
//
// The config is $HOMEPLANE_CONFIG, else ./homeplane.yaml, else the built-in default; the daemon
// resolves it (server/cli.ts), and `homeplane endpoint` tells, for that same config, where the
// gRPC API listens and where the token file is, and the dashboard's own settings (the Host names
// it answers besides loopback, how many live streams it keeps open), which the dashboard gets as
// its environment (app/lib/env.ts validates it).
// The dashboard is built on first run (or when its sources changed) and listens on
// 127.0.0.1:$PORT (default 3000) only (a reverse proxy serves other names). SIGINT/SIGTERM go to both; when
// either exits, the other is stopped and this exits with the first one's code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureDashboardBuild } from './dashboard-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/homeplane.mjs`;
const next = `${root}node_modules/next/dist/bin/next`;
/** How long the dashboard waits for the daemon's token file before starting anyway. */
const TOKEN_WAIT_MS = 20_000;
/** After the first exit, how long the other process gets before SIGKILL (the daemon needs <10 s). */
const STOP_GRACE_MS = 12_000;

function fail(message) {
  console.error(`homeplane: ${message}`);
  process.exit(1);
}

/** `homeplane endpoint` for the config the daemon will use (same cwd and environment). */
function endpoint() {
  const result = spawnSync(process.execPath, [bin, 'endpoint'], { encoding: 'utf8', env: process.env });
  if (result.status !== 0) fail(`cannot read the config:\n${result.stderr.trim()}`);
  const parsed = JSON.parse(result.stdout);
  return {
    target: dialTarget(parsed.grpc),
    tokenFile: parsed.tokenFile,
    allowedHosts: parsed.dashboard.allowedHosts,
    maxStreams: parsed.dashboard.maxStreams,
  };
}

/** A listen address to dial: a wildcard host means "this machine", so dial loopback. */
function dialTarget(listen) {
  if (listen.startsWith('unix:')) return listen;
  return listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}

function port() {
  const text = process.env.PORT ?? '3000';
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    fail(`PORT "${text}" is not a port number 1-65535`);
  return text;
}

const dashboardPort = port();
const api = endpoint();
const children = new Map();
const building = new AbortController();
let stopping = false;

function stopAll(signal) {
  for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

function watch(name, child) {
  children.set(name, child);
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      stopping = true;
      process.exitCode = code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1);
      if (code !== 0) console.error(`homeplane: the ${name} exited (${signal ?? `code ${code}`}); stopping`);
      stopAll('SIGTERM');
      setTimeout(() => stopAll('SIGKILL'), STOP_GRACE_MS).unref();
    }
    if (children.size === 0) {
      building.abort();
      process.exit();
    }
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (children.size === 0) {
      building.abort();
      process.exit(0);
    }
    stopping = true;
    stopAll(signal);
    setTimeout(() => stopAll('SIGKILL'), STOP_GRACE_MS).unref();
  });
}

// The daemon first: DHCP should not wait for the dashboard's build.
watch('daemon', spawn(process.execPath, [bin, 'serve'], { stdio: 'inherit', env: process.env }));

try {
  await ensureDashboardBuild({ signal: building.signal });
} catch (err) {
  stopping = true;
  process.exitCode = 1;
  console.error(`homeplane: ${err.message}`);
  stopAll('SIGTERM');
}

// The daemon writes its token before it serves (design.md). The dashboard also copes without it
// (it says the daemon is unreachable and retries), so this wait is bounded.
for (let waited = 0; !stopping && !existsSync(api.tokenFile) && waited < TOKEN_WAIT_MS; waited += 200) await sleep(200);

if (!stopping) {
  console.error(`homeplane: dashboard on http://127.0.0.1:${dashboardPort} (gRPC ${api.target})`);
  watch(
    'dashboard',
    spawn(process.execPath, [next, 'start', '--hostname', '127.0.0.1', '--port', dashboardPort], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        HOMEPLANE_GRPC_TARGET: api.target,
        HOMEPLANE_GRPC_TOKEN_FILE: api.tokenFile,
        HOMEPLANE_ALLOWED_HOSTS: api.allowedHosts.join(','),
        HOMEPLANE_MAX_STREAMS: String(api.maxStreams),
      },
    }),
  );
}
