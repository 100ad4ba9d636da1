// Child process of the kill -9 test (sqlite-lease-store.crash.test.ts). Usage:
//   node --import tsx crash-writer.ts <database file> <process|power>
// Writes leases without pause, a varying number per turn, and prints each lease's address on
// stdout only after its put() promise has resolved. The parent kills it with SIGKILL at some
// point and then checks that every printed address is in the database. Pipe writes to stdout
// are synchronous on Linux, so a printed line was committed before the next one was written.
import { checkpointsFor, openSqlite, type Durability } from '../sqlite.ts';
import { SqliteLeaseStore } from '../sqlite-lease-store.ts';
import { labBase, makeLease } from './fixtures.ts';

function main(): void {
  const [file, durability] = process.argv.slice(2);
  if (file === undefined || (durability !== 'process' && durability !== 'power')) {
    process.stderr.write('usage: crash-writer.ts <database file> <process|power>\n');
    process.exit(2);
  }
  // Checkpoints as the daemon does them, so with durability process a kill -9 also lands in the
  // middle of the background checkpointer's work.
  const mode = durability as Durability;
  const store = new SqliteLeaseStore(openSqlite({ file, durability: mode, checkpoints: checkpointsFor(mode) }));
  // A stray child must not outlive a parent that died before killing it.
  setTimeout(() => process.exit(3), 60_000).unref();
  writeForever(store, 0, 0);
}

function writeForever(store: SqliteLeaseStore, next: number, turn: number): void {
  const count = 1 + ((turn * 37) % 200); // 1..200 writes this turn: batches of many sizes
  for (let i = 0; i < count; i += 1) {
    const address = labBase + next + i;
    store.put(makeLease(address, { hostname: `h${address}` })).then(
      () => process.stdout.write(`${address}\n`),
      (error: unknown) => {
        process.stderr.write(`put ${address} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  }
  setImmediate(() => writeForever(store, next + count, turn + 1));
}

main();
