import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config services/calendar/drizzle.config.ts` writes a new SQL migration
// from the tables; the SQL is committed and applied at start on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./services/calendar/src/db/calendar.tables.ts', './services/calendar/src/db/domain-events.tables.ts', './services/calendar/src/db/outbox.tables.ts'],
  out: './services/calendar/src/db/migrations',
});
