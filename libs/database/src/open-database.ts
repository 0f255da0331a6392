import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzleNodePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgSession } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { gauge } from '@pdn/logging/metrics';
import { assertServiceName, databaseConnectionFor } from './database-url.js';
import { databaseTimeoutsFor, type DatabaseTimeouts } from './database-timeouts.js';
import { ResilientPool } from './resilient-pool.js';
import { countingQueryLogger } from './statement-counter.js';

/** The drizzle database a service's repositories receive, whichever engine runs underneath. */
export type Db<TSchema extends Record<string, unknown> = Record<string, unknown>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

export type DatabaseLog = (msg: string, extra?: Record<string, unknown>) => void;

export interface OpenDatabaseOptions<TSchema extends Record<string, unknown> = Record<string, unknown>> {
  /** 'members' | 'calendar' | 'feed': names the PGlite folder, the shared-database schema and log lines. */
  service: string;
  /** postgres://… URL of a server database; when absent the service runs on embedded PGlite. */
  url?: string;
  /**
   * Confines the service to this PostgreSQL schema on a server database that other services share.
   * When omitted it is inferred: a `url` equal to the shared DATABASE_URL (with no
   * `<SERVICE>_DATABASE_URL` set) means the schema named after the service, so
   * `url: databaseUrlFor(service)` alone does the right thing. Ignored on PGlite, where every service
   * has a folder of its own.
   */
  pgSchema?: string;
  /** PGlite folder; default `<cwd>/.data/<service>`; 'memory://' keeps everything in memory. */
  dataDir?: string;
  /**
   * PGlite only: start from this data-directory dump (`PGlite.dumpDataDir`) instead of an empty
   * cluster. Skips initdb, which is most of PGlite's 2 s start; `createTestDatabase` uses it to clone
   * an already migrated database for every test.
   */
  pgliteSnapshot?: Blob;
  /** Absolute path of a drizzle-kit migrations folder (SQL files + meta/_journal.json). */
  migrationsFolder: string;
  /** The service's drizzle tables and relations, for `db.query`. */
  schema: TSchema;
  /** Maximum connections of the pg pool; default 10. */
  poolSize?: number;
  /**
   * PostgreSQL server only: bounds on waiting for the server; unset ones come from
   * DATABASE_CONNECT_TIMEOUT_MS and DATABASE_STATEMENT_TIMEOUT_MS (`databaseTimeoutsFor`).
   */
  timeouts?: Partial<DatabaseTimeouts>;
  log?: DatabaseLog;
  /**
   * Called with every SQL statement the service's queries send (not migrations), and its parameters:
   * tests count statements with it to catch N+1 patterns, and EXPLAIN them to check their plans.
   */
  onQuery?: (sql: string, params: unknown[]) => void;
}

export interface Database<TSchema extends Record<string, unknown> = Record<string, unknown>> {
  db: Db<TSchema>;
  kind: 'pglite' | 'postgres';
  /** Resolves when the database answers a query; rejects otherwise (GET /readyz). */
  ping(): Promise<void>;
  /** Releases the pool or the PGlite instance; safe to call more than once. */
  close(): Promise<void>;
}

export const IN_MEMORY = 'memory://';

const MIGRATIONS_TABLE = '__drizzle_migrations';
// drizzle's default home for its journal when the service owns the whole database.
const DEFAULT_MIGRATIONS_SCHEMA = 'drizzle';

type Rows = Record<string, unknown>[];
type RawQuery = (text: string, params?: unknown[]) => Promise<Rows>;

/**
 * Opens the service's database and applies its pending migrations before resolving, with the same
 * SQL files on PGlite and on a PostgreSQL server.
 */
export async function openDatabase<TSchema extends Record<string, unknown>>(
  options: OpenDatabaseOptions<TSchema>,
): Promise<Database<TSchema>> {
  assertServiceName(options.service);
  if (options.pgSchema !== undefined) assertServiceName(options.pgSchema);
  // Fails fast on a wrong folder or a journal entry without its SQL file, before any engine starts.
  readMigrationFiles({ migrationsFolder: options.migrationsFolder });
  const { url } = options;
  if (!url) return openPglite(options);
  return openPostgres({ ...options, url, pgSchema: options.pgSchema ?? sharedSchemaFor(options.service, url) });
}

function sharedSchemaFor(service: string, url: string): string | undefined {
  const fromEnvironment = databaseConnectionFor(service);
  return fromEnvironment.url === url.trim() ? fromEnvironment.pgSchema : undefined;
}

async function openPglite<TSchema extends Record<string, unknown>>(
  options: OpenDatabaseOptions<TSchema>,
): Promise<Database<TSchema>> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const dataDir = options.dataDir ?? path.resolve(process.cwd(), '.data', options.service);
  const inMemory = dataDir === IN_MEMORY;
  if (!inMemory) await mkdir(dataDir, { recursive: true });

  // One PGlite instance per folder and process: PGlite is single-user Postgres, it takes no lock on
  // the folder, so two processes pointed at the same `.data/<service>` would corrupt it.
  const client = new PGlite({
    dataDir: inMemory ? undefined : path.resolve(dataDir),
    loadDataDir: options.pgliteSnapshot,
  });
  try {
    await client.waitReady;
    const db = drizzlePglite(client, { schema: options.schema, logger: countingQueryLogger(options.service, options.onQuery) });
    const query: RawQuery = async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows;
    const applied = await countingApplied(query, DEFAULT_MIGRATIONS_SCHEMA, () =>
      migratePglite(db, { migrationsFolder: options.migrationsFolder }),
    );
    log('database ready', {
      service: options.service,
      kind: 'pglite',
      dataDir: inMemory ? IN_MEMORY : dataDir,
      migrationsApplied: applied,
      ms: Date.now() - started,
    });
    return handle(db, 'pglite', () => client.close());
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

/** The process's open pools, read when /metrics is scraped. */
const openPools = new Map<pg.Pool, string>();

function poolGauge(name: string, help: string, read: (pool: pg.Pool) => number) {
  gauge({
    name,
    help,
    labelNames: ['service'] as const,
    collect() {
      this.reset();
      const byService = new Map<string, number>();
      for (const [pool, service] of openPools) byService.set(service, (byService.get(service) ?? 0) + read(pool));
      for (const [service, value] of byService) this.set({ service }, value);
    },
  });
}
poolGauge('pdn_db_pool_connections', 'Connections the PostgreSQL pool holds, busy or idle', (pool) => pool.totalCount);
poolGauge('pdn_db_pool_idle_connections', 'Idle connections of the PostgreSQL pool', (pool) => pool.idleCount);
poolGauge('pdn_db_pool_waiting_requests', 'Queries waiting for a connection of the PostgreSQL pool', (pool) => pool.waitingCount);
poolGauge('pdn_db_pool_max_connections', 'Most connections the PostgreSQL pool may open', (pool) => pool.options.max ?? 10);

async function openPostgres<TSchema extends Record<string, unknown>>(
  options: OpenDatabaseOptions<TSchema> & { url: string },
): Promise<Database<TSchema>> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const { service, pgSchema, url } = options;
  const connectionString = pgSchema ? withSearchPath(url, pgSchema) : url;
  const target = describeTarget(url);
  // A server that accepts TCP but never answers (firewall, failover in progress) must not hang
  // start-up, /readyz or a request forever: each of them fails within these bounds instead.
  const timeouts = { ...databaseTimeoutsFor(), ...options.timeouts };

  const applied = await migratePostgres(connectionString, options, timeouts, log);

  // Survives the server going away under load: see ResilientPool.
  const pool = new ResilientPool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    // Set by the server on every connection at its start (no extra round trip); 0 is no limit.
    ...(timeouts.statementTimeoutMs > 0 ? { statement_timeout: timeouts.statementTimeoutMs } : {}),
    // A server that vanished without closing the connection (host down, network cut) is noticed by
    // TCP keepalive, and the connection discarded, instead of being handed out again.
    keepAlive: true,
    application_name: `pdn-${service}`,
  });
  // An idle pooled connection that the server drops (restart, failover, pg_terminate_backend) is
  // reported as an 'error' event on the pool; with no listener Node turns it into an uncaught
  // exception and the whole service dies. The pool discards that client and opens a new one on the
  // next query, so logging is all there is to do.
  pool.on('error', (error) => {
    log('idle database connection lost', { service, target, error: error.message });
  });

  const db = drizzleNodePg(pool, { schema: options.schema, logger: countingQueryLogger(options.service, options.onQuery) });
  log('database ready', {
    service,
    kind: 'postgres',
    target,
    pgSchema,
    ...timeouts,
    migrationsApplied: applied,
    ms: Date.now() - started,
  });
  openPools.set(pool, service);
  return handle(db, 'postgres', () => {
    openPools.delete(pool);
    return pool.end();
  });
}

/**
 * Runs the migrations on a dedicated connection holding a session advisory lock, so replicas that
 * start together take turns: the first applies the pending migrations, the others then find nothing
 * left to do. drizzle's migrator alone is not safe here: two runs both read "nothing applied yet" and
 * both execute 0000. The lock is released when the connection closes, even if this process dies.
 */
async function migratePostgres(
  connectionString: string,
  options: OpenDatabaseOptions<Record<string, unknown>>,
  timeouts: DatabaseTimeouts,
  log: DatabaseLog,
): Promise<number> {
  const { service, pgSchema, migrationsFolder } = options;
  const migrationsSchema = pgSchema ?? DEFAULT_MIGRATIONS_SCHEMA;
  // No statement timeout here: a replica waits on the advisory lock for as long as another migrates.
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    application_name: `pdn-${service}-migrate`,
  });
  client.on('error', (error) => log('migration connection lost', { service, error: error.message }));
  await client.connect();
  try {
    const query: RawQuery = async (text, params) => (await client.query(text, params)).rows;
    const lockKey = `pdn:migrations:${migrationsSchema}.${MIGRATIONS_TABLE}`;
    await query('select pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    try {
      const db = drizzleNodePg(client);
      if (!pgSchema) {
        return await countingApplied(query, migrationsSchema, () => migrateNodePg(db, { migrationsFolder }));
      }
      await query(`create schema if not exists "${pgSchema}"`);
      return await countingApplied(query, migrationsSchema, () =>
        migrateIntoSchema(db, migrationsFolder, pgSchema),
      );
    } finally {
      await query('select pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
    }
  } finally {
    await client.end();
  }
}

/**
 * drizzle's migrator, with the journal kept in the service's schema and drizzle-kit's explicit
 * `"public".` qualifiers redirected to that schema. drizzle-kit writes `CREATE TYPE "public"."x"` for
 * enums and `REFERENCES "public"."t"` for foreign keys even for tables without a schema, so on a
 * shared database those statements would land in (or point to) `public`, across the service boundary.
 * Everything else in the files is unqualified and follows `search_path`. The stored hashes are those
 * of the original files, the same as on PGlite.
 */
async function migrateIntoSchema(
  db: NodePgDatabase,
  migrationsFolder: string,
  pgSchema: string,
): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder }).map((migration) => ({
    ...migration,
    sql: migration.sql.map((statement) => statement.replaceAll('"public".', `"${pgSchema}".`)),
  }));
  // This is the body of drizzle's own `migrate`, which reaches the same session through an internal
  // field; the cast only drops the relational-schema generics that `PgDialect.migrate` does not use.
  await new PgDialect().migrate(migrations, db._.session as unknown as PgSession, {
    migrationsFolder,
    migrationsTable: MIGRATIONS_TABLE,
    migrationsSchema: pgSchema,
  });
}

// drizzle's migrators say nothing about what they did; the journal row count before and after does.
async function countingApplied(query: RawQuery, migrationsSchema: string, migrate: () => Promise<void>): Promise<number> {
  const count = async (): Promise<number> => {
    const [row] = await query('select to_regclass($1) is not null as "exists"', [
      `"${migrationsSchema}"."${MIGRATIONS_TABLE}"`,
    ]);
    if (!row?.['exists']) return 0;
    const [counted] = await query(`select count(*)::int as n from "${migrationsSchema}"."${MIGRATIONS_TABLE}"`);
    return Number(counted?.['n'] ?? 0);
  };
  const before = await count();
  await migrate();
  return (await count()) - before;
}

function handle<TSchema extends Record<string, unknown>>(
  db: Db<TSchema>,
  kind: Database['kind'],
  release: () => Promise<void>,
): Database<TSchema> {
  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    async ping() {
      await db.execute(sql`select 1`);
    },
    close() {
      closing ??= release();
      return closing;
    },
  };
}

/**
 * Sets the search_path in the connection's startup options rather than with a SET after connecting:
 * every connection the pool opens gets it before its first query, with no extra round trip and no
 * window where a query could run in `public`. `public` stays second so that extensions a DBA
 * installed there remain callable; what the service creates goes to the first schema.
 * Options already present in the URL are kept (the URL's own `options` would otherwise override ours).
 */
export function withSearchPath(url: string, pgSchema: string): string {
  assertServiceName(pgSchema);
  const parsed = new URL(url);
  const searchPath = `-c search_path=${pgSchema},public`;
  const existing = parsed.searchParams.get('options');
  parsed.searchParams.set('options', existing ? `${existing} ${searchPath}` : searchPath);
  return parsed.toString();
}

// host:port/database, never the password, for log lines.
function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host || 'localhost'}${parsed.pathname}`;
  } catch {
    return 'postgres';
  }
}
