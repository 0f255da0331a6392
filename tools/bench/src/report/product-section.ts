// The product scenarios' part of the report (S1–S5): a table per scenario with RPS, p50/p95/p99, bad
// answers, CPU and peak memory per process, and the statements each answer cost per subgraph.
import { P95_TARGET_MS, type ProductProcessName, type ProductScenarioOutcome, type ProductScenariosResult } from '../scenarios/product-scenarios.js';
import type { BenchReport } from './bench-report.js';
import { cell, markdownTable } from './markdown.js';
import type { ChartBar } from './svg-chart.js';

const MIB = 1024 * 1024;
const fixed = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const PROCESSES: ProductProcessName[] = ['gateway', 'members', 'calendar', 'feed', 'postgres', 'load'];

function cpu(outcome: ProductScenarioOutcome, name: ProductProcessName): string {
  const figures = outcome.processes[name];
  return figures ? `${figures.cpuSeconds.toFixed(1)} s (${Math.round(figures.cpuShare * 100)} %)` : '–';
}

function row(outcome: ProductScenarioOutcome): string[] {
  const ok = outcome.status === 'ok';
  const summary = outcome.summary;
  const latency = (pick: 'p50' | 'p95' | 'p99') => (ok ? fixed(summary?.latencyMs[pick]) : '–');
  return [
    `${outcome.id} ${outcome.title}`,
    ok ? 'ok' : '**FAILING**',
    ok ? fixed(summary?.rps) : '–',
    latency('p50'),
    latency('p95'),
    latency('p99'),
    summary ? String(summary.badTotal) : '–',
    fixed(outcome.cpuMsPerAnswer),
    outcome.targetMet === undefined ? '–' : outcome.targetMet ? 'met' : '**not met**',
    outcome.statementsPerRequest
      ? (['members', 'calendar', 'feed'] as const).map((name) => fixed(outcome.statementsPerRequest?.[name])).join(' / ')
      : '–',
    ...PROCESSES.map((name) => cpu(outcome, name)),
  ];
}

export function productSectionLines(product: ProductScenariosResult, quick: boolean): string[] {
  const { settings, dataset } = product;
  const lines = [
    '',
    '## S1–S5 — product scenarios',
    '',
    `Through our gateway to the three subgraphs, each in its own process, on ${dataset.copied ? 'a copy of ' : ''}the dataset \`${dataset.database}\` ` +
      `(${dataset.members} members, ${dataset.registrations} registrations, ${dataset.posts} posts). ` +
      `${settings.connections} connections with one request in flight each, ${settings.warmupSeconds} s of warm-up not counted, ` +
      `${settings.runs} measured run(s) of ${settings.durationSeconds} s per scenario; each figure is the median over the runs. ` +
      'Several members sign in per scenario and the requests go round their tokens. Every answer is checked (no errors, the expected shape); ' +
      `the target of issue 7 is p95 ≤ ${P95_TARGET_MS} ms for S1–S4 on the national dataset at 50 connections${quick ? ' (not judged on a quick run)' : ''}.`,
    '',
    markdownTable(
      ['Scenario', 'Status', 'RPS', 'p50 ms', 'p95 ms', 'p99 ms', 'Bad answers', 'CPU ms / answer', `p95 ≤ ${P95_TARGET_MS} ms`, 'SQL / answer (members / calendar / feed)', ...PROCESSES.map((name) => `${name} CPU (share)`)],
      product.scenarios.map(row),
    ),
    '',
    'CPU is counted over the measured runs; its share is CPU seconds per second of them (1 = one core kept busy). ' +
      'postgres is the PostgreSQL backends serving the dataset (the subgraphs’ pools). CPU ms / answer adds up the gateway, the subgraphs and PostgreSQL: ' +
      'on a machine shared with other work it moves less than latency, compare it between runs.',
    '',
    markdownTable(
      ['Process', 'Peak RSS'],
      Object.entries(product.peakRssBytes).map(([name, bytes]) => [name, `${(bytes / MIB).toFixed(0)} MiB`]),
    ),
    '',
    '### What each scenario asks',
    '',
    markdownTable(
      ['Scenario', 'Asks', 'Inputs from the dataset', 'Signed-in members', 'RPS per run', 'p95 ms per run'],
      product.scenarios.map((outcome) => [
        `${outcome.id} ${outcome.title}`,
        outcome.asks,
        outcome.inputs || '–',
        String(outcome.viewers),
        outcome.runs?.map((run) => run.rps.toFixed(1)).join(', ') ?? '–',
        outcome.runs?.map((run) => run.latencyMs.p95.toFixed(1)).join(', ') ?? '–',
      ]),
    ),
  ];
  const failing = product.scenarios.filter((outcome) => outcome.status !== 'ok');
  if (failing.length > 0) lines.push('', '### Failures', '', ...failing.map((outcome) => `- **${outcome.id}**: ${cell(outcome.failure ?? 'unknown')}`));
  if (product.profiles?.length) lines.push('', `CPU profiles: ${product.profiles.map((path) => `\`${path}\``).join(', ')}.`);
  lines.push('', '![RPS and p95 per product scenario](scenarios.svg)');
  return lines;
}

export function productChartTitle(report: BenchReport): string {
  const settings = report.productScenarios?.settings;
  return `S1–S5 product scenarios — ${settings?.connections ?? '?'} connections, median of ${settings?.runs ?? '?'} run(s)${report.quick ? ' (quick)' : ''}`;
}

export function productChartBars(product: ProductScenariosResult): ChartBar[] {
  return product.scenarios.map((outcome) => ({
    label: `${outcome.id} ${outcome.title}`,
    failing: outcome.status !== 'ok',
    ...(outcome.summary ? { rps: outcome.summary.rps, p95Ms: outcome.summary.latencyMs.p95 } : {}),
  }));
}
