// The system the product scenarios (S1–S5) load: the three built subgraphs and the built gateway, each
// a process of its own, on one database holding the dataset (a schema per subgraph, as the dataset
// generator writes it and as the subgraphs read DATABASE_URL alone). S5 writes, so the scenarios run
// on a copy of the dataset (CREATE DATABASE … TEMPLATE), dropped at the end.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { generateDataset } from '../dataset/generate.js';
import { PDN_GATEWAY_EXEC_ARGV, REPO_ROOT } from '../gateways/gateways-under-test.js';
import { baseEnv, freePorts, type PinnedProcess, spawnPinned, untilReady } from '../load/pinned-process.js';

export const PRODUCT_SUBGRAPHS = ['members', 'calendar', 'feed'] as const;
export type ProductSubgraph = (typeof PRODUCT_SUBGRAPHS)[number];

/** Where the benchmark's national dataset lives unless `--database-url` says otherwise. */
export const DEFAULT_DATASET_URL = 'postgres://postgres@127.0.0.1:5432/pdn_bench';
/** The dataset's seed and "now", as documented for pdn_bench. */
export const DATASET_SEED = 20260701;
export const DATASET_REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

/**
 * What the benchmark changes in the gateway's defaults: many requests per second come from a few
 * members' tokens and one address, so the per-member and per-address rate limits are off (0).
 */
export const PRODUCT_GATEWAY_SETTINGS: Record<string, string> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MEMBER_PER_MINUTE: '0',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
};

function withDatabase(url: string, name: string): string {
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${JSON.stringify(name)} in ${url}`);
  return name;
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), application_name: 'pdn-bench-maintenance' });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Makes sure the dataset exists: when its database is missing, it is created and generated (national
 * scale unless told otherwise; about 30 s). Returns whether it had to be generated.
 */
export async function ensureDataset(url: string, options: { scale?: number; progress?: (line: string) => void } = {}): Promise<boolean> {
  const name = databaseName(url);
  const exists = await onServer(url, async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
  if (exists) return false;
  options.progress?.(`dataset ${name} missing: generating it (scale ${options.scale ?? 1})`);
  await onServer(url, (client) => client.query(`create database "${name}"`));
  await generateDataset({
    databases: { members: { url, pgSchema: 'members' }, calendar: { url, pgSchema: 'calendar' }, feed: { url, pgSchema: 'feed' } },
    scale: options.scale ?? 1,
    seed: DATASET_SEED,
    referenceDate: DATASET_REFERENCE_DATE,
    progress: null,
  });
  return true;
}

/**
 * A writable copy of the dataset's database on the same server. PostgreSQL refuses to copy a
 * database others are connected to, so this retries for a while (other benchmarks may be reading it).
 */
export async function copyDataset(url: string, timeoutMs = 90_000): Promise<{ url: string; drop(): Promise<void> }> {
  const source = databaseName(url);
  const name = `pdn_bench_run_${process.pid}_${randomBytes(3).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await onServer(url, (client) => client.query(`create database "${name}" template "${source}"`));
      break;
    } catch (error) {
      if (!/being accessed by other users/.test((error as Error).message) || Date.now() > deadline) {
        throw new Error(`cannot copy ${source} into ${name}: ${(error as Error).message}`);
      }
      await sleep(1000);
    }
  }
  // Autovacuum may be off on a benchmark server, and a fresh bulk load has no visibility map: the
  // copy is left as autovacuum leaves a production database (vacuumed, analysed; a few seconds).
  const copy = new pg.Client({ connectionString: withDatabase(url, name), application_name: 'pdn-bench-maintenance' });
  copy.on('error', () => {});
  await copy.connect();
  try {
    await copy.query('vacuum analyze');
  } finally {
    await copy.end();
  }
  return {
    url: withDatabase(url, name),
    drop: () => onServer(url, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

export interface ProductSystemOptions {
  /** The database holding the dataset, a schema per subgraph. */
  databaseUrl: string;
  /** Logs (and CPU profiles) go here. */
  workDir: string;
  /** Processes run with node --cpu-prof (profiles `<name>.cpuprofile` in workDir/profiles). */
  cpuProfile?: readonly ('gateway' | ProductSubgraph)[];
  /** The subgraphs' NODE_ENV (default production, as deployed). */
  subgraphNodeEnv?: 'production' | 'test';
  /** Added to every subgraph's environment (e.g. a pool size under study). */
  subgraphEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
}

export interface ProductSystem {
  gatewayUrl: string;
  processes: Record<'gateway' | ProductSubgraph, PinnedProcess>;
  /** Each subgraph's /metrics, to read statement counts. */
  metricsUrls: Record<ProductSubgraph, string>;
  /** The gateway's environment as given (secrets left out), for the report. */
  gatewayEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startProductSystem(options: ProductSystemOptions): Promise<ProductSystem> {
  mkdirSync(join(options.workDir, 'logs'), { recursive: true });
  const profileDir = join(options.workDir, 'profiles');
  if (options.cpuProfile?.length) mkdirSync(profileDir, { recursive: true });
  const profileArgs = (name: string) =>
    options.cpuProfile?.includes(name as 'gateway') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const identityKey = randomBytes(24).toString('hex');
  const started: PinnedProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((child) => child.stop(15_000)));
  };
  try {
    const [membersPort, calendarPort, feedPort, gatewayPort] = (await freePorts(4)) as [number, number, number, number];
    const ports: Record<ProductSubgraph, number> = { members: membersPort, calendar: calendarPort, feed: feedPort };
    const graphqlUrl = (name: ProductSubgraph) => `http://127.0.0.1:${ports[name]}/graphql`;
    // Subgraphs run as deployed (NODE_ENV=production: graphql-js and Nest without their development
    // checks), which wants the access tokens' signing key given.
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const own: Record<ProductSubgraph, Record<string, string>> = {
      members: { CALENDAR_URL: graphqlUrl('calendar'), FEED_URL: graphqlUrl('feed'), JWT_PRIVATE_KEY: signingKey },
      calendar: { MEMBERS_URL: graphqlUrl('members') },
      feed: { MEMBERS_URL: graphqlUrl('members') },
    };
    const processes = {} as Record<'gateway' | ProductSubgraph, PinnedProcess>;
    for (const name of PRODUCT_SUBGRAPHS) {
      const prefix = name.toUpperCase();
      processes[name] = spawnPinned({
        script: join(REPO_ROOT, 'services', name, 'dist', 'main.js'),
        execArgv: profileArgs(name),
        cores: [],
        cwd: REPO_ROOT,
        logFile: join(options.workDir, 'logs', `${name}.log`),
        env: baseEnv({
          NODE_ENV: options.subgraphNodeEnv ?? 'production',
          LOG_LEVEL: 'warn',
          IDENTITY_SIGNING_KEY: identityKey,
          [`${prefix}_PORT`]: String(ports[name]),
          DATABASE_URL: options.databaseUrl,
          DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
          ...own[name],
          ...options.subgraphEnv,
        }),
      });
      started.push(processes[name]);
    }
    await Promise.all(PRODUCT_SUBGRAPHS.map((name) => untilReady(name, processes[name], `http://127.0.0.1:${ports[name]}/readyz`)));
    const gatewayEnv: Record<string, string> = {
      ...PRODUCT_GATEWAY_SETTINGS,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      MEMBERS_URL: graphqlUrl('members'),
      CALENDAR_URL: graphqlUrl('calendar'),
      FEED_URL: graphqlUrl('feed'),
      DOMAIN_EVENTS_MAX_BACKOFF_MS: '1000',
      ...options.gatewayEnv,
    };
    processes.gateway = spawnPinned({
      script: join(REPO_ROOT, 'gateway', 'dist', 'main.js'),
      execArgv: [...PDN_GATEWAY_EXEC_ARGV, ...profileArgs('gateway')],
      cores: [],
      cwd: REPO_ROOT,
      logFile: join(options.workDir, 'logs', 'gateway.log'),
      env: baseEnv({ ...gatewayEnv, IDENTITY_SIGNING_KEY: identityKey }),
    });
    started.push(processes.gateway);
    await untilReady('gateway', processes.gateway, `http://127.0.0.1:${gatewayPort}/readyz`);
    return {
      gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
      processes,
      metricsUrls: {
        members: `http://127.0.0.1:${ports.members}/metrics`,
        calendar: `http://127.0.0.1:${ports.calendar}/metrics`,
        feed: `http://127.0.0.1:${ports.feed}/metrics`,
      },
      gatewayEnv,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
