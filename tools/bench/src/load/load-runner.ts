// The load generator's own process (started by run-load.ts, pinned away from the gateway): autocannon
// at fixed concurrency, a warm-up that is not counted, then several measured runs. Every answer is
// checked; latencies are kept whole to compute p95 (autocannon reports p97.5, not p95).
import autocannon from 'autocannon';
import type { LoadMessage, LoadSpec } from './load-spec.js';
import { type BadAnswers, type RunResult, summarizeLatencies } from './stats.js';

type Check = (body: string) => string | undefined;

function send(message: LoadMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(message, (error: Error | null) => (error ? reject(error) : resolve())) ?? resolve());
}

async function loadExport(ref: { module: string; export: string }): Promise<(...args: unknown[]) => unknown> {
  const module = (await import(ref.module)) as Record<string, unknown>;
  const value = module[ref.export];
  if (typeof value !== 'function') throw new Error(`${ref.module} has no function ${ref.export}`);
  return value as (...args: unknown[]) => unknown;
}

async function loadCheck(spec: LoadSpec): Promise<Check | undefined> {
  if (!spec.check) return undefined;
  const check = await loadExport(spec.check);
  return 'args' in spec.check ? (check(spec.check.args) as Check) : (check as Check);
}

/** A fresh `requests` list per run: the factory's closures (rotations, S5's pairs) start over. */
async function loadRequests(spec: LoadSpec): Promise<(() => unknown[]) | undefined> {
  if (!spec.requests) return undefined;
  const factory = await loadExport(spec.requests);
  const args = spec.requests.args;
  return () => factory(args) as unknown[];
}

async function run(spec: LoadSpec, durationSeconds: number, check: Check | undefined, requests?: () => unknown[]): Promise<RunResult> {
  let firstBadAnswer: string | undefined;
  const latencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    method: spec.method ?? 'POST',
    headers: spec.headers,
    body: spec.body,
    ...(requests ? { requests: requests() } : {}),
    connections: spec.connections,
    duration: durationSeconds,
    timeout: spec.timeoutSeconds,
    verifyBody: check
      ? (body) => {
          const reason = check(body);
          if (reason !== undefined) firstBadAnswer ??= reason;
          return reason === undefined;
        }
      : undefined,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    if ((statusCode < 200 || statusCode > 299) && firstBadAnswer === undefined) firstBadAnswer = `HTTP ${statusCode}`;
  });
  const result = await instance;
  const bad: BadAnswers = { mismatches: result.mismatches, non2xx: result.non2xx, errors: result.errors - result.timeouts, timeouts: result.timeouts };
  return {
    durationSeconds: result.duration,
    responses: latencies.length,
    rps: result.duration > 0 ? latencies.length / result.duration : 0,
    latencyMs: summarizeLatencies(latencies),
    bad,
    ...(firstBadAnswer !== undefined ? { firstBadAnswer } : {}),
  };
}

process.once('message', (spec: LoadSpec) => {
  void (async () => {
    try {
      const check = await loadCheck(spec);
      const requests = await loadRequests(spec);
      let warmup: RunResult | undefined;
      if (spec.warmupSeconds > 0) {
        await send({ type: 'phase', phase: 'warmup' });
        warmup = await run(spec, spec.warmupSeconds, check, requests);
      }
      await send({ type: 'phase', phase: 'measuring' });
      const cpuBefore = process.cpuUsage();
      const runs: RunResult[] = [];
      for (let i = 0; i < spec.runs; i++) runs.push(await run(spec, spec.durationSeconds, check, requests));
      const cpu = process.cpuUsage(cpuBefore);
      await send({ type: 'phase', phase: 'measured' });
      await send({
        type: 'result',
        ...(warmup ? { warmup } : {}),
        runs,
        process: { cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssBytes: process.resourceUsage().maxRSS * 1024 },
      });
    } catch (error) {
      await send({ type: 'error', message: (error as Error).stack ?? String(error) });
    }
    process.disconnect();
  })();
});
