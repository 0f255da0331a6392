import { describe, expect, it } from '@jest/globals';
import { median, percentile, ratio, type RunResult, summarizeLatencies, summarizeRuns } from './stats.js';

const run = (rps: number, p95: number, bad = 0): RunResult => ({
  durationSeconds: 10,
  responses: rps * 10,
  rps,
  latencyMs: { p50: p95 / 2, p95, p99: p95 * 2, mean: p95 / 2, max: p95 * 3 },
  bad: { mismatches: bad, non2xx: 0, errors: 0, timeouts: 0 },
});

describe('load statistics', () => {
  it('should take nearest-rank percentiles of sorted values', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBe(0);
  });

  it('should summarise unsorted latencies', () => {
    expect(summarizeLatencies([30, 10, 20, 40])).toEqual({ p50: 20, p95: 40, p99: 40, mean: 25, max: 40 });
    expect(summarizeLatencies([])).toEqual({ p50: 0, p95: 0, p99: 0, mean: 0, max: 0 });
  });

  it('should take the median of odd and even counts, not the mean', () => {
    expect(median([3, 1, 100])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('should reduce runs to their medians and sum their bad answers', () => {
    const summary = summarizeRuns([run(100, 50), run(300, 10, 2), run(200, 30, 1)]);
    expect(summary.runs).toBe(3);
    expect(summary.rps).toBe(200);
    expect(summary.latencyMs.p95).toBe(30);
    expect(summary.latencyMs.p99).toBe(60);
    expect(summary.latencyMs.max).toBe(150);
    expect(summary.responses).toBe(6000);
    expect(summary.bad.mismatches).toBe(3);
    expect(summary.badTotal).toBe(3);
  });

  it('should give ratios only against a usable baseline', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(50, 200)).toBe(0.25);
    expect(ratio(1, 0)).toBeUndefined();
    expect(ratio(undefined, 100)).toBeUndefined();
    expect(ratio(100, Number.NaN)).toBeUndefined();
  });
});
