import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Int, Query, Resolver } from '@nestjs/graphql';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { ANONYMOUS } from '@pdn/identity';
import { startService } from './start-service.js';
import type { RunningSubgraph } from './start-subgraph.js';
import { subgraphGraphqlModule } from './subgraph-graphql.module.js';
import { signedGraphql } from './testing.js';

// The statements a subgraph sends while answering a GraphQL request are told apart from its
// background work in pdn_db_statements_total{origin}: the e2e statement-count test reads the former.

const KEY = 'subgraph-statement-origin-key-0123456789abcdef';
const logger = pino({ level: 'silent' });
const migrationsFolder = fileURLToPath(new URL('../../database/src/__fixtures__/migrations', import.meta.url));

let testDatabase: TestDatabase;
let running: RunningSubgraph;
const graphql = signedGraphql(() => running.url, KEY);

@Resolver()
class CountingResolver {
  /** Two statements, the second after a hop through the event loop, as a DataLoader batch would. */
  @Query(() => Int)
  async twoStatements(): Promise<number> {
    await testDatabase.database.db.execute(sql`select 1`);
    await new Promise((resolve) => setImmediate(resolve));
    await testDatabase.database.db.execute(sql`select 2`);
    return 2;
  }
}

@Module({
  imports: [subgraphGraphqlModule({ exposeInternals: false, logger })],
  providers: [CountingResolver],
})
class CountingModule {}

beforeAll(async () => {
  testDatabase = await createTestDatabase({ service: 'feed', migrationsFolder, schema: {} });
  running = await startService({
    name: 'feed',
    settings: { NODE_ENV: 'test', LOG_LEVEL: 'silent', IDENTITY_SIGNING_KEY: KEY },
    host: '127.0.0.1',
    port: 0,
    migrationsFolder,
    schema: {},
    database: testDatabase.database,
    logger,
    createModule: () => ({ module: CountingModule }),
  });
});

afterAll(async () => {
  await running?.close();
  await testDatabase?.dispose();
});

async function statements(origin: 'request' | 'background'): Promise<number> {
  const text = await (await fetch(running.url.replace(/\/graphql$/, '/metrics'))).text();
  const series = `pdn_db_statements_total{service="feed",origin="${origin}"} `;
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line === undefined ? 0 : Number(line.slice(series.length));
}

describe('pdn_db_statements_total on a subgraph', () => {
  it('should count the statements of a GraphQL request as request ones, and the others as background', async () => {
    const before = { request: await statements('request'), background: await statements('background') };
    expect(await graphql('{ twoStatements }', ANONYMOUS)).toEqual({ data: { twoStatements: 2 } });
    expect(await graphql('{ twoStatements }', ANONYMOUS)).toEqual({ data: { twoStatements: 2 } });
    await testDatabase.database.ping();
    expect(await statements('request')).toBe(before.request + 4);
    expect(await statements('background')).toBe(before.background + 1);
  });
});
