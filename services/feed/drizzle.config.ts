import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config services/feed/drizzle.config.ts` writes a new SQL migration
// from the tables; the SQL is committed and applied at start on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./services/feed/src/db/feed.tables.ts', './services/feed/src/db/domain-events.tables.ts'],
  out: './services/feed/src/db/migrations',
});
