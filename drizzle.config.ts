// drizzle-kit settings: `npm run db:generate` (drizzle-kit generate --config drizzle.config.ts)
// diffs drizzle/sqlite/schema.ts against the last snapshot and writes the next SQL migration.
// The daemon applies those migrations itself at start (server/store/sqlite.ts); drizzle-kit is a
// development tool only and never touches a running database.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './drizzle/sqlite/schema.ts',
  out: './drizzle/sqlite/migrations',
  strict: true,
  verbose: true,
});
