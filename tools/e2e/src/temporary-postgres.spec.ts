import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { TemporaryPostgres } from './temporary-postgres.js';

/** One query on a connection of its own, closed afterwards; rejects when the server cannot be reached. */
async function query<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('TemporaryPostgres', () => {
  let server: TemporaryPostgres;

  beforeAll(async () => {
    server = await TemporaryPostgres.create();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('is a PostgreSQL server on its own port of 127.0.0.1, with trust authentication', async () => {
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    expect(server.port).not.toBe(5432);
    // Below the kernel's ephemeral ports, which other tests' servers are handed while this one is stopped.
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    expect(server.port).toBeLessThan(ephemeralLow!);
    const [row] = await query<{ version: string; fsync: string }>(
      server.url,
      "select version() as version, current_setting('fsync') as fsync",
    );
    expect(row?.version).toMatch(/^PostgreSQL /);
    expect(row?.fsync).toBe('off');
  });

  it('refuses connections while stopped and keeps its data across an immediate (crash-like) stop', async () => {
    await query(server.url, 'create table kept (id int primary key)');
    await query(server.url, 'insert into kept values (1), (2)');

    await server.stop('immediate');
    expect(server.isRunning).toBe(false);
    await expect(query(server.url, 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await server.start();
    expect(server.isRunning).toBe(true);
    expect(await query(server.url, 'select id from kept order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('restarts after a fast stop on the same port, terminating the connections it had', async () => {
    const client = new pg.Client({ connectionString: server.url });
    const lost = new Promise<Error>((resolve) => client.on('error', resolve));
    await client.connect();

    await server.restart('fast');

    expect((await lost).message).toMatch(/terminat/i);
    await client.end().catch(() => {});
    expect(await query(server.url, 'select count(*)::int as n from kept')).toEqual([{ n: 2 }]);
  });

  it('removes its folder and stops the server on dispose, even twice', async () => {
    const other = await TemporaryPostgres.create();
    const folder = other['folder'];
    expect(existsSync(folder)).toBe(true);
    await other.dispose();
    await other.dispose();
    expect(existsSync(folder)).toBe(false);
    await expect(query(other.url, 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
