// The durability promise, tested for real: a child process writes leases and reports each one
// after its put() resolved; we kill it with SIGKILL mid-run and every reported lease must be in
// the database when it is reopened. This is what lets the DHCP server send an ACK right after
// put() resolves (RFC 2131 4.3.1 forbids handing a committed address to anyone else).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSqlite, type Durability } from './sqlite.ts';
import { SqliteLeaseStore } from './sqlite-lease-store.ts';
import { makeScratchDir } from './testing/fixtures.ts';
import { LeaseJournal } from './lease-journal.ts';
import { journalNextTo } from './testing/crash-writer.ts';

const reportsBeforeKill = 3000;
/** And not before this: SQLite's own checkpoints, and with durability process the background checkpointer (every 100 ms), have then run many times. */
const killAfterMs = 1000;

interface CrashRun {
  reported: number[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the writer until it has reported enough leases for long enough, then kills it with SIGKILL. */
function runAndKill(file: string, durability: Durability, journal: boolean): Promise<CrashRun> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url)),
      file,
      durability,
      ...(journal ? ['journal'] : []),
    ],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const reported: number[] = [];
  const started = Date.now();
  let partial = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? ''; // only whole lines count as reports
    for (const line of lines) reported.push(Number(line));
    if (reported.length >= reportsBeforeKill && Date.now() - started >= killAfterMs) child.kill('SIGKILL');
  });
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(deadline);
      resolve({ reported, signal, stderr });
    });
  });
}

describe('SqliteLeaseStore survives kill -9', () => {
  const scratch = makeScratchDir();
  after(() => scratch.remove());

  const runs = [
    { durability: 'process', journal: false },
    { durability: 'process', journal: true }, // as the daemon runs 'process'
    { durability: 'power', journal: false },
  ] as const;
  for (const { durability, journal } of runs) {
    test(`no reported lease is lost (durability ${durability}${journal ? ', lease journal' : ''})`, async () => {
      const file = `${scratch.path}/${durability}${journal ? '-journal' : ''}/homeplane.sqlite`;
      const run = await runAndKill(file, durability, journal);
      assert.equal(run.signal, 'SIGKILL', `the writer ended on its own: ${run.stderr}`);
      assert.ok(run.reported.length >= reportsBeforeKill, `only ${run.reported.length} reports`);

      const handle = openSqlite({ file, durability });
      assert.equal(handle.raw.pragma('integrity_check', { simple: true }), 'ok');
      // With a journal, reopening commits what the kill left in it, as the daemon's start does.
      const store = new SqliteLeaseStore(
        handle,
        null,
        null,
        journal ? { file: LeaseJournal.open(journalNextTo(file)) } : null,
      );
      try {
        const stored = new Map((await store.loadAll()).map((l) => [l.address, l]));
        const lost = run.reported.filter((a) => stored.get(a)?.hostname !== `h${a}`);
        assert.deepEqual(lost, [], `${lost.length} of ${run.reported.length} reported leases lost`);
        // The kill landed while writing, so the file may hold more than was reported, not less.
        assert.ok(stored.size >= run.reported.length);
      } finally {
        await store.close();
      }
    });
  }
});
