// `npm run bench [-- options]`: runs the benchmark scenarios (product scenarios S1–S5 on the dataset,
// the S6 subscription fan-out, then the S7 gateway comparison) and writes report.md, report.json and chart.svg (+ scenarios.svg)
// under tools/bench/results/<timestamp>/. `--quick` is the CI smoke run (short, no thresholds: it fails
// only when a scenario or a gateway answers wrongly or does not start).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareGateways } from './gateways/compare-gateways.js';
import { GATEWAY_IDS, type GatewayId, GATEWAYS_UNDER_TEST, REPO_ROOT } from './gateways/gateways-under-test.js';
import { type BenchReport, gatewayRatios, type ProfiledGateway } from './report/bench-report.js';
import { readCpuProfile } from './report/cpu-profile.js';
import { machineInfo, packageVersions } from './report/machine.js';
import { writeReport } from './report/write-report.js';
import { PRODUCT_SCENARIO_IDS, type ProductScenarioId, runProductScenarios } from './scenarios/product-scenarios.js';
import { DEFAULT_DATASET_URL, ensureDataset, type ProductSubgraph } from './scenarios/product-system.js';
import { type FanoutResult, runFanout } from './scenarios/s6-fanout-scenario.js';
import { parseScale } from './dataset/scale.js';

const SCENARIO_IDS = [...PRODUCT_SCENARIO_IDS, 'S6', 'S7'] as const;
type ScenarioId = (typeof SCENARIO_IDS)[number];
const SYSTEM_PROCESSES = ['gateway', 'members', 'calendar', 'feed'] as const;

const USAGE = `npm run bench -- [options]
  --quick               short smoke run (under 2 minutes), figures not comparable
  --scenarios a,b       among ${SCENARIO_IDS.map((id) => id.toLowerCase()).join(', ')} (default: all; S6 alone with more options:
                        node tools/bench/dist/scenarios/s6-fanout.js --help)
  --database-url URL    the dataset's database for S1–S5, a schema per subgraph (default ${DEFAULT_DATASET_URL});
                        generated when missing (about 30 s); S1–S5 run on a copy of it, dropped afterwards
  --dataset-scale X     scale of a dataset generated because it was missing (default national)
  --viewers N           members signed in per product scenario, their tokens spread over the requests (default 8)
  --s6-clients N        S6's graphql-ws clients (default 5000; quick 200), one subscription each
  --s6-alerts N         S6's measured alerts (default 20; quick 3)
  --profile-system a,b  run these processes of S1–S5 with node --cpu-prof (${SYSTEM_PROCESSES.join(', ')})
  --gateways a,b        among ${GATEWAY_IDS.join(', ')} (default: all)
  --connections N       concurrent connections (default 50; quick 10)
  --warmup S            seconds of warm-up per gateway, not counted (default 10; quick 2)
  --duration S          seconds per measured run (default 20; quick 4)
  --runs N              measured runs per gateway, the median is reported (default 3; quick 1)
  --timeout S           a request not answered in S seconds is a bad answer (default 10)
  --cpu-prof [a,b]      run these gateways with node --cpu-prof (default: pdn-gateway)
  --out DIR             where to write the report (default tools/bench/results/<timestamp>)`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenarios: { type: 'string' },
    'database-url': { type: 'string' },
    'dataset-scale': { type: 'string' },
    viewers: { type: 'string' },
    's6-clients': { type: 'string' },
    's6-alerts': { type: 'string' },
    'profile-system': { type: 'string' },
    gateways: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    duration: { type: 'string' },
    runs: { type: 'string' },
    timeout: { type: 'string' },
    'cpu-prof': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  // `--cpu-prof` alone profiles our gateway.
  args: process.argv.slice(2).flatMap((arg, i, all) => (arg === '--cpu-prof' && (all[i + 1] === undefined || all[i + 1]?.startsWith('--')) ? ['--cpu-prof', 'pdn-gateway'] : [arg])),
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function number(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    console.error(`--${name} must be a number ≥ ${min}\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

function gatewayList(name: string, text: string | undefined, fallback: readonly GatewayId[]): GatewayId[] {
  if (text === undefined) return [...fallback];
  const ids = text.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !(GATEWAY_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) {
    console.error(`--${name}: unknown gateway(s) ${unknown.join(', ')}\n\n${USAGE}`);
    process.exit(2);
  }
  return ids as GatewayId[];
}

function listOf<T extends string>(name: string, text: string | undefined, known: readonly T[], fallback: readonly T[], normalize = (id: string) => id): T[] {
  if (text === undefined) return [...fallback];
  const ids = text.split(',').map((id) => normalize(id.trim())).filter(Boolean);
  const unknown = ids.filter((id) => !(known as readonly string[]).includes(id));
  if (unknown.length > 0) {
    console.error(`--${name}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})\n\n${USAGE}`);
    process.exit(2);
  }
  return ids as T[];
}

const quick = values.quick ?? false;
const scenarios: ScenarioId[] = listOf('scenarios', values.scenarios, SCENARIO_IDS, SCENARIO_IDS, (id) => id.toUpperCase());
const productIds = scenarios.filter((id): id is ProductScenarioId => (PRODUCT_SCENARIO_IDS as readonly string[]).includes(id));
const systemProfiles = listOf('profile-system', values['profile-system'], SYSTEM_PROCESSES, []);
const databaseUrl = values['database-url'] ?? DEFAULT_DATASET_URL;
const startedAt = new Date();
const outDir = values.out ?? join(REPO_ROOT, 'tools/bench/results', startedAt.toISOString().replace(/[:.]/g, '-'));
const gateways = gatewayList('gateways', values.gateways, GATEWAY_IDS);
const cpuProfile = values['cpu-prof'] === undefined ? undefined : gatewayList('cpu-prof', values['cpu-prof'], []);
const settings = {
  gateways,
  connections: number('connections', values.connections, quick ? 10 : 50, 1),
  warmupSeconds: number('warmup', values.warmup, quick ? 2 : 10, 0),
  durationSeconds: number('duration', values.duration, quick ? 4 : 20, 1),
  runs: number('runs', values.runs, quick ? 1 : 3, 1),
  timeoutSeconds: number('timeout', values.timeout, 10, 1),
};

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
log(`results in ${outDir}`);

let productScenarios: Awaited<ReturnType<typeof runProductScenarios>> | undefined;
if (productIds.length > 0) {
  await ensureDataset(databaseUrl, { scale: parseScale(values['dataset-scale'] ?? 'national'), progress: log });
  const { connections, runs, timeoutSeconds } = settings;
  productScenarios = await runProductScenarios({
    connections,
    // Quick: five scenarios and S7 within two minutes, so shorter than S7's quick runs.
    warmupSeconds: quick && values.warmup === undefined ? 1 : settings.warmupSeconds,
    durationSeconds: quick && values.duration === undefined ? 3 : settings.durationSeconds,
    runs,
    timeoutSeconds,
    scenarios: productIds,
    databaseUrl,
    viewers: number('viewers', values.viewers, 8, 1),
    ...(systemProfiles.length > 0 ? { cpuProfile: systemProfiles as ('gateway' | ProductSubgraph)[] } : {}),
    workDir: join(outDir, 'product'),
    progress: log,
  });
}

let fanout: FanoutResult | undefined;
if (scenarios.includes('S6')) {
  const clients = number('s6-clients', values['s6-clients'], quick ? 200 : 5000, 1);
  const alerts = number('s6-alerts', values['s6-alerts'], quick ? 3 : 20, 1);
  log(`S6 subscription fan-out: ${clients} clients, ${alerts} alerts`);
  // Fresh databases of its own on the dataset's PostgreSQL server: it only needs a coordinator and promeneurs.
  fanout = await runFanout({
    clients,
    alerts,
    intervalMs: 500,
    loadProcesses: quick ? 1 : 2,
    members: Math.min(200, clients),
    departments: quick ? 2 : 6,
    databaseServerUrl: databaseUrl,
    workDir: join(outDir, 's6'),
    drainTimeoutMs: (quick ? 30 : 120) * 1000,
    connectConcurrency: 100,
    log: (line) => log(line.replace(/^S6: /, 'S6 ')),
  });
  log(`S6: ${fanout.deliveries.received} of ${fanout.deliveries.expected} delivered, p99 ${fanout.latencyMs.p99} ms, gateway peak RSS ${Math.round(fanout.memory.gatewayPeakRssBytes / 1024 / 1024)} MB`);
}

const comparison = scenarios.includes('S7')
  ? await compareGateways({ ...settings, ...(cpuProfile ? { cpuProfile } : {}), workDir: outDir, progress: log })
  : undefined;

/** The profiles node wrote when the profiled gateways exited. */
function cpuProfiles(): ProfiledGateway[] {
  return (comparison?.gateways ?? []).flatMap((outcome) => {
    const path = outcome.profileDir && join(outcome.profileDir, `${outcome.id}.cpuprofile`);
    return path && existsSync(path) ? [{ id: outcome.id, path, summary: readCpuProfile(path, outcome.measuredWindow) }] : [];
  });
}

const report: BenchReport = {
  startedAt: startedAt.toISOString(),
  command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  quick,
  machine: machineInfo(REPO_ROOT),
  versions: packageVersions(REPO_ROOT, [
    'graphql',
    '@apollo/subgraph',
    '@apollo/composition',
    'autocannon',
    ...(comparison ? gateways.flatMap((id) => GATEWAYS_UNDER_TEST[id].packages) : []),
  ]),
  ...(productScenarios ? { productScenarios } : {}),
  ...(fanout ? { fanout } : {}),
  ...(comparison ? { gatewayComparison: { ...comparison, ratios: gatewayRatios(comparison), profiles: cpuProfiles() } } : {}),
};
const written = writeReport(outDir, report);
log(`report: ${written.markdown}`);

const failing = [
  ...(productScenarios?.scenarios ?? []).filter((outcome) => outcome.status !== 'ok'),
  ...(comparison?.gateways ?? []).filter((outcome) => outcome.status !== 'ok'),
  // Missing deliveries are wrong answers, not slow ones.
  ...(fanout && fanout.deliveries.missing > 0 ? [{ id: 'S6', failure: `${fanout.deliveries.missing} of ${fanout.deliveries.expected} deliveries missing` }] : []),
];
if (failing.length > 0) {
  console.error(`failing: ${failing.map((outcome) => `${outcome.id} (${outcome.failure})`).join('; ')}`);
  process.exit(1);
}
