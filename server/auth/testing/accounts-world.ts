// Accounts on the real SQLite store in a throwaway folder, with a clock the test moves.
import { openSqlite, type SqliteHandle } from '../../store/sqlite.ts';
import { SqliteAuthStore } from '../../store/sqlite-auth-store.ts';
import { makeScratchDir } from '../../store/testing/fixtures.ts';
import { Accounts, type AccountsOptions } from '../accounts.ts';

export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export function testClock(start = 1_800_000_000_000): TestClock {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

export interface AccountsWorld {
  accounts: Accounts;
  clock: TestClock;
  sqlite: SqliteHandle;
  close(): void;
}

export function openAccountsWorld(options: Partial<Omit<AccountsOptions, 'store' | 'clock'>> = {}): AccountsWorld {
  const scratch = makeScratchDir();
  const sqlite = openSqlite({ file: scratch.databaseFile, durability: 'process' });
  const clock = testClock();
  const accounts = new Accounts({ ...options, store: new SqliteAuthStore(sqlite.raw), clock });
  return {
    accounts,
    clock,
    sqlite,
    close() {
      sqlite.close();
      scratch.remove();
    },
  };
}
