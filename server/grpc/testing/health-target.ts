// A gRPC server over the real DHCP side (dhcp-world.ts, on a temporary SQLite file) in a process
// of its own (forked with an IPC channel), so that a test can read the server's resident memory
// without its own clients in the figure. It sends { address } once listening; to "measure" it
// answers with its memory after full collections. It ends when the channel to its parent closes.
import { openDhcpWorld } from './dhcp-world.ts';
import { TEST_TOKEN } from './harness.ts';
import { startGrpcServer } from '../server.ts';

export interface TargetMemory {
  rssBytes: number;
  heapUsedBytes: number;
}

const quiet = (): void => {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function memoryAfterGc(): Promise<TargetMemory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('health-target.ts needs --expose-gc');
  // Collections, with turns of the loop between them for finalizers and closed streams.
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('health-target.ts runs as a forked child (with an IPC channel)');
  const world = await openDhcpWorld();
  const server = await startGrpcServer({
    listen: '127.0.0.1:0',
    token: TEST_TOKEN,
    admin: world.admin,
    log: world.log,
    feed: world.log,
    snapshot: () => world.snapshot(),
    // Nothing kept: the figures are the server's own.
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  process.on('message', (message) => {
    if (message === 'measure') void memoryAfterGc().then((memory) => process.send!({ memory }));
  });
  process.on(
    'disconnect',
    () =>
      void server
        .shutdown(0)
        .then(() => world.close())
        .then(() => process.exit(0)),
  );
  process.send({ address: server.address });
}

void main();
