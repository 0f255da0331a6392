import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { metricsRegistry } from '@pdn/logging/metrics';
import * as fixture from './__fixtures__/places.schema.js';
import { countStatementsAsRequest, type StatementOrigin } from './statement-counter.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const migrationsFolder = fileURLToPath(new URL('./__fixtures__/migrations', import.meta.url));

/** The counter's value for `service`, as /metrics would report it. */
async function statementsOf(service: string, origin: StatementOrigin = 'background'): Promise<number> {
  const metric = metricsRegistry().getSingleMetric('pdn_db_statements_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.find((value) => value.labels['service'] === service && value.labels['origin'] === origin)?.value ?? 0;
}

describe('pdn_db_statements_total', () => {
  let test: TestDatabase<typeof fixture>;
  const seen: string[] = [];
  beforeAll(async () => {
    test = await createTestDatabase({ service: 'feed', migrationsFolder, schema: fixture, onQuery: (sql) => seen.push(sql) });
  });
  afterAll(async () => {
    await test.dispose();
  });

  it('should count every statement of the service, not its migrations, and still call onQuery', async () => {
    const { db } = test.database;
    const before = await statementsOf('feed');
    seen.length = 0;
    await db.insert(fixture.structures).values({ name: 'PIJ' });
    await db.select().from(fixture.structures);
    await db.query.places.findMany({ with: { structure: true } });
    expect(await statementsOf('feed')).toBe(before + 3);
    expect(seen).toHaveLength(3);
  });

  it('should count the statements of a transaction, begin and commit included', async () => {
    const { db } = test.database;
    const before = await statementsOf('feed');
    await db.transaction(async (tx) => {
      await tx.select().from(fixture.places);
    });
    expect(await statementsOf('feed')).toBe(before + 3);
  });

  it('should count the statements sent while answering a request apart from the background ones', async () => {
    const { db } = test.database;
    const before = { request: await statementsOf('feed', 'request'), background: await statementsOf('feed') };
    await Promise.all([
      countStatementsAsRequest(async () => {
        await db.select().from(fixture.places);
        // Still the request's after awaiting, in a later tick.
        await new Promise((resolve) => setImmediate(resolve));
        await db.select().from(fixture.structures);
      }),
      db.select().from(fixture.structures),
    ]);
    expect(await statementsOf('feed', 'request')).toBe(before.request + 2);
    expect(await statementsOf('feed')).toBe(before.background + 1);
  });

  it('should be exposed in the Prometheus text of /metrics', async () => {
    const text = await metricsRegistry().metrics();
    expect(text).toMatch(/^pdn_db_statements_total\{service="feed",origin="request"\} \d+$/m);
    expect(text).toMatch(/^pdn_db_statements_total\{service="feed",origin="background"\} \d+$/m);
  });
});
