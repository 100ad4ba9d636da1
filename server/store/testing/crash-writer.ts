// Child process of the kill -9 test (sqlite-lease-store.crash.test.ts). Usage:
//   node --import tsx crash-writer.ts <database file> <process|power> [journal]
// With `journal`, the lease journal (lease-journal.ts, next to the database file) goes in front
// of SQLite, as the daemon runs durability 'process'.
// Writes leases without pause, a varying number per turn, and prints each lease's address on
// stdout only after its put() promise has resolved. The parent kills it with SIGKILL at some
// point and then checks that every printed address is in the database. Pipe writes to stdout
// are synchronous on Linux, so a printed line was committed before the next one was written.
import { dirname, join } from 'node:path';
import { LeaseJournal } from '../lease-journal.ts';
import { checkpointsFor, openSqlite, type Durability } from '../sqlite.ts';
import { SqliteLeaseStore } from '../sqlite-lease-store.ts';
import { labBase, makeLease } from './fixtures.ts';

function main(): void {
  const [file, durability, journal] = process.argv.slice(2);
  if (file === undefined || (durability !== 'process' && durability !== 'power')) {
    process.stderr.write('usage: crash-writer.ts <database file> <process|power> [journal]\n');
    process.exit(2);
  }
  // Checkpoints as the daemon does them, so with durability process a kill -9 also lands in the
  // middle of the background checkpointer's work.
  const mode = durability as Durability;
  const store = new SqliteLeaseStore(
    openSqlite({ file, durability: mode, checkpoints: checkpointsFor(mode) }),
    null,
    null,
    journal === 'journal' ? { file: LeaseJournal.open(journalNextTo(file)) } : null,
  );
  // A stray child must not outlive a parent that died before killing it.
  setTimeout(() => process.exit(3), 60_000).unref();
  writeForever(store, 0, 0);
}

function writeForever(store: SqliteLeaseStore, next: number, turn: number): void {
  // Batches of many sizes: every other turn 1..3 writes (journaled, with a journal), between them
  // 1..200 (most of which a journal lets go straight to SQLite: DIRECT_COMMIT_ROWS).
  const count = turn % 2 === 0 ? 1 + (turn % 3) : 1 + ((turn * 37) % 200);
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

/** Where the crash test's journal lives: beside the database file. */
export function journalNextTo(file: string): string {
  return join(dirname(file), 'lease-journal');
}

if (import.meta.url === `file://${process.argv[1]}`) main();
