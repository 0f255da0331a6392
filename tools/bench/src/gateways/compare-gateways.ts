// Scenario S7, the gateway comparison: the subgraphs in one process, then each gateway in turn in its
// own process on the gateway core, loaded by autocannon from the other core with the same query, the
// same concurrency, warm-up and runs. Every answer is checked; a gateway that answers wrongly is
// reported as failing, whatever its speed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { baseEnv, builtFile, type CorePlan, planCores, type PinnedProcess, type ProcessSample, spawnPinned } from '../load/pinned-process.js';
import { loadFailure, runLoad } from '../load/run-load.js';
import { type RunResult, type RunsSummary, summarizeRuns } from '../load/stats.js';
import { BENCH_REQUEST_BODY, checkBenchAnswer, expectedBenchData } from './bench-query.js';
import type { BenchSubgraphName } from './bench-subgraphs.js';
import { composeBenchSupergraph } from './bench-supergraph.js';
import { BASELINE_GATEWAY, type GatewayId, GATEWAYS_UNDER_TEST } from './gateways-under-test.js';
import type { SubgraphCounters } from './subgraph-server.js';

export interface ComparisonOptions {
  gateways: readonly GatewayId[];
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  runs: number;
  timeoutSeconds: number;
  /** Logs, the supergraph and CPU profiles go here. */
  workDir: string;
  /** Gateways run with `--cpu-prof` (profiles in `<workDir>/profiles`). */
  cpuProfile?: readonly GatewayId[];
  /** How long a gateway may take to answer its first query. */
  startTimeoutMs?: number;
  cores?: CorePlan;
  progress?: (line: string) => void;
}

/** CPU seconds during the measured runs (and their share of the measured wall time), and peak RSS. */
export interface ProcessFigures {
  cpuSeconds: number;
  /** cpuSeconds ÷ measured seconds: near 1 means the process kept its core busy. */
  cpuShare: number;
  peakRssBytes: number;
}

export interface GatewayOutcome {
  id: GatewayId;
  label: string;
  setup: string;
  status: 'ok' | 'failing';
  /** Why it is failing: it did not start, answered wrongly, or some answers under load were bad. */
  failure?: string;
  /** Subgraph requests per query, counted by the subgraphs on one query. */
  fetchesPerQuery?: number;
  summary?: RunsSummary;
  runs?: RunResult[];
  warmup?: RunResult;
  measuredSeconds?: number;
  /** The measured runs in monotonic microseconds (process.hrtime), to cut the CPU profile to them. */
  measuredWindow?: { startMicros: number; endMicros: number };
  processes: { gateway?: ProcessFigures; subgraphs?: ProcessFigures; load?: ProcessFigures };
  logFile: string;
  profileDir?: string;
}

export interface ComparisonResult {
  scenario: 'S7';
  baseline: GatewayId;
  settings: Omit<ComparisonOptions, 'workDir' | 'progress' | 'cores' | 'startTimeoutMs'>;
  cores: CorePlan;
  requestBytes: number;
  /** Size of the expected answer as graphql-js serialises it. */
  answerBytes: number;
  gateways: GatewayOutcome[];
  /** Peak RSS of the subgraphs' process over the whole comparison. */
  subgraphsPeakRssBytes?: number;
}

interface SubgraphsProcess {
  process: PinnedProcess;
  urls: Record<BenchSubgraphName, string>;
  membersUrl: string;
  statsUrl: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startSubgraphs(cores: number[], logFile: string): Promise<SubgraphsProcess> {
  const child = spawnPinned({
    script: builtFile(new URL('./subgraphs-main.js', import.meta.url)),
    cores,
    env: baseEnv({ NODE_ENV: 'production' }),
    logFile,
    ipc: true,
  });
  const ready = await new Promise<{ urls: Record<BenchSubgraphName, string>; membersUrl: string; statsUrl: string }>((resolve, reject) => {
    child.child.once('message', (message: { type: string; urls: Record<BenchSubgraphName, string>; membersUrl: string; statsUrl: string }) => resolve(message));
    void child.exited.then((code) => reject(new Error(`the subgraphs exited (${code}):\n${child.tail()}`)));
  });
  return { process: child, ...ready };
}

async function subgraphRequests(statsUrl: string): Promise<number> {
  const counters = (await (await fetch(statsUrl)).json()) as SubgraphCounters;
  return Object.values(counters.requests).reduce((sum, count) => sum + count, 0);
}

async function ask(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: BENCH_REQUEST_BODY });
  return { status: response.status, body: await response.text() };
}

/** Polls with the benchmark's query until the gateway answers (any HTTP answer), or gives up. */
async function firstAnswer(url: string, gateway: PinnedProcess, timeoutMs: number): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void gateway.exited.then(() => {
    exited = true;
  });
  for (;;) {
    try {
      return await ask(url);
    } catch (error) {
      if (exited) throw new Error(`it exited before answering:\n${gateway.tail()}`);
      if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms (${(error as Error).message}):\n${gateway.tail()}`);
      await sleep(200);
    }
  }
}

function figures(before: ProcessSample | undefined, after: ProcessSample | undefined, peak: ProcessSample | undefined, seconds: number): ProcessFigures | undefined {
  if (!before || !after) return undefined;
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  return { cpuSeconds, cpuShare: seconds > 0 ? cpuSeconds / seconds : 0, peakRssBytes: (peak ?? after).peakRssBytes };
}

async function measureGateway(id: GatewayId, subgraphs: SubgraphsProcess, supergraphPath: string, options: ComparisonOptions, cores: CorePlan): Promise<GatewayOutcome> {
  const gatewayUnderTest = GATEWAYS_UNDER_TEST[id];
  const logFile = join(options.workDir, 'logs', `${id}.log`);
  const outcome: GatewayOutcome = { id, label: gatewayUnderTest.label, setup: gatewayUnderTest.setup, status: 'failing', processes: {}, logFile };
  const port = await freePort();
  const launch = gatewayUnderTest.launch({ supergraphPath, port, membersUrl: subgraphs.membersUrl });
  const profile = options.cpuProfile?.includes(id);
  if (profile) outcome.profileDir = join(options.workDir, 'profiles');
  const gateway = spawnPinned({
    script: launch.script,
    args: launch.args,
    execArgv: [...(launch.execArgv ?? []), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${outcome.profileDir}`, `--cpu-prof-name=${id}.cpuprofile`] : [])],
    cores: cores.gateway,
    env: baseEnv(launch.env),
    logFile,
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    const first = await firstAnswer(url, gateway, options.startTimeoutMs ?? 60_000);
    const wrong = first.status === 200 ? checkBenchAnswer(first.body) : `HTTP ${first.status}: ${first.body.slice(0, 300)}`;
    if (wrong) {
      outcome.failure = `wrong first answer: ${wrong}`;
      return outcome;
    }
    const requestsBefore = await subgraphRequests(subgraphs.statsUrl);
    await ask(url);
    outcome.fetchesPerQuery = (await subgraphRequests(subgraphs.statsUrl)) - requestsBefore;

    type Moment = { gateway?: ProcessSample; subgraphs?: ProcessSample; at: number; micros: number };
    let samples: Moment | undefined;
    let measured: Moment | undefined;
    const load = await runLoad(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: BENCH_REQUEST_BODY,
        connections: options.connections,
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
        runs: options.runs,
        timeoutSeconds: options.timeoutSeconds,
        check: { module: pathToFileURL(builtFile(new URL('./bench-query.js', import.meta.url))).href, export: 'checkAnswer' },
      },
      {
        cores: cores.load,
        logFile: join(options.workDir, 'logs', `load-${id}.log`),
        onPhase: (phase) => {
          const sample = { gateway: gateway.sample(), subgraphs: subgraphs.process.sample(), at: performance.now(), micros: Number(process.hrtime.bigint() / 1000n) };
          if (phase === 'measuring') samples = sample;
          if (phase === 'measured') measured = sample;
        },
      },
    );
    const seconds = samples && measured ? (measured.at - samples.at) / 1000 : 0;
    outcome.measuredSeconds = seconds;
    if (samples && measured) outcome.measuredWindow = { startMicros: samples.micros, endMicros: measured.micros };
    outcome.runs = load.runs;
    if (load.warmup) outcome.warmup = load.warmup;
    outcome.summary = summarizeRuns(load.runs);
    const peak = gateway.sample();
    outcome.processes = {
      gateway: figures(samples?.gateway, measured?.gateway, peak, seconds),
      subgraphs: figures(samples?.subgraphs, measured?.subgraphs, subgraphs.process.sample(), seconds),
      load: { cpuSeconds: load.process.cpuSeconds, cpuShare: seconds > 0 ? load.process.cpuSeconds / seconds : 0, peakRssBytes: load.process.peakRssBytes },
    };
    const failure = loadFailure(load, outcome.summary);
    if (failure) outcome.failure = failure;
    else outcome.status = 'ok';
    return outcome;
  } catch (error) {
    outcome.failure = (error as Error).message;
    return outcome;
  } finally {
    await gateway.stop();
  }
}

export async function compareGateways(options: ComparisonOptions): Promise<ComparisonResult> {
  const progress = options.progress ?? (() => {});
  const cores = options.cores ?? planCores();
  mkdirSync(join(options.workDir, 'logs'), { recursive: true });
  const subgraphs = await startSubgraphs(cores.load, join(options.workDir, 'logs', 'subgraphs.log'));
  try {
    const supergraphPath = join(options.workDir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeBenchSupergraph(subgraphs.urls));
    const gateways: GatewayOutcome[] = [];
    for (const id of options.gateways) {
      progress(`S7 ${id}: ${options.warmupSeconds} s warm-up, ${options.runs} × ${options.durationSeconds} s at ${options.connections} connections`);
      const outcome = await measureGateway(id, subgraphs, supergraphPath, options, cores);
      progress(
        outcome.status === 'ok' && outcome.summary
          ? `S7 ${id}: ${outcome.summary.rps.toFixed(1)} RPS, p95 ${outcome.summary.latencyMs.p95.toFixed(1)} ms`
          : `S7 ${id}: FAILING: ${outcome.failure}`,
      );
      gateways.push(outcome);
    }
    const { gateways: ids, connections, warmupSeconds, durationSeconds, runs, timeoutSeconds, cpuProfile } = options;
    return {
      scenario: 'S7',
      baseline: BASELINE_GATEWAY,
      settings: { gateways: ids, connections, warmupSeconds, durationSeconds, runs, timeoutSeconds, ...(cpuProfile ? { cpuProfile } : {}) },
      cores,
      requestBytes: Buffer.byteLength(BENCH_REQUEST_BODY),
      answerBytes: Buffer.byteLength(JSON.stringify({ data: expectedBenchData() })),
      gateways,
      subgraphsPeakRssBytes: subgraphs.process.sample()?.peakRssBytes,
    };
  } finally {
    await subgraphs.process.stop();
  }
}
