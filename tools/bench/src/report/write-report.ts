// Writes report.md, report.json and chart.svg into the run's folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from './bench-report.js';
import { renderMarkdown } from './markdown.js';
import { productChartBars, productChartTitle } from './product-section.js';
import { renderChart } from './svg-chart.js';

export interface WrittenReport {
  markdown: string;
  json: string;
  chart?: string;
  /** The product scenarios' chart (S1–S5). */
  scenariosChart?: string;
}

export function writeReport(dir: string, report: BenchReport): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const written: WrittenReport = { markdown: join(dir, 'report.md'), json: join(dir, 'report.json') };
  writeFileSync(written.markdown, renderMarkdown(report));
  writeFileSync(written.json, `${JSON.stringify(report, null, 2)}\n`);
  const product = report.productScenarios;
  if (product) {
    written.scenariosChart = join(dir, 'scenarios.svg');
    writeFileSync(written.scenariosChart, renderChart(productChartTitle(report), productChartBars(product)));
  }
  const comparison = report.gatewayComparison;
  if (comparison) {
    written.chart = join(dir, 'chart.svg');
    const title = `S7 gateway comparison — ${comparison.settings.connections} connections, median of ${comparison.settings.runs} run(s)${report.quick ? ' (quick)' : ''}`;
    writeFileSync(
      written.chart,
      renderChart(
        title,
        comparison.gateways.map((outcome) => ({
          label: outcome.label,
          failing: outcome.status !== 'ok',
          ...(outcome.summary ? { rps: outcome.summary.rps, p95Ms: outcome.summary.latencyMs.p95 } : {}),
        })),
      ),
    );
  }
  return written;
}
