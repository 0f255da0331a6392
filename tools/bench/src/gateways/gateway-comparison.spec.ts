// The comparison's moving parts for real: subgraphs over HTTP, the composed supergraph, each gateway in
// its own process, the load generator checking every answer. A very short run; no time is asserted.
// Runs the built files (npm run build first), as the end-to-end tests do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { planCores } from '../load/pinned-process.js';
import { BENCH_REQUEST_BODY, checkBenchAnswer, expectedBenchData } from './bench-query.js';
import { composeBenchSupergraph } from './bench-supergraph.js';
import { compareGateways } from './compare-gateways.js';
import { GATEWAY_IDS } from './gateways-under-test.js';
import { type RunningBenchSubgraphs, startBenchSubgraphs } from './subgraph-server.js';

const workDir = mkdtempSync(join(tmpdir(), 'bench-s7-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('gateway comparison workload', () => {
  let subgraphs: RunningBenchSubgraphs;

  beforeAll(async () => {
    subgraphs = await startBenchSubgraphs();
  });
  afterAll(() => subgraphs.close());

  it('should compose the four subgraphs into a supergraph at their URLs', () => {
    const sdl = composeBenchSupergraph(subgraphs.urls);
    for (const url of Object.values(subgraphs.urls)) expect(sdl).toContain(url);
    expect(sdl).toMatch(/shippingEstimate: Int @join__field\(graph: INVENTORY, requires: "price weight"\)/);
  });

  it('should answer each subgraph request from its cache after the first', async () => {
    const body = JSON.stringify({ query: '{ users { id username } }' });
    const ask = () => fetch(subgraphs.urls.accounts, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.json());
    const first = await ask();
    expect(await ask()).toEqual(first);
    expect(first).toEqual({ data: { users: expect.arrayContaining([{ id: 'user-1', username: 'promeneur1' }]) } });
    expect(subgraphs.counters.executed.accounts).toBe(1);
    expect(subgraphs.counters.requests.accounts).toBe(2);
  });

  it('should serve a live, empty event log of members for our gateway', async () => {
    const response = await fetch(new URL('/events?after=0&limit=10&wait=0', subgraphs.membersUrl));
    expect(await response.json()).toEqual({ producer: 'members', events: [] });
  });

  it('should expect a nested answer and refuse errors or other data', () => {
    const data = expectedBenchData();
    expect(data.users).toHaveLength(6);
    expect(data.topProducts).toHaveLength(5);
    const nested = data.users[0]?.reviews[0]?.product.reviews[0]?.author.reviews[0]?.product;
    expect(nested).toEqual(expect.objectContaining({ upc: expect.any(String), shippingEstimate: expect.any(Number), inStock: expect.any(Boolean) }));
    expect(checkBenchAnswer(JSON.stringify({ data }))).toBeUndefined();
    // Same data, other key order and an extension: still right.
    expect(checkBenchAnswer(JSON.stringify({ extensions: { x: 1 }, data: { topProducts: data.topProducts, users: data.users } }))).toBeUndefined();
    expect(checkBenchAnswer(JSON.stringify({ data, errors: [{ message: 'inventory is down' }] }))).toMatch(/inventory is down/);
    expect(checkBenchAnswer(JSON.stringify({ data: { ...data, users: data.users.slice(1) } }))).toMatch(/unexpected data/);
    expect(checkBenchAnswer('<html>')).toMatch(/not JSON/);
    expect(JSON.parse(BENCH_REQUEST_BODY).operationName).toBe('GatewayComparison');
  });
});

describe('gateway comparison through every gateway', () => {
  it('should get the expected answer through each gateway, every answer under load checked', async () => {
    const result = await compareGateways({
      gateways: GATEWAY_IDS,
      connections: 2,
      warmupSeconds: 0,
      durationSeconds: 1,
      runs: 1,
      timeoutSeconds: 30,
      workDir,
      cores: planCores(),
      startTimeoutMs: 90_000,
    });
    for (const outcome of result.gateways) {
      expect({ id: outcome.id, status: outcome.status, failure: outcome.failure }).toEqual({ id: outcome.id, status: 'ok', failure: undefined });
      expect(outcome.summary?.responses).toBeGreaterThan(0);
      expect(outcome.summary?.badTotal).toBe(0);
      expect(outcome.fetchesPerQuery).toBeGreaterThan(1);
      expect(outcome.processes.gateway?.peakRssBytes ?? 1).toBeGreaterThan(0);
    }
    expect(result.gateways.map((outcome) => outcome.id)).toEqual([...GATEWAY_IDS]);
    // Plain @apollo/gateway makes one fetch per step of its plan: about 16 for this query.
    expect(result.gateways.find((outcome) => outcome.id === 'apollo-gateway')?.fetchesPerQuery).toBeGreaterThanOrEqual(12);
  }, 300_000);
});
