import { CALENDAR_MIGRATIONS } from '@pdn/calendar/app';
import { calendarSchema } from '@pdn/calendar/db';
import { openDatabase, withSearchPath, type DatabaseConnection } from '@pdn/database';
import { FEED_MIGRATIONS } from '@pdn/feed/app';
import { feedSchema } from '@pdn/feed/db';
import { MEMBERS_MIGRATIONS } from '@pdn/members/app';
import { membersSchema } from '@pdn/members/db';
import { getTableName } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { insertBatch, type TableJob } from './bulk-insert.js';
import { calendarJobs } from './calendar-rows.js';
import { feedJobs } from './feed-rows.js';
import { membersJobs } from './members-rows.js';
import { BENCH_EMAIL_DOMAIN, memberEmail, planNetwork, type Network } from './network.js';
import { BENCH_PASSWORD } from './password.js';
import { Progress, type ProgressSink } from './progress.js';
import { targetsFor, type DatasetTargets } from './scale.js';

export const SERVICES = ['members', 'calendar', 'feed'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Where one subgraph's tables are: its database URL, and its schema when the database is shared. */
export type DatasetDatabase = Required<Pick<DatabaseConnection, 'url'>> & Pick<DatabaseConnection, 'pgSchema'>;

export interface GenerateDatasetOptions {
  /** Each subgraph's database, as the subgraph itself will open it (see `databaseConnectionFor`). */
  databases: Record<ServiceName, DatasetDatabase>;
  /** 1 = national (the default); 0.05 = quick. */
  scale?: number;
  seed?: number;
  /**
   * "Now" for the dataset: events run from a year before it to six months after, presence and posts
   * lead up to it. Default: the first day of the current month (UTC), so a dataset made today and one
   * made next week are the same.
   */
  referenceDate?: Date;
  /** Empty the tables the dataset fills first (TRUNCATE … CASCADE); otherwise refuse non-empty ones. */
  replace?: boolean;
  /** Where the progress bar goes; default `process.stderr`; null for none. */
  progress?: ProgressSink | null;
  /** Tables written at once, each on its own connection; default `DEFAULT_WRITERS` (4). */
  writers?: number;
}

/** A table written per server core and a couple more, so that one waiting on the client still leaves the cores busy. */
export const DEFAULT_WRITERS = 4;

export interface DatasetSummary {
  scale: number;
  seed: number;
  referenceDate: string;
  targets: DatasetTargets;
  /** Rows written per table, by subgraph. */
  rows: Record<ServiceName, Record<string, number>>;
  totalRows: number;
  seconds: number;
  /** Seconds from the start of writing until the subgraph's last table was written and analysed. */
  serviceSeconds: Record<ServiceName, number>;
  /** Every generated member signs in with this password. */
  password: string;
  /** One coordinator and one ACTIVE promeneur of each of the first départements, to sign in as. */
  accounts: { department: string; coordinator: string; promeneur: string | null }[];
  /** The département with the most members (the Nord from the quick scale up): for the largest pages. */
  largestDepartment: { code: string; members: number; activePromeneurs: number };
}

export const DEFAULT_SEED = 20_260_701;

export function defaultReferenceDate(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

const SCHEMAS = { members: membersSchema, calendar: calendarSchema, feed: feedSchema } as const;
const MIGRATIONS: Record<ServiceName, string> = { members: MEMBERS_MIGRATIONS, calendar: CALENDAR_MIGRATIONS, feed: FEED_MIGRATIONS };

/** What the dataset writes, per subgraph and table, without writing it: counts for tests and reports. */
export function planDataset(options: { scale?: number; seed?: number; referenceDate?: Date } = {}) {
  const seed = options.seed ?? DEFAULT_SEED;
  const targets = targetsFor(options.scale ?? 1);
  const network = planNetwork(seed, targets, options.referenceDate ?? defaultReferenceDate());
  const jobs: Record<ServiceName, TableJob[]> = {
    members: membersJobs(seed, network),
    calendar: calendarJobs(seed, network, targets),
    feed: feedJobs(seed, network, targets),
  };
  return { seed, targets, network, jobs };
}

/**
 * Writes the national dataset into the three subgraphs' databases: migrations first (the services'
 * own migrator and SQL files, so the tables are production's), then every table in bulk, several
 * at once as soon as the tables they refer to are committed, each followed by ANALYZE so the planner
 * knows its size before the first benchmark query.
 */
export async function generateDataset(options: GenerateDatasetOptions): Promise<DatasetSummary> {
  const runStarted = Date.now();
  const scale = options.scale ?? 1;
  const referenceDate = options.referenceDate ?? defaultReferenceDate();
  const { seed, targets, network, jobs } = planDataset({ scale, seed: options.seed, referenceDate });

  await Promise.all(SERVICES.map((service) => migrate(service, options.databases[service])));

  const totals = new Map<string, number>();
  for (const service of SERVICES) for (const job of jobs[service]) totals.set(getTableName(job.table), job.total);
  const progress = new Progress(totals, options.progress === undefined ? process.stderr : options.progress);
  const started = Date.now();
  const serviceSeconds = {} as Record<ServiceName, number>;
  const rows = {} as Record<ServiceName, Record<string, number>>;
  await Promise.all(
    SERVICES.map((service) => prepareService(service, options.databases[service], jobs[service].map((job) => getTableName(job.table)), options.replace ?? false)),
  );
  // Every table once the tables its foreign keys point to are committed, a few at a time, the ones
  // that hold up the most rows (their own and their dependents') first.
  const slot = limiter(options.writers ?? DEFAULT_WRITERS);
  const allJobs = SERVICES.flatMap((service) => jobs[service]);
  const committed = new Map<string, Promise<void>>();
  const writes: Promise<void>[] = [];
  for (const service of SERVICES) {
    rows[service] = Object.fromEntries(jobs[service].map((job) => [getTableName(job.table), 0]));
    for (const job of jobs[service]) {
      const table = getTableName(job.table);
      const write = (async () => {
        await Promise.all(dependenciesOf(job).map((dependency) => committedBefore(committed, dependency, table)));
        const priority = rowsHeldUpBy(job, allJobs);
        rows[service][table] = await slot(priority, () => writeTable(service, options.databases[service], job, progress));
      })();
      // Tables that refer to this one start once it is committed; its ANALYZE (which also merges the
      // pending entries of GIN indexes: seconds for the posts' full-text index) runs meanwhile.
      const analysed = write.then(async () => {
        await analyze(service, options.databases[service], job);
        serviceSeconds[service] = Math.max(serviceSeconds[service] ?? 0, (Date.now() - started) / 1000);
      });
      committed.set(table, write);
      writes.push(write, analysed);
    }
  }
  // Every write settles before the first failure is reported: no connection is left behind.
  const outcomes = await Promise.allSettled(writes);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    progress.finish();
    throw new Error(
      `The dataset was not completely written (rerun with --replace): ${failure.reason instanceof Error ? failure.reason.message : String(failure.reason)}`,
      { cause: failure.reason },
    );
  }
  progress.finish();

  return {
    scale,
    seed,
    referenceDate: referenceDate.toISOString(),
    targets,
    rows,
    totalRows: SERVICES.reduce((total, service) => total + Object.values(rows[service]).reduce((a, b) => a + b, 0), 0),
    seconds: (Date.now() - runStarted) / 1000,
    serviceSeconds,
    password: BENCH_PASSWORD,
    accounts: accountsOf(network),
    largestDepartment: largestDepartmentOf(network),
  };
}

async function migrate(service: ServiceName, target: DatasetDatabase): Promise<void> {
  const database = await openDatabase({
    service,
    url: target.url,
    pgSchema: target.pgSchema,
    migrationsFolder: MIGRATIONS[service],
    schema: SCHEMAS[service],
    poolSize: 1,
  });
  await database.close();
}

/**
 * Empties the service's dataset tables (replace) or checks that they hold no dataset yet, before any
 * table is written.
 */
async function prepareService(service: ServiceName, target: DatasetDatabase, tables: string[], replace: boolean): Promise<void> {
  await withClient(service, target, async (client) => {
    if (replace) await client.query(`truncate ${tables.map((table) => `"${table}"`).join(', ')} cascade`);
    else await refuseExistingData(client, service, tables);
  });
}

/** Rows above which a table is written by two connections at once: one server core each. */
const ROWS_PER_CONNECTION = 50_000;

/**
 * Writes one table. A large table (posts, presence logs, reactions) is written by
 * two connections that take turns at the same batch generator, each in its own transaction; the
 * others by one. Tables that do not depend on each other are written side by side too, so both of
 * the server's cores work until the end.
 */
async function writeTable(service: ServiceName, target: DatasetDatabase, job: TableJob, progress: Progress): Promise<number> {
  const table = getTableName(job.table);
  const batches = job.batches()[Symbol.iterator]();
  const connections = job.total > ROWS_PER_CONNECTION ? 2 : 1;
  progress.startTable(service, table);
  const written = await Promise.all(
    Array.from({ length: connections }, () =>
      withClient(service, target, async (client) => {
        let rows = 0;
        await client.query('begin');
        try {
          // Batches are made synchronously, so two connections never draw the same one.
          for (let next = batches.next(); !next.done; next = batches.next()) {
            await insertBatch(client, job.table, next.value);
            rows += next.value.length;
            progress.add(table, next.value.length);
          }
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        }
        return rows;
      }),
    ),
  );
  progress.endTable(table);
  return written.reduce((total, rows) => total + rows, 0);
}

async function analyze(service: ServiceName, target: DatasetDatabase, job: TableJob): Promise<void> {
  await withClient(service, target, (client) => client.query(`analyze "${getTableName(job.table)}"`));
}

async function withClient<T>(service: ServiceName, target: DatasetDatabase, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: target.pgSchema ? withSearchPath(target.url, target.pgSchema) : target.url,
    application_name: `pdn-bench-dataset-${service}`,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The tables a table's foreign keys point to: they must be written (committed) first. */
function dependenciesOf(job: TableJob): string[] {
  const own = getTableName(job.table);
  return getTableConfig(job.table)
    .foreignKeys.map((foreignKey) => getTableName(foreignKey.reference().foreignTable))
    .filter((table) => table !== own);
}

function committedBefore(committed: Map<string, Promise<void>>, dependency: string, table: string): Promise<void> {
  const write = committed.get(dependency);
  if (!write) throw new Error(`${table} refers to ${dependency}, which is not written before it`);
  return write;
}

/** A table's rows and those of every table that waits for it. */
function rowsHeldUpBy(job: TableJob, jobs: TableJob[]): number {
  const table = getTableName(job.table);
  const dependents = jobs.filter((other) => dependenciesOf(other).includes(table));
  return job.total + dependents.reduce((total, dependent) => total + rowsHeldUpBy(dependent, jobs), 0);
}

/**
 * At most `limit` tasks run at once; a free slot goes to the waiting task of highest priority. Slots
 * are handed out on the next turn of the event loop, so tasks asked for together are ranked together.
 */
function limiter(limit: number): <T>(priority: number, task: () => Promise<T>) => Promise<T> {
  let running = 0;
  let draining = false;
  const waiting: { priority: number; start: () => void }[] = [];
  const drain = () => {
    draining = false;
    while (running < limit && waiting.length > 0) {
      running++;
      waiting.shift()!.start();
    }
  };
  const scheduleDrain = () => {
    if (draining) return;
    draining = true;
    setImmediate(drain);
  };
  return async (priority, task) => {
    await new Promise<void>((start) => {
      waiting.push({ priority, start });
      waiting.sort((a, b) => b.priority - a.priority);
      scheduleDrain();
    });
    try {
      return await task();
    } finally {
      running--;
      scheduleDrain();
    }
  };
}

/**
 * A second run on the same databases would break unique keys halfway, or double the data silently:
 * refuse unless told to replace. The members table may already hold the first admin (created by the
 * subgraph at start), so only generated members count there.
 */
async function refuseExistingData(client: pg.Client, service: ServiceName, tables: string[]): Promise<void> {
  for (const table of tables) {
    const { rows } =
      table === 'members'
        ? await client.query<{ found: boolean }>(`select exists(select 1 from members where email like $1) as found`, [`%@${BENCH_EMAIL_DOMAIN}`])
        : await client.query<{ found: boolean }>(`select exists(select 1 from "${table}") as found`);
    if (rows[0]?.found) {
      throw new Error(`The ${service} database already holds data (table ${table}): pass --replace (replace: true) to empty the dataset's tables first.`);
    }
  }
}

function accountsOf(network: Network): DatasetSummary['accounts'] {
  return network.departments.slice(0, 10).map((department) => ({
    department: department.code,
    coordinator: memberEmail('COORDINATOR', department.code, 1),
    promeneur: department.members.find((m) => m.role === 'PROMENEUR' && m.status === 'ACTIVE')?.email ?? null,
  }));
}

function largestDepartmentOf(network: Network): DatasetSummary['largestDepartment'] {
  const largest = network.departments.reduce((best, department) => (department.members.length > best.members.length ? department : best));
  return { code: largest.code, members: largest.members.length, activePromeneurs: largest.activePromeneurs.length };
}
