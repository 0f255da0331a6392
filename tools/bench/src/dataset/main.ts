import { parseArgs } from 'node:util';
import { databaseConnectionFor } from '@pdn/database';
import { DEFAULT_SEED, DEFAULT_WRITERS, generateDataset, SERVICES, type DatasetDatabase, type DatasetSummary, type ServiceName } from './generate.js';
import { format } from './progress.js';
import { parseScale } from './scale.js';

const USAGE = `Writes the benchmark's national dataset into the three subgraphs' PostgreSQL databases.

  node tools/bench/dist/dataset/main.js [--scale national|quick|<factor>] [--seed N]
      [--database-url URL] [--reference-date YYYY-MM-DD] [--replace] [--writers N] [--json]

  --scale           national (default: 100 départements, 4,000 members, 200,000 presence logs,
                    100,000 posts…), quick (1/20), or a factor in (0, 1]
  --seed            the same seed (and reference date) gives the same rows; default ${DEFAULT_SEED}
  --database-url    one database shared by the three subgraphs, each in the schema named after it
                    (as the subgraphs do with DATABASE_URL alone). Without it the databases come from
                    the environment exactly as the subgraphs read it: MEMBERS_DATABASE_URL,
                    CALENDAR_DATABASE_URL, FEED_DATABASE_URL, else DATABASE_URL (schema per subgraph).
  --reference-date  "now" for the data (events ±, presence and posts up to it); default: the first
                    day of the current month (UTC)
  --replace         empty the tables the dataset fills first (TRUNCATE … CASCADE: the members
                    subgraph recreates its first admin at its next start); otherwise a database
                    that already holds dataset rows is refused
  --writers         tables written at once, each in its own transaction and connection (default ${DEFAULT_WRITERS})
  --json            print the summary as JSON on stdout

Every generated member's password is printed in the summary.`;

function databasesFrom(sharedUrl: string | undefined): Record<ServiceName, DatasetDatabase> {
  const databases = {} as Record<ServiceName, DatasetDatabase>;
  for (const service of SERVICES) {
    const connection = sharedUrl ? { url: sharedUrl, pgSchema: service } : databaseConnectionFor(service);
    if (!connection.url) {
      throw new Error(`No database for ${service}: pass --database-url, or set DATABASE_URL or ${service.toUpperCase()}_DATABASE_URL.`);
    }
    databases[service] = { url: connection.url, pgSchema: connection.pgSchema };
  }
  return databases;
}

function printSummary(summary: DatasetSummary): void {
  const lines = [`Dataset: scale ${summary.scale}, seed ${summary.seed}, reference date ${summary.referenceDate.slice(0, 10)}`];
  for (const service of SERVICES) {
    lines.push(`  ${service} (${summary.serviceSeconds[service].toFixed(1)} s)`);
    for (const [table, rows] of Object.entries(summary.rows[service])) lines.push(`    ${table.padEnd(24)} ${format(rows).padStart(9)}`);
  }
  const rate = Math.round(summary.totalRows / summary.seconds);
  lines.push(`  total ${format(summary.totalRows)} rows in ${summary.seconds.toFixed(1)} s (${format(rate)} rows/s)`);
  lines.push(`  password of every generated member: ${summary.password}`);
  const { largestDepartment: largest } = summary;
  lines.push(`  largest département: ${largest.code} (${largest.members} members, ${largest.activePromeneurs} active promeneurs)`);
  const first = summary.accounts[0];
  if (first) lines.push(`  e.g. ${first.coordinator} (COORDINATOR, ${first.department}), ${first.promeneur ?? '–'} (PROMENEUR)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: 'national' },
      seed: { type: 'string' },
      'database-url': { type: 'string' },
      'reference-date': { type: 'string' },
      replace: { type: 'boolean', default: false },
      writers: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed: expected an integer, got ${JSON.stringify(values.seed)}`);
  const referenceDate = values['reference-date'] ? new Date(`${values['reference-date']}T00:00:00Z`) : undefined;
  if (referenceDate && Number.isNaN(referenceDate.getTime())) throw new Error('--reference-date: expected YYYY-MM-DD');
  const writers = values.writers === undefined ? DEFAULT_WRITERS : Number(values.writers);
  if (!Number.isSafeInteger(writers) || writers < 1) throw new Error(`--writers: expected a positive integer, got ${JSON.stringify(values.writers)}`);
  const summary = await generateDataset({
    databases: databasesFrom(values['database-url']),
    scale: parseScale(values.scale),
    seed,
    referenceDate,
    replace: values.replace,
    writers,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else printSummary(summary);
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
