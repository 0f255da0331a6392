// Which server database a service uses, read from the environment.
//
// - `<SERVICE>_DATABASE_URL` (MEMBERS_DATABASE_URL, CALENDAR_DATABASE_URL, FEED_DATABASE_URL) gives the
//   service a database of its own; its tables live in the default `public` schema.
// - `DATABASE_URL` is one database shared by every service that has no URL of its own. So that the
//   services cannot collide (two `outbox` tables, two drizzle migration journals), each one is confined
//   to a PostgreSQL schema named after it: its connections' `search_path` starts with that schema and
//   its drizzle migrations journal lives there too (see `openDatabase`).
// - Neither: no server; the service runs on embedded PGlite.

export interface DatabaseConnection {
  /** postgres://… URL, or undefined for embedded PGlite. */
  url?: string;
  /** PostgreSQL schema the service is confined to; set only when `url` is shared with other services. */
  pgSchema?: string;
}

const SERVICE_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * Service names become a folder, a schema, a database name and part of an environment variable, so
 * they are kept to lower-case identifiers that need no quoting anywhere.
 */
export function assertServiceName(service: string): void {
  if (!SERVICE_NAME.test(service)) {
    throw new Error(`Invalid service name ${JSON.stringify(service)}: expected ${SERVICE_NAME.source}`);
  }
}

export function databaseUrlVariableFor(service: string): string {
  assertServiceName(service);
  return `${service.toUpperCase()}_DATABASE_URL`;
}

// Compose files and CI often pass unset variables through as empty strings.
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** `<SERVICE>_DATABASE_URL`, else `DATABASE_URL`, else undefined (embedded PGlite). */
export function databaseUrlFor(service: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return databaseConnectionFor(service, env).url;
}

/**
 * Like `databaseUrlFor`, plus the schema to confine the service to when the URL is the shared
 * `DATABASE_URL`. Spread it into `openDatabase`'s options.
 */
export function databaseConnectionFor(service: string, env: NodeJS.ProcessEnv = process.env): DatabaseConnection {
  const own = nonEmpty(env[databaseUrlVariableFor(service)]);
  if (own) return { url: own };
  const shared = nonEmpty(env['DATABASE_URL']);
  if (shared) return { url: shared, pgSchema: service };
  return {};
}
