import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropServerDatabase, TEST_DATABASE_PREFIX } from '@pdn/database';
import { machineInfo } from '../report/machine.js';
import { writeReport } from '../report/write-report.js';
import { REPO_ROOT } from '../gateways/gateways-under-test.js';
import { PRODUCT_SCENARIO_IDS, runProductScenarios, type ProductScenariosResult } from './product-scenarios.js';
import { ensureDataset } from './product-system.js';

// S1–S5 for real, briefly: a dataset generated at a small scale into a database that did not exist
// (as `npm run bench` does when pdn_bench is missing), the built subgraphs and gateway started on a
// copy of it, each scenario loaded for a second by autocannon with every answer checked, and the
// report written with its product-scenarios section. Needs `npm run build` (children run dist/).
// No time is asserted: only that answers are right and the figures are there.

const serverUrl = process.env['TEST_DATABASE_URL'];
if (!serverUrl) throw new Error('The dataset is written to PostgreSQL: set TEST_DATABASE_URL.');

const datasetUrl = (() => {
  const url = new URL(serverUrl);
  url.pathname = `/${TEST_DATABASE_PREFIX}bench_${randomBytes(4).toString('hex')}`;
  return url.toString();
})();
const workDir = mkdtempSync(join(tmpdir(), 'pdn-product-scenarios-'));
let result: ProductScenariosResult;

beforeAll(async () => {
  expect(await ensureDataset(datasetUrl, { scale: 0.05 })).toBe(true);
  expect(await ensureDataset(datasetUrl, { scale: 0.05 })).toBe(false);
  result = await runProductScenarios({
    scenarios: PRODUCT_SCENARIO_IDS,
    databaseUrl: datasetUrl,
    connections: 4,
    warmupSeconds: 0,
    durationSeconds: 1,
    runs: 2,
    timeoutSeconds: 20,
    viewers: 3,
    workDir,
  });
}, 240_000);

afterAll(async () => {
  await dropServerDatabase(serverUrl, datasetUrl);
});

describe('product scenarios S1–S5 on a generated dataset', () => {
  it('answers every scenario under load with no bad answer, and measures each process', () => {
    expect(result.scenarios.map((outcome) => outcome.id)).toEqual([...PRODUCT_SCENARIO_IDS]);
    for (const outcome of result.scenarios) {
      expect({ id: outcome.id, status: outcome.status, failure: outcome.failure }).toEqual({ id: outcome.id, status: 'ok', failure: undefined });
      expect(outcome.summary!.responses).toBeGreaterThan(0);
      expect(outcome.summary!.badTotal).toBe(0);
      expect(outcome.runs).toHaveLength(2);
      expect(outcome.viewers).toBeGreaterThan(0);
      for (const name of ['gateway', 'members', 'calendar', 'feed', 'load'] as const) expect(outcome.processes[name]?.cpuSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(Object.keys(result.peakRssBytes).sort()).toEqual(['calendar', 'feed', 'gateway', 'members']);
    expect(result.dataset.copied).toBe(true);
  });

  it('sends the pages their expected work: S1 and S2 reach the three or two subgraphs, S5 writes in calendar and feed', () => {
    const statements = (id: string) => result.scenarios.find((outcome) => outcome.id === id)!.statementsPerRequest!;
    expect(statements('S1').members).toBeGreaterThan(0);
    expect(statements('S1').calendar).toBeGreaterThan(0);
    expect(statements('S1').feed).toBeGreaterThan(0);
    expect(statements('S2').feed).toBeGreaterThan(0);
    expect(statements('S3').calendar).toBeGreaterThan(0);
    expect(statements('S4').calendar).toBeGreaterThan(0);
    expect(statements('S5').calendar).toBeGreaterThan(0);
    expect(statements('S5').feed).toBeGreaterThan(0);
  });

  it('writes the product scenarios into the report: Markdown table, JSON and chart', () => {
    const written = writeReport(join(workDir, 'report'), {
      startedAt: new Date().toISOString(),
      command: 'product-scenarios.e2e.spec.ts',
      quick: true,
      machine: machineInfo(REPO_ROOT),
      versions: {},
      productScenarios: result,
    });
    const markdown = readFileSync(written.markdown, 'utf8');
    expect(markdown).toContain('## S1–S5 — product scenarios');
    for (const id of PRODUCT_SCENARIO_IDS) expect(markdown).toMatch(new RegExp(`\\| ${id} [A-Z][a-z]+ [a-z ]*\\| ok \\|`));
    expect(JSON.parse(readFileSync(written.json, 'utf8')).productScenarios.scenarios).toHaveLength(5);
    expect(readFileSync(written.scenariosChart!, 'utf8')).toContain('S3 Event page');
  });
});
