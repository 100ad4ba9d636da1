// Lease store micro-benchmark: rows/s through SqliteLeaseStore for batch sizes 1, 64 and 512
// writes per event-loop turn, in both durability modes. Prints figures only; compare rows of one
// run with each other (the machine is noisy, so numbers from different runs mean little).
//   node --import tsx scripts/bench/store.ts [seconds per case, default 2]
import { performance } from 'node:perf_hooks';
import { openSqlite, type Durability } from '../../server/store/sqlite.ts';
import { SqliteLeaseStore } from '../../server/store/sqlite-lease-store.ts';
import type { Lease } from '../../server/dhcp/lease.ts';
import { labBase, makeLease, makeScratchDir } from '../../server/store/testing/fixtures.ts';

/** Writes cycle over this many addresses, so most puts update an existing row, as renewals do. */
const addressSpace = 65_536;

interface CaseResult {
  durability: Durability;
  batchSize: number;
  rows: number;
  seconds: number;
}

async function runCase(
  file: string,
  durability: Durability,
  batchSize: number,
  seconds: number,
  leases: Lease[],
): Promise<CaseResult> {
  const store = new SqliteLeaseStore(openSqlite({ file, durability }));
  const started = performance.now();
  const until = started + seconds * 1000;
  let rows = 0;
  while (performance.now() < until) {
    const writes: Promise<void>[] = [];
    for (let i = 0; i < batchSize; i += 1) {
      writes.push(store.put(leases[(rows + i) % addressSpace] as Lease));
    }
    await Promise.all(writes);
    rows += batchSize;
  }
  const elapsed = (performance.now() - started) / 1000;
  await store.close();
  return { durability, batchSize, rows, seconds: elapsed };
}

function printTable(results: CaseResult[]): void {
  console.log('durability  batch   rows/s       commits/s');
  for (const r of results) {
    const rowsPerSecond = Math.round(r.rows / r.seconds);
    const commitsPerSecond = Math.round(r.rows / r.batchSize / r.seconds);
    console.log(
      `${r.durability.padEnd(10)}  ${String(r.batchSize).padStart(5)}  ` +
        `${rowsPerSecond.toLocaleString('en').padStart(10)}  ${commitsPerSecond.toLocaleString('en').padStart(10)}`,
    );
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 2);
  const scratch = makeScratchDir();
  // Built once, outside the timed loop: the figures are the store's cost, not the lease builder's.
  const leases = Array.from({ length: addressSpace }, (_, i) => makeLease(labBase + i));
  try {
    const results: CaseResult[] = [];
    for (const durability of ['process', 'power'] as const) {
      for (const batchSize of [1, 64, 512]) {
        const file = `${scratch.path}/${durability}-${batchSize}.sqlite`;
        results.push(await runCase(file, durability, batchSize, seconds, leases));
      }
    }
    printTable(results);
  } finally {
    scratch.remove();
  }
}

await main();
