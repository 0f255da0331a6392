import { createServerDatabase, dropServerDatabase } from '@pdn/database';
import pg from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the benchmark's own dataset, checked here (tools may not import tools)
import { BENCH_PASSWORD, generateDataset, type DatasetSummary, type ServiceName } from '../../bench/src/dataset/index.js';
import { startSystem, type RunningSystem } from './system.js';

export { BENCH_PASSWORD };
export type { ServiceName };

export const SERVICES: readonly ServiceName[] = ['members', 'calendar', 'feed'];
/** "Now" for the generated data, pinned so that a seed always gives the same rows. */
export const REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

/** The system running on a generated network (the benchmark's dataset at a small scale). */
export interface GeneratedSystem {
  system: RunningSystem;
  dataset: DatasetSummary;
  /** Each subgraph's database URL, to look inside. */
  databases: Record<ServiceName, string>;
  /** One statement on a subgraph's database. */
  sql<T extends Record<string, unknown>>(service: ServiceName, text: string, values?: unknown[]): Promise<T[]>;
  /** An access token for a generated member (password BENCH_PASSWORD) or any other account. */
  login(email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Fresh databases on TEST_DATABASE_URL's server, the generated dataset written into them, and the
 * built subgraphs and the gateway started on them (startSystem's own empty databases stay unused).
 */
export async function startGeneratedSystem(options: { seed: number; scale?: number; env?: Record<string, string> }): Promise<GeneratedSystem> {
  const serverUrl = process.env['TEST_DATABASE_URL'];
  if (!serverUrl) throw new Error('The dataset is written to PostgreSQL: set TEST_DATABASE_URL.');
  const databases = {} as Record<ServiceName, string>;
  for (const service of SERVICES) databases[service] = await createServerDatabase(serverUrl, service);
  const dropDatabases = () => Promise.all(Object.values(databases).map((url) => dropServerDatabase(serverUrl, url)));
  let system: RunningSystem | undefined;
  try {
    const dataset = await generateDataset({
      databases: { members: { url: databases.members }, calendar: { url: databases.calendar }, feed: { url: databases.feed } },
      scale: options.scale ?? 0.01,
      seed: options.seed,
      referenceDate: REFERENCE_DATE,
      progress: null,
    });
    system = await startSystem({
      env: {
        members: { MEMBERS_DATABASE_URL: databases.members, ...options.env },
        calendar: { CALENDAR_DATABASE_URL: databases.calendar, ...options.env },
        feed: { FEED_DATABASE_URL: databases.feed, ...options.env },
      },
    });
    const running = system;
    return {
      system: running,
      dataset,
      databases,
      sql: async <T extends Record<string, unknown>>(service: ServiceName, text: string, values: unknown[] = []) => {
        const client = new pg.Client({ connectionString: databases[service] });
        await client.connect();
        try {
          return (await client.query<T>(text, values)).rows;
        } finally {
          await client.end();
        }
      },
      login: async (email: string, password = BENCH_PASSWORD) => {
        const response = await fetch(running.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
            variables: { email, password },
          }),
        });
        return ((await response.json()) as { data: { login: { accessToken: string } } }).data.login.accessToken;
      },
      close: async () => {
        await running.close();
        await dropDatabases();
      },
    };
  } catch (error) {
    await system?.close();
    await dropDatabases();
    throw error;
  }
}
