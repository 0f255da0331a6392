import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { ANONYMOUS, REQUEST_ID_HEADER, signIdentity } from '@pdn/identity';
import { startService } from './start-service.js';
import type { RunningSubgraph } from './start-subgraph.js';
import { subgraphGraphqlModule } from './subgraph-graphql.module.js';
import { signedGraphql } from './testing.js';

const KEY = 'subgraph-metrics-test-key-0123456789abcdef';
/** The subgraph's log lines, kept to check what the request log writes. */
const logLines: Record<string, unknown>[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
const migrationsFolder = fileURLToPath(new URL('../../database/src/__fixtures__/migrations', import.meta.url));
const onServer = Boolean(process.env['TEST_DATABASE_URL']);

@Resolver()
class HelloResolver {
  @Query(() => String)
  hello(): string {
    return 'hello';
  }
}

@Module({
  imports: [subgraphGraphqlModule({ exposeInternals: false, logger })],
  providers: [HelloResolver],
})
class HelloModule {}

let testDatabase: TestDatabase;
let running: RunningSubgraph;
const graphql = signedGraphql(() => running.url, KEY);

beforeAll(async () => {
  testDatabase = await createTestDatabase({ service: 'members', migrationsFolder, schema: {} });
  running = await startService({
    name: 'members',
    settings: { NODE_ENV: 'test', LOG_LEVEL: 'silent', IDENTITY_SIGNING_KEY: KEY },
    host: '127.0.0.1',
    port: 0,
    migrationsFolder,
    schema: {},
    database: testDatabase.database,
    logger,
    createModule: () => ({ module: HelloModule }),
  });
});

afterAll(async () => {
  await running?.close();
  await testDatabase?.dispose();
});

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(): Promise<string> {
  // Unsigned, like /healthz: the scraper carries no caller.
  const response = await fetch(running.url.replace(/\/graphql$/, '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe('GET /metrics on a subgraph', () => {
  it('should give the default Node metrics and the duration of requests per route', async () => {
    const body = await graphql('{ hello }', ANONYMOUS);
    expect(body).toEqual({ data: { hello: 'hello' } });

    const text = await scrape();
    expect(text).toContain('pdn_process_resident_memory_bytes');
    expect(text).toContain('pdn_nodejs_eventloop_lag_seconds');
    expect(sample(text, 'pdn_subgraph_http_request_duration_seconds_count{route="/graphql",status="200"}')).toBeGreaterThanOrEqual(1);
  });

  it('should log a GraphQL request under its own path, not the path the router left', async () => {
    await graphql('{ hello }', ANONYMOUS);
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'request', method: 'POST', path: '/graphql', status: 200 }));
  });

  it('should log the trace id and span id of the traceparent sent, beside the request id, and invent none', async () => {
    const post = (requestId: string, extra: Record<string, string>) =>
      fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: requestId, ...signIdentity(ANONYMOUS, KEY), ...extra },
        body: JSON.stringify({ query: '{ hello }' }),
      }).then((response) => response.json());
    const lineOf = (requestId: string) => logLines.find((line) => line['msg'] === 'request' && line['requestId'] === requestId);

    await post('traced-request', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await post('untraced-request', {});
    await post('badly-traced-request', { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` });

    expect(lineOf('traced-request')).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', status: 200 });
    for (const requestId of ['untraced-request', 'badly-traced-request']) {
      expect(lineOf(requestId)).toMatchObject({ status: 200 });
      expect(lineOf(requestId)).not.toHaveProperty('traceId');
      expect(lineOf(requestId)).not.toHaveProperty('spanId');
    }
  });

  it('should not give a route label to a path the subgraph does not serve', async () => {
    await (await fetch(running.url.replace(/\/graphql$/, '/no/such/path/42'))).text();
    const text = await scrape();
    expect(sample(text, 'pdn_subgraph_http_request_duration_seconds_count{route="other",status="404"}')).toBe(1);
    expect(text).not.toContain('/no/such/path/42');
  });

  it('should give the PostgreSQL pool usage of the service (PGlite has no pool)', async () => {
    await testDatabase.database.ping();
    const text = await scrape();
    if (onServer) {
      // createTestDatabase opens pools of 4; the ping left its connection open and idle in the pool.
      expect(sample(text, 'pdn_db_pool_max_connections{service="members"}')).toBe(4);
      expect(sample(text, 'pdn_db_pool_connections{service="members"}')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'pdn_db_pool_idle_connections{service="members"}')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'pdn_db_pool_waiting_requests{service="members"}')).toBe(0);
    } else {
      expect(text).not.toContain('pdn_db_pool_max_connections{');
    }
  });
});
