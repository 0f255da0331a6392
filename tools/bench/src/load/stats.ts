// Figures of a load run: latency percentiles, the median of several runs, ratios against a baseline.

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Answers counted as bad: wrong body (errors or shape), non-2xx status, connection errors, timeouts. */
export interface BadAnswers {
  mismatches: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** One measured run of a load generator against one URL. */
export interface RunResult {
  durationSeconds: number;
  /** Answers received (good or bad). */
  responses: number;
  /** Answers per second over the run. */
  rps: number;
  /** Milliseconds, from the request written to the answer read. */
  latencyMs: LatencySummary;
  bad: BadAnswers;
  /** One bad answer's explanation, for the report. */
  firstBadAnswer?: string;
}

/** Nearest-rank percentile (0 < p ≤ 100) of values sorted in ascending order; 0 for no values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarizeLatencies(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : 0,
    max: sorted.length ? (sorted[sorted.length - 1] as number) : 0,
  };
}

/** Median of the values (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function totalBad(bad: BadAnswers): number {
  return bad.mismatches + bad.non2xx + bad.errors + bad.timeouts;
}

/** The runs of one target reduced to one line: each figure the median over the runs, bad answers summed. */
export interface RunsSummary {
  runs: number;
  rps: number;
  latencyMs: LatencySummary;
  responses: number;
  bad: BadAnswers;
  badTotal: number;
}

export function summarizeRuns(runs: readonly RunResult[]): RunsSummary {
  const bad: BadAnswers = { mismatches: 0, non2xx: 0, errors: 0, timeouts: 0 };
  for (const run of runs) {
    for (const key of Object.keys(bad) as (keyof BadAnswers)[]) bad[key] += run.bad[key];
  }
  const medianOf = (pick: (run: RunResult) => number) => median(runs.map(pick));
  return {
    runs: runs.length,
    rps: medianOf((run) => run.rps),
    latencyMs: {
      p50: medianOf((run) => run.latencyMs.p50),
      p95: medianOf((run) => run.latencyMs.p95),
      p99: medianOf((run) => run.latencyMs.p99),
      mean: medianOf((run) => run.latencyMs.mean),
      max: Math.max(...runs.map((run) => run.latencyMs.max)),
    },
    responses: runs.reduce((sum, run) => sum + run.responses, 0),
    bad,
    badTotal: totalBad(bad),
  };
}

/** value ÷ baseline, or undefined when either is missing or the baseline is 0. */
export function ratio(value: number | undefined, baseline: number | undefined): number | undefined {
  if (value === undefined || baseline === undefined || !Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return undefined;
  return value / baseline;
}
