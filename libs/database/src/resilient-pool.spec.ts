// Against the PostgreSQL server (TEST_DATABASE_URL): the server ends a connection the way a restart
// does (pg_terminate_backend: "terminating connection due to administrator command"), only ours.
import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { isServiceUnavailableError } from '@pdn/errors';
import { ResilientPool } from './resilient-pool.js';

const serverUrl = process.env['TEST_DATABASE_URL']?.trim() || undefined;
const withServer = serverUrl ? describe : describe.skip;

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Ends one backend from another connection, as a server shutting down ends them all. */
async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

withServer('ResilientPool', () => {
  const pools: pg.Pool[] = [];
  const open = () => {
    const pool = new ResilientPool({ connectionString: serverUrl, max: 2 });
    pool.on('error', () => {});
    pools.push(pool);
    return pool;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });

  it('should survive a checked-out connection ended between two statements, and give the slot back', async () => {
    const pool = open();
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    expect(pool.totalCount).toBe(1);

    // Without a listener this 'error' would be an uncaught exception: the test process would die.
    await terminate(rows[0]!.pid);
    // The holder never released it (drizzle does not when its `begin` fails): the pool lets it go.
    await until(() => pool.totalCount === 0, 'the broken connection to leave the pool');

    await expect(client.query('select 1')).rejects.toThrow(/not queryable/);
    expect(isServiceUnavailableError(await client.query('select 1').catch((error: unknown) => error))).toBe(true);
    expect(() => client.release()).not.toThrow();
    expect(() => client.release()).not.toThrow();
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('should fail a drizzle transaction whose connection is ended, without keeping a slot', async () => {
    const pool = open();
    const db = drizzle(pool);
    const failed = await db
      .transaction(async (tx) => {
        const { rows } = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
        await terminate(rows[0]!.pid);
        await until(() => pool.totalCount === 0, 'the broken connection to leave the pool');
        await tx.execute(sql`select 1`);
      })
      .catch((error: unknown) => error);
    expect(isServiceUnavailableError(failed)).toBe(true);
    expect(pool.totalCount).toBe(0);
    // Both slots still there: two transactions at once.
    const both = await Promise.all([1, 2].map((n) => db.transaction(async (tx) => (await tx.execute<{ n: number }>(sql`select ${n}::int as n`)).rows[0]!.n)));
    expect(both).toEqual([1, 2]);
  });

  it('should release normally, once, as pg-pool does', async () => {
    const pool = open();
    const client = await pool.connect();
    client.release();
    client.release();
    expect(pool.idleCount).toBe(1);
    const again = await pool.connect();
    expect(again).toBe(client);
    again.release();
  });
});
