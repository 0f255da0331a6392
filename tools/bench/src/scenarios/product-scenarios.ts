// Product scenarios S1–S5 of issue 7: the pages of the product (and a mix of everyday mutations) sent
// through our gateway to the real system on the benchmark's dataset, with autocannon at fixed
// concurrency, a warm-up not counted, several measured runs and their median. Members sign in with
// the dataset's password (several tokens, spread over the requests so no cache sees one viewer only);
// the inputs come from the dataset (the most populous département, events with ≥ 200 registrations,
// open events and active alerts for S5). Every answer is checked: no errors and the expected shape.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { BENCH_PASSWORD } from '../dataset/password.js';
import type { ProcessFigures } from '../gateways/compare-gateways.js';
import { builtFile, type ProcessSample, sampleProcess } from '../load/pinned-process.js';
import { loadFailure, runLoad } from '../load/run-load.js';
import { type RunResult, type RunsSummary, summarizeRuns } from '../load/stats.js';
import { coordinatorReport, directoryPage, eventPage, feedPage, type OperationRequest } from './operations.js';
import type { MutationMember, ProductCheckArgs, ProductRequestsArgs, QueryVariant } from './product-requests.js';
import { copyDataset, DATASET_REFERENCE_DATE, PRODUCT_SUBGRAPHS, type ProductSubgraph, type ProductSystem, startProductSystem } from './product-system.js';

export const PRODUCT_SCENARIO_IDS = ['S1', 'S2', 'S3', 'S4', 'S5'] as const;
export type ProductScenarioId = (typeof PRODUCT_SCENARIO_IDS)[number];

/** What each scenario asks, for the report and the README. */
export const PRODUCT_SCENARIOS: Record<ProductScenarioId, { title: string; asks: string; viewer: string }> = {
  S1: {
    title: 'Directory page',
    asks: 'the promeneurs of a département (a page of 20) with their structure (members), permanences and registrations (calendar) and 3 latest posts (feed)',
    viewer: 'promeneurs',
  },
  S2: {
    title: 'Feed page',
    asks: '20 posts with their author and structure, the original of republications and the first 3 comments with their authors',
    viewer: 'promeneurs',
  },
  S3: {
    title: 'Event page',
    asks: 'an event with ≥ 200 registrations, each with its member (e-mail, structure), as the coordinator of its département sees it',
    viewer: 'coordinators of the events’ départements',
  },
  S4: {
    title: 'Coordinator report',
    asks: '100 members of a département with their structure and their presence over a year (calendar, through @requires on the weekly commitment)',
    viewer: 'coordinators of the département',
  },
  S5: {
    title: 'Mutation mix',
    asks: 'per connection in turn: register to an open event, cancel that registration, publish a post, acknowledge an alert of the member’s département',
    viewer: 'promeneurs',
  },
};

/** Issue 7's target for S1–S4 on the national dataset at 50 connections. */
export const P95_TARGET_MS = 100;

export interface ProductScenariosOptions {
  scenarios: readonly ProductScenarioId[];
  /** The dataset's database (a schema per subgraph). */
  databaseUrl: string;
  /** Run on a copy of the dataset (default); false runs on it directly, only sound when nothing writes (no S5). */
  copy?: boolean;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  runs: number;
  timeoutSeconds: number;
  /** Distinct members signed in per query scenario (default 8). */
  viewers?: number;
  workDir: string;
  /** Processes run with --cpu-prof (profiles in workDir/profiles). */
  cpuProfile?: readonly ('gateway' | ProductSubgraph)[];
  /** Extra environment for the subgraphs (e.g. a pool size under study). */
  subgraphEnv?: Record<string, string>;
  progress?: (line: string) => void;
}

export type ProductProcessName = 'gateway' | ProductSubgraph | 'load' | 'postgres';

export interface ProductScenarioOutcome {
  id: ProductScenarioId;
  title: string;
  asks: string;
  /** The inputs picked from the dataset, in words. */
  inputs: string;
  /** Distinct access tokens the requests go round. */
  viewers: number;
  status: 'ok' | 'failing';
  failure?: string;
  summary?: RunsSummary;
  runs?: RunResult[];
  warmup?: RunResult;
  measuredSeconds?: number;
  processes: Partial<Record<ProductProcessName, ProcessFigures>>;
  /** SQL statements per answer during the measured runs, per subgraph (pdn_db_statements_total{origin="request"}). */
  statementsPerRequest?: Partial<Record<ProductSubgraph, number>>;
  /**
   * CPU milliseconds per answer over the measured runs, all processes of the system (gateway, subgraphs,
   * PostgreSQL's backends): steadier than latency on a machine shared with other work.
   */
  cpuMsPerAnswer?: number;
  /** Whether p95 ≤ 100 ms (S1–S4; a statement about this run, not a CI threshold). */
  targetMet?: boolean;
}

export interface ProductScenariosResult {
  settings: Omit<ProductScenariosOptions, 'workDir' | 'progress' | 'databaseUrl' | 'subgraphEnv'>;
  /** The dataset: its database (no credentials), and whether the run used a copy. */
  dataset: { database: string; copied: boolean; members: number; posts: number; registrations: number };
  gatewayEnv: Record<string, string>;
  scenarios: ProductScenarioOutcome[];
  /** Peak RSS of each process over the whole run. */
  peakRssBytes: Partial<Record<Exclude<ProductProcessName, 'load'>, number>>;
  /** CPU profiles written (with --cpu-prof). */
  profiles?: string[];
}

interface GraphqlAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function graphql<T>(url: string, request: OperationRequest | { query: string; variables: Record<string, unknown> }, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(request),
  });
  const answer = (await response.json()) as GraphqlAnswer<T>;
  if (answer.errors?.length || !answer.data) throw new Error(`GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(answer.errors).slice(0, 500)}`);
  return answer.data;
}

const LOGIN = 'mutation BenchLogin($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';

/** Signs members in a few at a time (each sign-in hashes a password on a shared machine). */
async function signIn(url: string, emails: readonly string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const unique = [...new Set(emails)];
  for (let i = 0; i < unique.length; i += 4) {
    const batch = unique.slice(i, i + 4);
    const signed = await Promise.all(
      batch.map(async (email) => (await graphql<{ login: { accessToken: string } }>(url, { query: LOGIN, variables: { email, password: BENCH_PASSWORD } })).login.accessToken),
    );
    batch.forEach((email, j) => tokens.set(email, signed[j]!));
  }
  return tokens;
}

async function query<T extends Record<string, unknown>>(client: pg.Client, text: string, values: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(text, values)).rows;
}

interface Inputs {
  /** The most populous départements (59 first at national scale), each with two promeneurs and a coordinator. */
  departments: { code: string; promeneurs: string[]; coordinator: string }[];
  promeneurs: { email: string; department: string }[];
  events: { id: string; department: string; registrations: number; coordinator: string }[];
  mutationMembers: { email: string; alertIds: string[] }[];
  openEvents: string[];
  counts: { members: number; posts: number; registrations: number };
}

/** Picks the scenarios' inputs from the dataset. */
async function pickInputs(databaseUrl: string, viewers: number): Promise<Inputs> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pdn-bench-inputs' });
  await client.connect();
  try {
    // S1 and S4: the 4 most populous départements (59 first at national scale), each asked by its own
    // members, so that the gateway cannot share one département's subgraph answers between all requests.
    const departments = await query<{ code: string; promeneurs: string[]; coordinator: string | null }>(
      client,
      `select m.department as code,
              (array_agg(m.email order by m.email) filter (where m.role = 'PROMENEUR'))[1:2] as promeneurs,
              min(m.email) filter (where m.role = 'COORDINATOR') as coordinator
         from members.members m where m.status = 'ACTIVE'
        group by m.department having count(*) filter (where m.role = 'PROMENEUR') >= 2
        order by (m.department = '59') desc, count(*) desc, m.department limit 4`,
    );
    if (departments.length === 0) throw new Error('the dataset has no département with active promeneurs');
    const department = departments[0]!.code;
    // Promeneurs from several départements, those with active alerts first (S5 acknowledges them).
    const promeneurs = await query<{ email: string; department: string; alert_ids: string[] | null }>(
      client,
      `with alerting as (
         select d as department, array_agg(a.id::text order by a.raised_at desc) as alert_ids
           from feed.alerts a, unnest(a.departments) d
          where a.resolved_at is null and (a.expires_at is null or a.expires_at > now() + interval '1 day')
          group by d),
       ranked as (
         select m.email, m.department, al.alert_ids,
                row_number() over (partition by m.department order by m.email) as rank
           from members.members m left join alerting al on al.department = m.department
          where m.role = 'PROMENEUR' and m.status = 'ACTIVE')
       select email, department, alert_ids from ranked where rank <= 2
        order by (alert_ids is not null) desc, (department = $1) desc, department, email limit $2`,
      [department, viewers],
    );
    // S3: the largest events (≥ 200 registrations at national scale), with a coordinator of their département.
    const events = await query<{ id: string; department: string; registrations: number; coordinator: string }>(
      client,
      `select e.id::text, e.department, count(*)::int as registrations,
              (select c.email from members.members c where c.role = 'COORDINATOR' and c.status = 'ACTIVE' and c.department = e.department order by c.email limit 1) as coordinator
         from calendar.events e join calendar.registrations r on r.event_id = e.id
        where e.status <> 'DRAFT'
        group by e.id having count(*) >= least(200, (select max(n) from (select count(*) as n from calendar.registrations group by event_id) x))
        order by count(*) desc, e.id limit 8`,
    );
    // S5: published OPEN events far enough from their end and deadline to take registrations all run long.
    const openEvents = await query<{ id: string }>(
      client,
      `select id::text from calendar.events
        where status = 'PUBLISHED' and join_mode = 'OPEN' and ends_at > now() + interval '2 days'
          and (registration_deadline is null or registration_deadline > now() + interval '2 days')
        order by starts_at, id limit 24`,
    );
    const [counts] = await query<{ members: number; posts: number; registrations: number }>(
      client,
      `select (select count(*) from members.members)::int as members, (select count(*) from feed.posts)::int as posts,
              (select count(*) from calendar.registrations)::int as registrations`,
    );
    return {
      departments: departments.filter((d): d is Inputs['departments'][number] => d.coordinator !== null),
      promeneurs: promeneurs.map(({ email, department }) => ({ email, department })),
      events: events.filter((event) => event.coordinator),
      mutationMembers: promeneurs.filter((p) => p.alert_ids?.length).map((p) => ({ email: p.email, alertIds: p.alert_ids!.slice(0, 5) })),
      openEvents: openEvents.map((event) => event.id),
      counts: counts!,
    };
  } finally {
    await client.end();
  }
}

/** SQL statements sent while answering requests, per subgraph, from /metrics. */
async function requestStatements(system: ProductSystem): Promise<Partial<Record<ProductSubgraph, number>>> {
  const counts: Partial<Record<ProductSubgraph, number>> = {};
  await Promise.all(
    PRODUCT_SUBGRAPHS.map(async (name) => {
      try {
        const text = await (await fetch(system.metricsUrls[name])).text();
        let sum = 0;
        for (const line of text.split('\n')) {
          if (line.startsWith('pdn_db_statements_total{') && line.includes('origin="request"')) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
        }
        counts[name] = sum;
      } catch {
        // no metrics: left out of the report
      }
    }),
  );
  return counts;
}

/**
 * CPU seconds of each PostgreSQL backend serving the dataset's database (the subgraphs' pools), read
 * from /proc; undefined where it is not readable. Only backends alive at both ends of a run are counted.
 */
async function postgresBackends(databaseUrl: string): Promise<Map<number, ProcessSample> | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pdn-bench-sampler' });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    const samples = new Map<number, ProcessSample>();
    for (const { pid } of rows) {
      const sample = sampleProcess(pid);
      if (sample) samples.set(pid, sample);
    }
    return samples.size > 0 ? samples : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

function postgresFigures(before: Map<number, ProcessSample> | undefined, after: Map<number, ProcessSample> | undefined, seconds: number): ProcessFigures | undefined {
  if (!before || !after) return undefined;
  let cpuSeconds = 0;
  let peakRssBytes = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (!start) continue;
    cpuSeconds += Math.max(0, end.cpuSeconds - start.cpuSeconds);
    peakRssBytes += end.peakRssBytes;
  }
  return { cpuSeconds, cpuShare: seconds > 0 ? cpuSeconds / seconds : 0, peakRssBytes };
}

function figures(before: ProcessSample | undefined, after: ProcessSample | undefined, seconds: number): ProcessFigures | undefined {
  if (!before || !after) return undefined;
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  return { cpuSeconds, cpuShare: seconds > 0 ? cpuSeconds / seconds : 0, peakRssBytes: after.peakRssBytes };
}

interface ScenarioPlan {
  inputs: string;
  viewers: number;
  requests: ProductRequestsArgs;
  check: ProductCheckArgs;
  /** One request sent before the load, to fail early with a readable message. */
  probe?: { request: OperationRequest; token: string };
}

function planScenario(id: ProductScenarioId, inputs: Inputs, tokens: Map<string, string>): ScenarioPlan {
  const token = (email: string) => {
    const value = tokens.get(email);
    if (!value) throw new Error(`${email} is not signed in`);
    return value;
  };
  const promeneurTokens = inputs.promeneurs.map((p) => token(p.email));
  const variants = (requests: { request: OperationRequest; token: string }[]): QueryVariant[] =>
    requests.map(({ request, token }) => ({ token, body: JSON.stringify(request) }));
  switch (id) {
    case 'S1': {
      const requests = inputs.departments.flatMap((d) => d.promeneurs.map((email) => ({ request: directoryPage(d.code, 20), token: token(email) })));
      return {
        inputs: `départements ${inputs.departments.map((d) => d.code).join(', ')} (the most populous), first 20, each asked by two of its promeneurs`,
        viewers: requests.length,
        requests: { kind: 'query', variants: variants(requests) },
        check: { scenario: 'S1', first: 20 },
        probe: requests[0]!,
      };
    }
    case 'S2': {
      // Half the pages are the national feed, the other half the viewer's département's.
      const requests = inputs.promeneurs.map((p, i) => ({ request: i % 2 ? feedPage(20, p.department) : feedPage(20), token: token(p.email) }));
      return {
        inputs: `the national feed and the viewers' départements' feeds (${[...new Set(inputs.promeneurs.map((p) => p.department))].join(', ')}), first 20`,
        viewers: promeneurTokens.length,
        requests: { kind: 'query', variants: variants(requests) },
        check: { scenario: 'S2', posts: 20 },
        probe: requests[0]!,
      };
    }
    case 'S3': {
      if (inputs.events.length === 0) throw new Error('no event with registrations and a coordinator in the dataset');
      const minRegistrations = Math.min(...inputs.events.map((event) => event.registrations));
      return {
        inputs: `${inputs.events.length} events of ${minRegistrations}–${Math.max(...inputs.events.map((event) => event.registrations))} registrations (départements ${inputs.events.map((e) => e.department).join(', ')})`,
        viewers: new Set(inputs.events.map((event) => event.coordinator)).size,
        requests: { kind: 'query', variants: variants(inputs.events.map((event) => ({ request: eventPage(event.id), token: token(event.coordinator) }))) },
        check: { scenario: 'S3', minRegistrations },
        probe: { request: eventPage(inputs.events[0]!.id), token: token(inputs.events[0]!.coordinator) },
      };
    }
    case 'S4': {
      const reference = DATASET_REFERENCE_DATE;
      const to = new Date(reference.getTime() - 86_400_000).toISOString().slice(0, 10);
      const from = new Date(Date.UTC(reference.getUTCFullYear() - 1, reference.getUTCMonth(), reference.getUTCDate())).toISOString().slice(0, 10);
      const requests = inputs.departments.map((d) => ({ request: coordinatorReport(d.code, { from, to }, 100), token: token(d.coordinator) }));
      return {
        inputs: `départements ${inputs.departments.map((d) => d.code).join(', ')}, first 100, presence ${from} → ${to}, each asked by its coordinator`,
        viewers: requests.length,
        requests: { kind: 'query', variants: variants(requests) },
        check: { scenario: 'S4', first: 100 },
        probe: requests[0]!,
      };
    }
    case 'S5': {
      if (inputs.mutationMembers.length === 0) throw new Error('no active promeneur in a département with an active alert');
      if (inputs.openEvents.length === 0) throw new Error('no published OPEN event still taking registrations');
      const members: MutationMember[] = inputs.mutationMembers.map((member) => ({ token: token(member.email), eventIds: inputs.openEvents, alertIds: member.alertIds }));
      return {
        inputs: `${members.length} promeneurs × ${inputs.openEvents.length} open events; alerts of their départements`,
        viewers: members.length,
        requests: { kind: 'mutations', members, tag: String(process.pid) },
        check: { scenario: 'S5' },
      };
    }
  }
}

export async function runProductScenarios(options: ProductScenariosOptions): Promise<ProductScenariosResult> {
  const progress = options.progress ?? (() => {});
  const copy = options.copy ?? true;
  if (!copy && options.scenarios.includes('S5')) throw new Error('S5 writes: run it on a copy of the dataset');
  const database = copy ? await copyDataset(options.databaseUrl) : { url: options.databaseUrl, drop: async () => {} };
  let system: ProductSystem | undefined;
  try {
    const inputs = await pickInputs(database.url, options.viewers ?? 8);
    progress(`product scenarios on ${copy ? 'a copy of ' : ''}${new URL(options.databaseUrl).pathname.slice(1)} (${inputs.counts.members} members, ${inputs.counts.posts} posts)`);
    system = await startProductSystem({
      databaseUrl: database.url,
      workDir: options.workDir,
      ...(options.cpuProfile ? { cpuProfile: options.cpuProfile } : {}),
      subgraphEnv: { ACCESS_TOKEN_TTL_SECONDS: '7200', ...options.subgraphEnv },
    });
    const tokens = await signIn(system.gatewayUrl, [
      ...inputs.promeneurs.map((p) => p.email),
      ...inputs.departments.flatMap((d) => [...d.promeneurs, d.coordinator]),
      ...inputs.events.map((event) => event.coordinator),
    ]);
    const outcomes: ProductScenarioOutcome[] = [];
    for (const id of options.scenarios) {
      const outcome = await measureScenario(id, system, inputs, tokens, options, database.url);
      progress(
        outcome.status === 'ok' && outcome.summary
          ? `${id} ${outcome.title}: ${outcome.summary.rps.toFixed(1)} RPS, p50 ${outcome.summary.latencyMs.p50.toFixed(1)} ms, p95 ${outcome.summary.latencyMs.p95.toFixed(1)} ms, p99 ${outcome.summary.latencyMs.p99.toFixed(1)} ms`
          : `${id} ${outcome.title}: FAILING: ${outcome.failure}`,
      );
      outcomes.push(outcome);
    }
    const peakRssBytes: ProductScenariosResult['peakRssBytes'] = {};
    for (const name of ['gateway', ...PRODUCT_SUBGRAPHS] as const) {
      const sample = system.processes[name].sample();
      if (sample) peakRssBytes[name] = sample.peakRssBytes;
    }
    const { scenarios, connections, warmupSeconds, durationSeconds, runs, timeoutSeconds, viewers, cpuProfile } = options;
    const gatewayEnv = { ...system.gatewayEnv };
    return {
      settings: { scenarios, connections, warmupSeconds, durationSeconds, runs, timeoutSeconds, copy, ...(viewers ? { viewers } : {}), ...(cpuProfile ? { cpuProfile } : {}) },
      dataset: { database: new URL(options.databaseUrl).pathname.slice(1), copied: copy, ...inputs.counts },
      gatewayEnv,
      scenarios: outcomes,
      peakRssBytes,
      ...(options.cpuProfile?.length ? { profiles: options.cpuProfile.map((name) => join(options.workDir, 'profiles', `${name}.cpuprofile`)) } : {}),
    };
  } finally {
    await system?.stop();
    await database.drop();
  }
}

async function measureScenario(
  id: ProductScenarioId,
  system: ProductSystem,
  inputs: Inputs,
  tokens: Map<string, string>,
  options: ProductScenariosOptions,
  databaseUrl: string,
): Promise<ProductScenarioOutcome> {
  const { title, asks } = PRODUCT_SCENARIOS[id];
  const outcome: ProductScenarioOutcome = { id, title, asks, inputs: '', viewers: 0, status: 'failing', processes: {} };
  try {
    const plan = planScenario(id, inputs, tokens);
    outcome.inputs = plan.inputs;
    outcome.viewers = plan.viewers;
    if (plan.probe) await graphql(system.gatewayUrl, plan.probe.request, plan.probe.token);
    options.progress?.(
      `${id} ${title}: ${options.warmupSeconds} s warm-up, ${options.runs} × ${options.durationSeconds} s at ${options.connections} connections (${plan.inputs})`,
    );
    const moduleUrl = pathToFileURL(builtFile(new URL('./product-requests.js', import.meta.url))).href;
    type Moment = {
      samples: Partial<Record<ProductProcessName, ProcessSample>>;
      at: number;
      statements: Promise<Partial<Record<ProductSubgraph, number>>>;
      postgres: Promise<Map<number, ProcessSample> | undefined>;
    };
    let start: Moment | undefined;
    let end: Moment | undefined;
    const moment = (): Moment => {
      const samples: Moment['samples'] = {};
      for (const name of ['gateway', ...PRODUCT_SUBGRAPHS] as const) {
        const sample = system.processes[name].sample();
        if (sample) samples[name] = sample;
      }
      return { samples, at: performance.now(), statements: requestStatements(system), postgres: postgresBackends(databaseUrl) };
    };
    const load = await runLoad(
      {
        url: system.gatewayUrl,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        connections: options.connections,
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
        runs: options.runs,
        timeoutSeconds: options.timeoutSeconds,
        check: { module: moduleUrl, export: 'productCheck', args: plan.check },
        requests: { module: moduleUrl, export: 'productRequests', args: plan.requests },
      },
      {
        cores: [],
        logFile: join(options.workDir, 'logs', `load-${id}.log`),
        onPhase: (phase) => {
          if (phase === 'measuring') start = moment();
          if (phase === 'measured') end = moment();
        },
      },
    );
    const seconds = start && end ? (end.at - start.at) / 1000 : 0;
    outcome.measuredSeconds = seconds;
    outcome.runs = load.runs;
    if (load.warmup) outcome.warmup = load.warmup;
    outcome.summary = summarizeRuns(load.runs);
    for (const name of ['gateway', ...PRODUCT_SUBGRAPHS] as const) {
      const value = figures(start?.samples[name], end?.samples[name], seconds);
      if (value) outcome.processes[name] = value;
    }
    outcome.processes.load = { cpuSeconds: load.process.cpuSeconds, cpuShare: seconds > 0 ? load.process.cpuSeconds / seconds : 0, peakRssBytes: load.process.peakRssBytes };
    if (start && end) {
      const [postgresBefore, postgresAfter] = await Promise.all([start.postgres, end.postgres]);
      const postgres = postgresFigures(postgresBefore, postgresAfter, seconds);
      if (postgres) outcome.processes.postgres = postgres;
      const systemCpu = (['gateway', ...PRODUCT_SUBGRAPHS, 'postgres'] as const).reduce((sum, name) => sum + (outcome.processes[name]?.cpuSeconds ?? 0), 0);
      if (outcome.summary.responses > 0) outcome.cpuMsPerAnswer = (systemCpu * 1000) / outcome.summary.responses;
      const [before, after] = await Promise.all([start.statements, end.statements]);
      const responses = outcome.summary.responses;
      const perRequest: Partial<Record<ProductSubgraph, number>> = {};
      for (const name of PRODUCT_SUBGRAPHS) {
        if (before[name] !== undefined && after[name] !== undefined && responses > 0) perRequest[name] = (after[name] - before[name]) / responses;
      }
      outcome.statementsPerRequest = perRequest;
    }
    const failure = loadFailure(load, outcome.summary);
    if (failure) outcome.failure = failure;
    else outcome.status = 'ok';
    if (outcome.status === 'ok' && id !== 'S5') outcome.targetMet = outcome.summary.latencyMs.p95 <= P95_TARGET_MS;
    return outcome;
  } catch (error) {
    outcome.failure = (error as Error).message;
    return outcome;
  }
}
