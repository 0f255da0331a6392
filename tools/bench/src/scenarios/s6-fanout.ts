// `node tools/bench/dist/scenarios/s6-fanout.js [options]`: the S6 subscription fan-out scenario on its
// own (s6-fanout-scenario.ts). Prints a summary against the issue's targets (reported, not asserted)
// and writes the full result as JSON under tools/bench/results/. Needs `npm run build` and a
// PostgreSQL server (TEST_DATABASE_URL, DATABASE_URL or --database-url).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../gateways/gateways-under-test.js';
import { describeFanout, runFanout } from './s6-fanout-scenario.js';
import { stopRunningS6Systems } from './s6-system.js';

const USAGE = `node tools/bench/dist/scenarios/s6-fanout.js [options]
  --clients N            graphql-ws clients, one subscription each (default 5000)
  --alerts N             measured alerts (default 20)
  --interval-ms N        between two raises (default 500)
  --load-processes N     processes the clients are spread over (default 2)
  --members N            promeneurs whose access tokens the clients share (default 200)
  --departments N        départements the promeneurs are spread over, each an audience of its own (default 6, at most 12)
  --database-url URL     PostgreSQL server for the subgraphs' fresh databases (default TEST_DATABASE_URL or DATABASE_URL)
  --redis-url URL        feed pub/sub (and gateway counters) in Redis (default: none, in-process)
  --drain-timeout S      after the last raise, seconds to wait for missing deliveries (default 120)
  --connect-concurrency N  sockets each load process opens at once (default 100)
  --gateway-env NAME=V   a gateway setting for this run (repeatable), e.g. SHARED_SUBSCRIPTIONS=false to measure without sharing
  --cpu-prof             run the gateway with node --cpu-prof and summarise where its time goes
  --out FILE             JSON result (default tools/bench/results/s6-fanout-<timestamp>.json)
  --keep-logs            keep the processes' logs (and the profile) instead of deleting them`;

const { values } = parseArgs({
  options: {
    clients: { type: 'string' },
    alerts: { type: 'string' },
    'interval-ms': { type: 'string' },
    'load-processes': { type: 'string' },
    members: { type: 'string' },
    departments: { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    'drain-timeout': { type: 'string' },
    'connect-concurrency': { type: 'string' },
    'gateway-env': { type: 'string', multiple: true },
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function whole(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number ≥ ${min}\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

const gatewayEnv: Record<string, string> = {};
for (const setting of values['gateway-env'] ?? []) {
  const equals = setting.indexOf('=');
  if (equals <= 0) {
    console.error(`--gateway-env takes NAME=VALUE, not "${setting}"\n\n${USAGE}`);
    process.exit(2);
  }
  gatewayEnv[setting.slice(0, equals)] = setting.slice(equals + 1);
}

const databaseServerUrl = values['database-url'] ?? process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
if (!databaseServerUrl) {
  console.error(`The subgraphs run on PostgreSQL: set TEST_DATABASE_URL or pass --database-url.\n\n${USAGE}`);
  process.exit(2);
}

// Interrupted, it still stops the processes it started and drops their databases (the load processes
// leave by themselves when their parent goes).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`S6: ${signal}, stopping the processes started`);
    void stopRunningS6Systems().finally(() => process.exit(130));
  });
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const workDir = mkdtempSync(join(tmpdir(), 'pdn-bench-s6-'));
const outFile = values.out ?? join(REPO_ROOT, 'tools/bench/results', `s6-fanout-${stamp}.json`);
try {
  const result = await runFanout({
    clients: whole('clients', values.clients, 5000, 1),
    alerts: whole('alerts', values.alerts, 20, 1),
    intervalMs: whole('interval-ms', values['interval-ms'], 500, 0),
    loadProcesses: whole('load-processes', values['load-processes'], 2, 1),
    members: whole('members', values.members, 200, 1),
    departments: whole('departments', values.departments, 6, 1),
    databaseServerUrl,
    redisUrl: values['redis-url'],
    workDir,
    cpuProfile: values['cpu-prof'],
    gatewayEnv,
    drainTimeoutMs: whole('drain-timeout', values['drain-timeout'], 120, 1) * 1000,
    connectConcurrency: whole('connect-concurrency', values['connect-concurrency'], 100, 1),
    log: (line) => console.error(line),
  });
  mkdirSync(join(outFile, '..'), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(describeFanout(result));
  // Missing deliveries are an error of the system measured, not a slow result: the exit code says so.
  process.exitCode = result.deliveries.missing === 0 ? 0 : 1;
  console.log(`  JSON: ${outFile}${values['keep-logs'] || process.exitCode !== 0 ? `; logs: ${workDir}` : ''}`);
} catch (error) {
  console.error(`S6 failed: ${(error as Error).stack ?? String(error)}\n(logs kept in ${workDir})`);
  process.exitCode = 1;
} finally {
  if (!values['keep-logs'] && process.exitCode === 0) rmSync(workDir, { recursive: true, force: true });
}
