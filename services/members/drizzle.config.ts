import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config services/members/drizzle.config.ts` writes a new SQL migration
// from the tables; the SQL is committed and applied at start on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./services/members/src/db/members.tables.ts', './services/members/src/db/api-keys.tables.ts', './services/members/src/db/audit.tables.ts', './services/members/src/db/outbox.tables.ts', './services/members/src/db/domain-events.tables.ts'],
  out: './services/members/src/db/migrations',
});
