// The report of one `npm run bench`: where it ran, what versions, and each scenario's figures.
import type { ComparisonResult, GatewayOutcome } from '../gateways/compare-gateways.js';
import { ratio } from '../load/stats.js';
import type { CpuProfileSummary } from './cpu-profile.js';
import type { MachineInfo } from './machine.js';
import type { ProductScenariosResult } from '../scenarios/product-scenarios.js';
import type { FanoutResult } from '../scenarios/s6-fanout-scenario.js';

export interface BenchReport {
  /** ISO instant the run started. */
  startedAt: string;
  /** The command line that reproduces it. */
  command: string;
  quick: boolean;
  machine: MachineInfo;
  /** Installed versions of the packages the scenarios run (gateways, load generator, GraphQL). */
  versions: Record<string, string>;
  /** S1–S5 through our gateway on the dataset. */
  productScenarios?: ProductScenariosResult;
  /** S6, subscription fan-out through our gateway. */
  fanout?: FanoutResult;
  gatewayComparison?: ComparisonResult & { ratios: GatewayRatios[]; profiles?: ProfiledGateway[] };
}

/** Where a gateway run with --cpu-prof spent its CPU time. */
export interface ProfiledGateway {
  id: string;
  path: string;
  summary: CpuProfileSummary;
}

/** A gateway's figures against the baseline's of the same run (undefined when either failed). */
export interface GatewayRatios {
  id: string;
  /** RPS ÷ baseline RPS: above 1 is faster. */
  rps?: number;
  /** p95 ÷ baseline p95: below 1 is faster. */
  p95?: number;
  /** p99 ÷ baseline p99. */
  p99?: number;
}

const usable = (outcome: GatewayOutcome | undefined) => (outcome?.status === 'ok' ? outcome.summary : undefined);

export function gatewayRatios(result: Pick<ComparisonResult, 'baseline' | 'gateways'>): GatewayRatios[] {
  const baseline = usable(result.gateways.find((outcome) => outcome.id === result.baseline));
  return result.gateways.map((outcome) => {
    const summary = usable(outcome);
    const figures: GatewayRatios = { id: outcome.id };
    const rps = ratio(summary?.rps, baseline?.rps);
    const p95 = ratio(summary?.latencyMs.p95, baseline?.latencyMs.p95);
    const p99 = ratio(summary?.latencyMs.p99, baseline?.latencyMs.p99);
    if (rps !== undefined) figures.rps = rps;
    if (p95 !== undefined) figures.p95 = p95;
    if (p99 !== undefined) figures.p99 = p99;
    return figures;
  });
}
