import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { describeFanout, type FanoutResult, runFanout } from './s6-fanout-scenario.js';

// The S6 fan-out scenario at a small size, end to end: the built subgraphs and gateway in their own
// processes on fresh PostgreSQL databases, 50 graphql-ws clients in two load processes, three alerts.
// It checks what the benchmark counts on (every client subscribed, every alert delivered to every
// client once, with its author resolved by members), never how fast: times are the benchmark's to
// report. Needs `npm run build` (the processes run from dist/).

const serverUrl = process.env['TEST_DATABASE_URL'];
if (!serverUrl) throw new Error('The subgraphs run on PostgreSQL: set TEST_DATABASE_URL.');

const workDir = mkdtempSync(join(tmpdir(), 'pdn-bench-s6-spec-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('S6 subscription fan-out', () => {
  let result: FanoutResult;

  it('delivers every alert to every client, once, with its author from the members subgraph', async () => {
    result = await runFanout({
      clients: 50,
      alerts: 3,
      intervalMs: 200,
      loadProcesses: 2,
      members: 3,
      departments: 2,
      databaseServerUrl: serverUrl,
      workDir,
      // As the end-to-end harness: a loaded CI machine must not turn a slow members answer into a missing alert.
      gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '10000' },
      drainTimeoutMs: 60_000,
      connectConcurrency: 25,
    });
    expect(result.deliveries).toEqual({ expected: 150, received: 150, missing: 0, errorsInstead: 0, withErrors: 0, wrongAuthor: 0, duplicates: 0 });
    expect(result.problems).toEqual({ connectFailures: 0, closes: {}, subscriptionErrors: 0, completed: 0, raiseFailures: [], examples: [] });
    expect(result.perAlert.map((alert) => alert.received)).toEqual([50, 50, 50]);
  }, 240_000);

  it('reads the gateway as it ran: its sockets and subscriptions, its memory, and the settings used', () => {
    // Three promeneurs over two départements: two audiences, so two upstream subscriptions for 50 clients.
    expect(result.setup.gatewayMetrics).toMatchObject({ websocketConnections: 50, activeSubscriptions: 50, sharedUpstreams: 2 });
    expect(result.memory.gatewayPeakRssBytes).toBeGreaterThan(0);
    expect(result.memory.gatewayPeakRssBytes).toBeGreaterThanOrEqual(result.memory.gatewayRssSubscribedBytes);
    expect(result.gatewaySettings).toMatchObject({ RATE_LIMIT_MEMBER_PER_MINUTE: '0', NODE_ENV: 'production', SUBGRAPH_TIMEOUT_MS: '10000' });
    expect(result.targets.met.missing).toBe(true);
    expect(describeFanout(result)).toContain('deliveries: 150 of 150, missing 0 (0 answered by an error instead)');
  });
});
