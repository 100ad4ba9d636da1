// Compares freshly generated stubs with the committed ones, file by file and byte for byte.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface StaleFile {
  /** Path relative to the generated folder, with forward slashes. */
  path: string;
  /** changed: contents differ; missing: generated but not committed; extra: committed but no longer generated. */
  problem: 'changed' | 'missing' | 'extra';
}

function listFiles(dir: string, root = dir, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, root, out);
    else out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

function filesIn(dir: string): string[] {
  try {
    return listFiles(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Every file where `committedDir` differs from `freshDir`, sorted by path; empty when up to date. */
export function staleFiles(freshDir: string, committedDir: string): StaleFile[] {
  const fresh = new Set(filesIn(freshDir));
  const committed = new Set(filesIn(committedDir));
  const stale: StaleFile[] = [];
  for (const path of fresh) {
    if (!committed.has(path)) stale.push({ path, problem: 'missing' });
    else if (!readFileSync(join(freshDir, path)).equals(readFileSync(join(committedDir, path)))) {
      stale.push({ path, problem: 'changed' });
    }
  }
  for (const path of committed) if (!fresh.has(path)) stale.push({ path, problem: 'extra' });
  return stale.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
