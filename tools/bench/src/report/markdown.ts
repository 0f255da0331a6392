// report.md: the figures as tables a reviewer can read in a pull request.
import type { GatewayOutcome } from '../gateways/compare-gateways.js';
import type { BenchReport, GatewayRatios } from './bench-report.js';
import { fanoutSectionLines } from './fanout-section.js';
import { productSectionLines } from './product-section.js';

const MIB = 1024 * 1024;

/** A Markdown table cell: no line breaks, no unescaped pipes. */
export function cell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

const fixed = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const times = (value: number | undefined) => (value === undefined ? '–' : `×${value.toFixed(2)}`);
const mib = (bytes: number | undefined) => (bytes === undefined ? '–' : `${(bytes / MIB).toFixed(0)} MiB`);
const cpu = (figures: { cpuSeconds: number; cpuShare: number } | undefined) =>
  figures ? `${figures.cpuSeconds.toFixed(1)} s (${Math.round(figures.cpuShare * 100)} %)` : '–';

function gatewayRow(outcome: GatewayOutcome, ratios: GatewayRatios | undefined): string[] {
  const summary = outcome.summary;
  const ok = outcome.status === 'ok';
  return [
    outcome.label,
    ok ? 'ok' : '**FAILING**',
    ok ? fixed(summary?.rps) : '–',
    times(ratios?.rps),
    ok ? fixed(summary?.latencyMs.p50) : '–',
    ok ? fixed(summary?.latencyMs.p95) : '–',
    times(ratios?.p95),
    ok ? fixed(summary?.latencyMs.p99) : '–',
    summary ? String(summary.badTotal) : '–',
    outcome.fetchesPerQuery === undefined ? '–' : String(outcome.fetchesPerQuery),
    cpu(outcome.processes.gateway),
    mib(outcome.processes.gateway?.peakRssBytes),
    cpu(outcome.processes.subgraphs),
    cpu(outcome.processes.load),
  ];
}

/**
 * Issue 7's S7 targets for our gateway, read off this run (a statement, not a CI threshold): at least
 * twice plain @apollo/gateway's RPS, at least Hive Gateway's (Node), a lower p95 than both; and where it
 * stands against Hive Gateway with the Rust router runtime.
 */
export function targetLines(gateways: GatewayOutcome[]): string[] {
  const figures = (id: string) => {
    const outcome = gateways.find((candidate) => candidate.id === id);
    return outcome?.status === 'ok' ? outcome.summary : undefined;
  };
  const ours = figures('pdn-gateway');
  if (!ours) return [];
  const verdict = (met: boolean) => (met ? 'met' : '**not met**');
  const lines = ['', '### Targets (issue 7)', ''];
  const apollo = figures('apollo-gateway');
  const hive = figures('hive-gateway');
  const rust = figures('hive-router-runtime');
  if (apollo) {
    const times = ours.rps / apollo.rps;
    lines.push(`- RPS ≥ 2 × @apollo/gateway: ×${times.toFixed(2)}, ${verdict(times >= 2)}.`);
  }
  if (hive) lines.push(`- RPS ≥ Hive Gateway (Node): ${ours.rps.toFixed(1)} vs ${hive.rps.toFixed(1)}, ${verdict(ours.rps >= hive.rps)}.`);
  const others = [apollo && ['@apollo/gateway', apollo] as const, hive && ['Hive Gateway (Node)', hive] as const].filter((entry) => !!entry);
  if (others.length > 0) {
    const lower = others.every(([, summary]) => ours.latencyMs.p95 < summary.latencyMs.p95);
    lines.push(`- p95 lower than ${others.map(([name, summary]) => `${name} (${summary.latencyMs.p95.toFixed(1)} ms)`).join(' and ')}: ${ours.latencyMs.p95.toFixed(1)} ms, ${verdict(lower)}.`);
  }
  if (rust) {
    lines.push(`- Against Hive Gateway + router runtime: ×${(ours.rps / rust.rps).toFixed(2)} its RPS, ×${(ours.latencyMs.p95 / rust.latencyMs.p95).toFixed(2)} its p95.`);
  }
  return lines.length > 3 ? lines : [];
}

export function renderMarkdown(report: BenchReport): string {
  const { machine } = report;
  const lines: string[] = [
    `# Benchmark report${report.quick ? ' (quick smoke run: figures not comparable)' : ''}`,
    '',
    `- Started: ${report.startedAt}`,
    `- Command: \`${report.command}\``,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB, ${machine.platform}, Node ${machine.node}`,
    ...(machine.commit ? [`- Commit: ${machine.commit}`] : []),
    '',
    '## Versions',
    '',
    markdownTable(
      ['Package', 'Version'],
      Object.entries(report.versions).map(([name, version]) => [name, version]),
    ),
  ];
  if (report.productScenarios) lines.push(...productSectionLines(report.productScenarios, report.quick));
  if (report.fanout) lines.push(...fanoutSectionLines(report.fanout, report.quick));
  const comparison = report.gatewayComparison;
  if (comparison) {
    const { settings, cores } = comparison;
    const baseline = comparison.gateways.find((outcome) => outcome.id === comparison.baseline);
    lines.push(
      '',
      '## S7 — gateway comparison',
      '',
      `One nested query (users → reviews → product → reviews → author → reviews → product, and top products; a ${comparison.requestBytes}-byte request, a ${(comparison.answerBytes / 1024).toFixed(0)} KiB answer) over four subgraphs ` +
        '(accounts, products, inventory, reviews) that answer from a cache. ' +
        `${settings.connections} connections with one request in flight each, ${settings.warmupSeconds} s of warm-up not counted, ` +
        `${settings.runs} measured run(s) of ${settings.durationSeconds} s per gateway; each figure is the median over the runs. Every answer is checked (no errors, the expected data).`,
      '',
      cores.pinned
        ? `Cores: gateway on ${cores.gateway.join(',')}; load generator and subgraphs on ${cores.load.join(',')} (taskset).`
        : `Cores: not pinned (${cores.reason ?? 'unknown'}).`,
      '',
      `Ratios are against ${baseline?.label ?? comparison.baseline}, measured in the same run${baseline?.status === 'ok' ? '' : ' (failing here: no ratios)'}: ×RPS above 1 and ×p95 below 1 are better.`,
      '',
      markdownTable(
        ['Gateway', 'Status', 'RPS', '×RPS', 'p50 ms', 'p95 ms', '×p95', 'p99 ms', 'Bad answers', 'Subgraph requests / query', 'Gateway CPU (share)', 'Gateway peak RSS', 'Subgraphs CPU (share)', 'Load generator CPU (share)'],
        comparison.gateways.map((outcome) => gatewayRow(outcome, comparison.ratios.find((ratios) => ratios.id === outcome.id))),
      ),
      '',
      'CPU is counted over the measured runs; its share is CPU seconds per second of them (1 = one core kept busy). ' +
        'A subgraphs + load generator share near the number of their cores means the gateway was not the only limit.',
      '',
      '### Runs',
      '',
      markdownTable(
        ['Gateway', 'RPS per run', 'p95 ms per run', 'Warm-up answers'],
        comparison.gateways.map((outcome) => [
          outcome.label,
          outcome.runs?.map((run) => run.rps.toFixed(1)).join(', ') ?? '–',
          outcome.runs?.map((run) => run.latencyMs.p95.toFixed(1)).join(', ') ?? '–',
          outcome.warmup ? String(outcome.warmup.responses) : '–',
        ]),
      ),
      '',
      '### Setups',
      '',
      ...comparison.gateways.map((outcome) => `- **${outcome.label}**: ${outcome.setup}.`),
    );
    lines.push(...targetLines(comparison.gateways));
    const failing = comparison.gateways.filter((outcome) => outcome.status !== 'ok');
    if (failing.length > 0) {
      lines.push('', '### Failures', '', ...failing.map((outcome) => `- **${outcome.label}**: ${cell(outcome.failure ?? 'unknown')} (log: ${outcome.logFile})`));
    }
    for (const profile of comparison.profiles ?? []) {
      const label = comparison.gateways.find((outcome) => outcome.id === profile.id)?.label ?? profile.id;
      const { summary } = profile;
      const share = (value: number) => `${(value * 100).toFixed(1)} %`;
      lines.push(
        '',
        `### CPU profile: ${label}`,
        '',
        `\`${profile.path}\` (open it in Chrome DevTools or speedscope): ${(summary.totalMs / 1000).toFixed(1)} s sampled, ` +
          `${summary.windowed ? 'the measured runs only' : 'the whole process (start-up and warm-up included)'}, ` +
          `${share(summary.totalMs > 0 ? summary.idleMs / summary.totalMs : 0)} idle. Self time by package, then by function:`,
        '',
        markdownTable(['Package', 'Self ms', 'Share'], summary.byPackage.map((entry) => [entry.name, entry.selfMs.toFixed(0), share(entry.share)])),
        '',
        markdownTable(['Function', 'Self ms', 'Share'], summary.byFunction.map((entry) => [`\`${entry.name}\``, entry.selfMs.toFixed(0), share(entry.share)])),
        '',
        "This repository's functions by total time (theirs and what they call synchronously; async continuations count apart):",
        '',
        markdownTable(['Function', 'Total ms', 'Share'], summary.workspaceInclusive.map((entry) => [`\`${entry.name}\``, entry.selfMs.toFixed(0), share(entry.share)])),
      );
    }
    lines.push('', '![RPS and p95 per gateway](chart.svg)');
  }
  return `${lines.join('\n')}\n`;
}
