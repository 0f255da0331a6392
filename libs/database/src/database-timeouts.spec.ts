import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { isServiceUnavailableError } from '@pdn/errors';
import * as fixture from './__fixtures__/places.schema.js';
import { DEFAULT_DATABASE_TIMEOUTS, databaseTimeoutsFor } from './database-timeouts.js';
import { openDatabase, type Database } from './open-database.js';
import { createServerDatabase, dropServerDatabase } from './test-database.js';

const migrationsFolder = fileURLToPath(new URL('./__fixtures__/migrations', import.meta.url));
const serverUrl = process.env['TEST_DATABASE_URL']?.trim() || undefined;
const withServer = serverUrl ? describe : describe.skip;

/** The rows of a raw statement (drizzle types `execute` per engine, unknown through `Db`). */
async function rowsOf(database: Database<typeof fixture>, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  return ((await database.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
}

/** What the promise rejected with (fails the test if it resolved). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('databaseTimeoutsFor', () => {
  it('should give production defaults when nothing is set', () => {
    expect(databaseTimeoutsFor({})).toEqual(DEFAULT_DATABASE_TIMEOUTS);
    expect(databaseTimeoutsFor({ DATABASE_CONNECT_TIMEOUT_MS: ' ', DATABASE_STATEMENT_TIMEOUT_MS: '' })).toEqual(DEFAULT_DATABASE_TIMEOUTS);
  });

  it('should read both settings, 0 meaning no statement timeout', () => {
    expect(databaseTimeoutsFor({ DATABASE_CONNECT_TIMEOUT_MS: '1500', DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toEqual({
      connectTimeoutMs: 1500,
      statementTimeoutMs: 0,
    });
  });

  it.each([
    ['DATABASE_CONNECT_TIMEOUT_MS', '0'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '3s'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '-1'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '1.5'],
  ])('should refuse %s=%s at start rather than run without a bound', (name, value) => {
    expect(() => databaseTimeoutsFor({ [name]: value })).toThrow(name);
  });
});

describe('openDatabase against a server that accepts connections but never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port: number;

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('should give up after the connect timeout with an error taken for an outage, not hang', async () => {
    const started = Date.now();
    const error = await rejectionOf(
      openDatabase({ service: 'members', url: `postgres://postgres@127.0.0.1:${port}/x`, migrationsFolder, schema: {}, timeouts: { connectTimeoutMs: 300 } }),
    );
    // A correctness bound (no hang), far above the 300 ms asked for.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isServiceUnavailableError(error)).toBe(true);
  });
});

describe('openDatabase on a refused connection', () => {
  it('should fail with an error taken for an outage', async () => {
    const error = await rejectionOf(openDatabase({ service: 'members', url: 'postgres://postgres@127.0.0.1:1/x', migrationsFolder, schema: {} }));
    expect(isServiceUnavailableError(error)).toBe(true);
  });
});

withServer('openDatabase timeouts on a PostgreSQL server', () => {
  let url: string;
  let database: Database<typeof fixture>;

  beforeAll(async () => {
    url = await createServerDatabase(serverUrl!, 'members');
    database = await openDatabase({ service: 'members', url, migrationsFolder, schema: fixture, poolSize: 2, timeouts: { statementTimeoutMs: 200 } });
  });

  afterAll(async () => {
    await database?.close();
    await dropServerDatabase(serverUrl!, url);
  });

  it('should set the statement timeout on pooled connections, and the server cancels a longer statement', async () => {
    const [row] = await rowsOf(database, sql`select current_setting('statement_timeout') as timeout`);
    expect(row).toEqual({ timeout: '200ms' });
    const error = await rejectionOf(database.db.execute(sql`select pg_sleep(5)`));
    expect(isServiceUnavailableError(error)).toBe(true);
    // The connection is still good: the next statement runs.
    expect(await rowsOf(database, sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it('should take the defaults when none are given', async () => {
    const other = await openDatabase({ service: 'members', url, migrationsFolder, schema: fixture, poolSize: 1 });
    try {
      const [row] = await rowsOf(other, sql`select current_setting('statement_timeout') as timeout`);
      expect(row).toEqual({ timeout: `${DEFAULT_DATABASE_TIMEOUTS.statementTimeoutMs / 1000}s` });
    } finally {
      await other.close();
    }
  });
});
