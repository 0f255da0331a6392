import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { composeTestSupergraph, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';
import { operationLabel } from './operation-log.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const ANONYMOUS_PER_MINUTE = 3;

let members: TestSubgraph;
let calendar: TestSubgraph;
let gateway: RunningGateway;

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  const config = loadGatewayConfig({
    ...testGatewayEnv(SIGNING_KEY, members, calendar),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_PER_MINUTE),
  });
  gateway = await createGateway(config, { supergraphSdl: composeTestSupergraph([members, calendar]) });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

function metricsUrl() {
  return gateway.url.replace(/\/graphql$/, '/metrics');
}

async function scrape(): Promise<string> {
  const response = await fetch(metricsUrl());
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one sample, by its full name and labels as written, e.g. `x_total{a="1"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function query(operation: string) {
  return fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: operation }),
  });
}

// Every request below comes from 127.0.0.1, anonymous: ANONYMOUS_PER_MINUTE requests in all before the limit.
describe('GET /metrics on the gateway', () => {
  it('should count an operation by name, type and outcome, with its duration and its subgraph fetches', async () => {
    const response = await query('query MemberWithEvents { member(id: "m-1") { displayName upcomingEvents { title } } }');
    expect(response.status).toBe(200);
    await response.json();

    const text = await scrape();
    expect(text).toContain('pdn_process_cpu_user_seconds_total');
    expect(sample(text, 'pdn_gateway_operations_total{operation="MemberWithEvents",type="query",outcome="ok"}')).toBe(1);
    expect(sample(text, 'pdn_gateway_operation_duration_seconds_count{operation="MemberWithEvents",type="query",outcome="ok"}')).toBe(1);
    expect(sample(text, 'pdn_gateway_subgraph_fetch_duration_seconds_count{subgraph="members",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pdn_gateway_subgraph_fetch_duration_seconds_count{subgraph="calendar",outcome="ok"}')).toBeGreaterThanOrEqual(1);
  });

  it('should count the open WebSocket connections', async () => {
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const acknowledged = new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') resolve();
      });
      socket.on('error', reject);
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    await acknowledged;
    try {
      expect(sample(await scrape(), 'pdn_gateway_websocket_connections')).toBe(1);
      expect(sample(await scrape(), 'pdn_gateway_active_subscriptions')).toBe(0);
    } finally {
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close();
      await closed;
    }
  });

  it('should count the requests a rate limit refuses, by kind of limit', async () => {
    let refused = 0;
    for (let i = 0; i < ANONYMOUS_PER_MINUTE + 1; i += 1) {
      const response = await query('{ __typename }');
      await response.text();
      if (response.status === 429) refused += 1;
    }
    expect(refused).toBeGreaterThan(0);
    expect(sample(await scrape(), 'pdn_gateway_rate_limited_total{kind="anonymous"}')).toBe(refused);
  });

  it('should label an operation by its name only when it is a short plain name', () => {
    expect(operationLabel('MemberWithEvents')).toBe('MemberWithEvents');
    expect(operationLabel(undefined)).toBe('anonymous');
    expect(operationLabel('a'.repeat(65))).toBe('anonymous');
    expect(operationLabel('évènements')).toBe('anonymous');
  });
});
