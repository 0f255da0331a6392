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

async function loadCheck(spec: LoadSpec): Promise<Check | undefined> {
  if (!spec.check) return undefined;
  const module = (await import(spec.check.module)) as Record<string, unknown>;
  const check = module[spec.check.export];
  if (typeof check !== 'function') throw new Error(`${spec.check.module} has no function ${spec.check.export}`);
  return check as Check;
}

async function run(spec: LoadSpec, durationSeconds: number, check: Check | undefined): Promise<RunResult> {
  let firstBadAnswer: string | undefined;
  const latencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    method: spec.method ?? 'POST',
    headers: spec.headers,
    body: spec.body,
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
      let warmup: RunResult | undefined;
      if (spec.warmupSeconds > 0) {
        await send({ type: 'phase', phase: 'warmup' });
        warmup = await run(spec, spec.warmupSeconds, check);
      }
      await send({ type: 'phase', phase: 'measuring' });
      const cpuBefore = process.cpuUsage();
      const runs: RunResult[] = [];
      for (let i = 0; i < spec.runs; i++) runs.push(await run(spec, spec.durationSeconds, check));
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
