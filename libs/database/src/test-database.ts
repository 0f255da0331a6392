import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { assertServiceName } from './database-url.js';
import { IN_MEMORY, openDatabase, type Database, type DatabaseLog } from './open-database.js';

// Test databases for specs that need a real database (never a mock). With TEST_DATABASE_URL each
// call creates a throw-away database on that server, so spec files running in parallel Jest workers
// never see each other's rows; without it each call gets its own in-memory PGlite.

export interface TestDatabaseOptions<TSchema extends Record<string, unknown> = Record<string, unknown>> {
  service: string;
  migrationsFolder: string;
  schema: TSchema;
  /** Server to create the database on; default `process.env.TEST_DATABASE_URL`; undefined → PGlite. */
  serverUrl?: string;
  log?: DatabaseLog;
  onQuery?: (sql: string, params: unknown[]) => void;
}

export interface TestDatabase<TSchema extends Record<string, unknown> = Record<string, unknown>> {
  database: Database<TSchema>;
  /** URL of the created database (to start a service against it); undefined on PGlite. */
  url?: string;
  /** Closes the database and, on a server, drops it. Safe to call more than once. */
  dispose(): Promise<void>;
}

export const TEST_DATABASE_PREFIX = 'pdn_test_';

export async function createTestDatabase<TSchema extends Record<string, unknown>>(
  options: TestDatabaseOptions<TSchema>,
): Promise<TestDatabase<TSchema>> {
  const { service, migrationsFolder, schema, log, onQuery } = options;
  const serverUrl = options.serverUrl ?? nonEmpty(process.env['TEST_DATABASE_URL']);

  if (!serverUrl) {
    const pgliteSnapshot = await migratedPgliteSnapshot(migrationsFolder);
    const database = await openDatabase({ service, migrationsFolder, schema, dataDir: IN_MEMORY, pgliteSnapshot, log, onQuery });
    return { database, dispose: () => database.close() };
  }

  const url = await createServerDatabase(serverUrl, service);
  let database: Database<TSchema>;
  try {
    // A few connections are plenty for one spec file, and many workers × 10 would exhaust the
    // server's max_connections (100 by default).
    database = await openDatabase({ service, url, migrationsFolder, schema, poolSize: 4, log, onQuery });
  } catch (error) {
    await dropServerDatabase(serverUrl, url);
    throw error;
  }
  let disposing: Promise<void> | undefined;
  const dispose = async () => {
    await database.close();
    await dropServerDatabase(serverUrl, url);
  };
  return { database, url, dispose: () => (disposing ??= dispose()) };
}

// A new PGlite instance runs initdb, about 2 s; loading a dump of one that is already migrated takes
// about 0.5 s. So each migrations folder is migrated once per test file (Jest gives every file its own
// module registry) and every test database is a clone of that. openDatabase still runs the migrator on
// the clone, which finds nothing to apply.
const pgliteSnapshots = new Map<string, Promise<Blob>>();

function migratedPgliteSnapshot(migrationsFolder: string): Promise<Blob> {
  const key = path.resolve(migrationsFolder);
  let snapshot = pgliteSnapshots.get(key);
  if (!snapshot) {
    snapshot = (async () => {
      const client = new PGlite();
      try {
        await migrate(drizzle(client), { migrationsFolder: key });
        return await client.dumpDataDir('none');
      } finally {
        await client.close();
      }
    })();
    snapshot.catch(() => pgliteSnapshots.delete(key));
    pgliteSnapshots.set(key, snapshot);
  }
  return snapshot;
}

/**
 * Creates an empty database named `pdn_test_<service>_<random>` on the server of `serverUrl` and
 * returns its URL. The maintenance connection goes to the database named in `serverUrl`, which must
 * exist, and not to `template1`: CREATE DATABASE refuses to copy a template someone is connected to,
 * which would make parallel workers fail each other.
 */
export async function createServerDatabase(serverUrl: string, service: string): Promise<string> {
  assertServiceName(service);
  const name = `${TEST_DATABASE_PREFIX}${service}_${randomBytes(4).toString('hex')}`;
  await withMaintenanceClient(serverUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by `createServerDatabase`, disconnecting whoever is still connected to it. */
export async function dropServerDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!name.startsWith(TEST_DATABASE_PREFIX) || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`Refusing to drop ${JSON.stringify(name)}: not a test database`);
  }
  await withMaintenanceClient(serverUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
}

async function withMaintenanceClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'pdn-test-maintenance' });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
