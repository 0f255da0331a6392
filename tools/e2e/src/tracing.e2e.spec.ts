import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { LiveAlertRaisedDocument, LiveRaiseAlertDocument, LoginDocument, type PdnClient } from '@pdn/client';
import { OtlpReceiver, type ReceivedSpan } from '@pdn/logging/otlp-receiver';
import { parseTraceparent } from '@pdn/logging/trace-context';
import { activate, createStructure, join, signInAdmin, type Person } from './calendar-people.js';
import type { SubgraphProcess } from './subgraph-process.js';
import { ADMIN, startSystem, type RunningSystem } from './system.js';

// OpenTelemetry across the processes: the gateway and the three subgraphs (built, each in its own
// process) export to one real OTLP/HTTP receiver; an operation, a subscription and a calendar feed
// each make one trace, the subgraphs' spans children of the gateway's, their log lines on the same ids.

const SERVER = 2;
const CLIENT = 3;
const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';

let receiver: OtlpReceiver;
let system: RunningSystem;

/** The JSON log lines of a subgraph process. */
function logLines(process: SubgraphProcess): Record<string, unknown>[] {
  return process.logs
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function waitForLog(process: SubgraphProcess, match: (line: Record<string, unknown>) => boolean, what: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const line = logLines(process).find(match);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`${process.name} never logged ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const spansOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
const one = (spans: ReceivedSpan[], match: Partial<ReceivedSpan>, what: string): ReceivedSpan => {
  const found = spans.filter((s) => Object.entries(match).every(([key, value]) => s[key as keyof ReceivedSpan] === value));
  if (found.length !== 1) throw new Error(`${found.length} spans for ${what}: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
  return found[0]!;
};

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
  // The subgraphs' request and subscription lines are at level info.
  const subgraph = { ...tracing, LOG_LEVEL: 'info' };
  system = await startSystem({ env: { members: subgraph, calendar: subgraph, feed: subgraph, gateway: tracing } });
});

afterAll(async () => {
  await system?.close();
  await receiver?.close();
});

describe('tracing across the gateway and the subgraphs', () => {
  it('should make one trace of a cross-subgraph query: operation, fetches, subgraph requests', async () => {
    const login = await system.anonymous.request(LoginDocument, ADMIN);
    const token = login.data!.login.accessToken;
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-request-id': 'e2e-traced-query',
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
      },
      body: JSON.stringify({ query: 'query WhoAmI { me { id displayName onlineNow } }', operationName: 'WhoAmI' }),
    });
    const body = (await response.json()) as { data?: { me?: { onlineNow?: boolean } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(typeof body.data?.me?.onlineNow).toBe('boolean');

    await receiver.waitFor(() => spansOf(CLIENT_TRACE).filter((s) => s.kind === SERVER).length >= 3);
    const spans = spansOf(CLIENT_TRACE);
    const operation = one(spans, { service: 'pdn-gateway', kind: SERVER }, 'the operation');
    expect(operation).toMatchObject({
      name: 'graphql.operation WhoAmI',
      parentSpanId: CLIENT_SPAN,
      attributes: expect.objectContaining({ 'graphql.operation.type': 'query', 'pdn.outcome': 'ok', 'pdn.request_id': 'e2e-traced-query' }),
    });
    expect(parseTraceparent(response.headers.get('traceparent') ?? undefined)).toEqual({ traceId: CLIENT_TRACE, spanId: operation.spanId, flags: '01' });

    for (const subgraph of [system.members, system.calendar]) {
      const fetch = one(spans, { service: 'pdn-gateway', kind: CLIENT, name: `graphql.fetch ${subgraph.name}` }, `the fetch from ${subgraph.name}`);
      expect(fetch.parentSpanId).toBe(operation.spanId);
      const served = one(spans, { service: `pdn-${subgraph.name}`, kind: SERVER }, `${subgraph.name}'s request`);
      expect(served).toMatchObject({ name: 'POST /graphql', parentSpanId: fetch.spanId, attributes: expect.objectContaining({ 'pdn.request_id': 'e2e-traced-query', 'http.response.status_code': 200 }) });
      // The subgraph's log line: the same request id and trace, and the gateway's fetch as the caller's span.
      expect(await waitForLog(subgraph, (line) => line['requestId'] === 'e2e-traced-query' && line['msg'] === 'request', 'the request')).toMatchObject({
        traceId: CLIENT_TRACE,
        spanId: fetch.spanId,
      });
    }
  });

  it('should continue the trace through the /ics proxy to calendar, and log it on both sides', async () => {
    const origin = new URL(system.gatewayUrl).origin;
    const response = await fetch(`${origin}/ics/events.ics`, {
      headers: { 'x-request-id': 'e2e-traced-ics', traceparent: `00-${CLIENT_TRACE.replace(/^0a/, '1a')}-${CLIENT_SPAN}-01` },
    });
    expect(response.status).toBe(200);
    await response.text();
    const traceId = CLIENT_TRACE.replace(/^0a/, '1a');
    expect(response.headers.get('x-request-id')).toBe('e2e-traced-ics');

    await receiver.waitFor(() => spansOf(traceId).length >= 2);
    const proxy = one(spansOf(traceId), { service: 'pdn-gateway', kind: SERVER }, 'the proxied feed');
    expect(proxy).toMatchObject({ name: 'GET /ics', parentSpanId: CLIENT_SPAN, attributes: expect.objectContaining({ 'pdn.ics.feed': '/ics/events.ics', 'http.response.status_code': 200 }) });
    expect(parseTraceparent(response.headers.get('traceparent') ?? undefined)).toEqual({ traceId, spanId: proxy.spanId, flags: '01' });
    const served = one(spansOf(traceId), { service: 'pdn-calendar', kind: SERVER }, "calendar's feed");
    expect(served).toMatchObject({ name: 'GET /ics', parentSpanId: proxy.spanId, attributes: expect.objectContaining({ 'url.path': '/ics/events.ics' }) });
    expect(await waitForLog(system.calendar, (line) => line['requestId'] === 'e2e-traced-ics', 'the feed request')).toMatchObject({
      traceId,
      spanId: proxy.spanId,
      path: '/ics/events.ics',
    });
  });

  describe('subscriptions', () => {
    let coordinator: Person;
    let promeneur: Person;
    let client: Client | undefined;

    beforeAll(async () => {
      const admin: PdnClient = await signInAdmin(system);
      const structureId = await createStructure(admin, 'PIJ de Condom');
      coordinator = await join(system, admin, { structureId, email: 'coordination@traces32.test', firstName: 'Lucie', lastName: 'Armagnac', role: 'COORDINATOR' });
      promeneur = await activate(
        system,
        coordinator.client,
        await join(system, coordinator.client, { structureId, email: 'p32@traces.test', firstName: 'Marc', lastName: 'Baïse' }),
      );
    });

    afterAll(async () => {
      await client?.dispose();
    });

    it('should give each subscription a trace that its feed subscription and every event resolution carry', async () => {
      const login = await system.anonymous.request(LoginDocument, { email: promeneur.email, password: promeneur.password });
      client = createClient({
        url: system.gatewayUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${login.data!.login.accessToken}` },
        retryAttempts: 0,
      });
      const received: { id: string; raisedBy: { displayName: string } }[] = [];
      let completed = false;
      const unsubscribe = client.subscribe(
        { query: print(LiveAlertRaisedDocument), operationName: 'LiveAlertRaised', variables: {} },
        {
          next: (result) => {
            const alert = (result.data as { alertRaised?: { id: string; raisedBy: { displayName: string } } } | undefined)?.alertRaised;
            if (alert) received.push(alert);
          },
          error: () => (completed = true),
          complete: () => (completed = true),
        },
      );
      // graphql-ws does not acknowledge a subscription: raise until one arrives (bounded).
      let raisedId: string | undefined;
      for (let attempt = 0; attempt < 40 && !received.some((a) => a.id === raisedId); attempt++) {
        const raised = await coordinator.client.request(LiveRaiseAlertDocument, {
          input: { severity: 'WARNING', category: 'VIRAL_CHALLENGE', title: `Traces n°${attempt}`, body: 'Un défi circule : prévenir les jeunes suivis.', departments: ['32'] },
        });
        expect(raised.errors).toBeUndefined();
        raisedId = raised.data!.raiseAlert.id;
        const deadline = Date.now() + 500;
        while (!received.some((a) => a.id === raisedId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(received.find((a) => a.id === raisedId)?.raisedBy.displayName).toBe(coordinator.displayName);
      expect(completed).toBe(false);
      unsubscribe();

      // The gateway's span ends when the client completes the subscription.
      await receiver.waitFor((all) => all.some((s) => s.service === 'pdn-gateway' && s.name === 'graphql.subscription LiveAlertRaised'));
      const subscription = receiver.spans.find((s) => s.service === 'pdn-gateway' && s.name === 'graphql.subscription LiveAlertRaised')!;
      expect(subscription).toMatchObject({ kind: SERVER, attributes: expect.objectContaining({ 'graphql.operation.type': 'subscription' }) });
      expect(subscription).not.toHaveProperty('parentSpanId');
      const requestId = String(subscription.attributes['pdn.request_id']);

      // The feed logged the subscription under the gateway's request id and trace.
      expect(await waitForLog(system.feed, (line) => line['msg'] === 'subscription' && line['requestId'] === requestId, 'the subscription')).toMatchObject({
        traceId: subscription.traceId,
        spanId: subscription.spanId,
        operationName: 'LiveAlertRaised',
      });
      // Each event's author was resolved by members under a fetch span of the subscription.
      await receiver.waitFor(() => spansOf(subscription.traceId).some((s) => s.service === 'pdn-members' && s.kind === SERVER));
      const fetches = spansOf(subscription.traceId).filter((s) => s.service === 'pdn-gateway' && s.kind === CLIENT && s.name === 'graphql.fetch members');
      expect(fetches.length).toBeGreaterThan(0);
      for (const fetch of fetches) expect(fetch.parentSpanId).toBe(subscription.spanId);
      const resolved = spansOf(subscription.traceId).filter((s) => s.service === 'pdn-members' && s.kind === SERVER);
      for (const span of resolved) expect(fetches.map((f) => f.spanId)).toContain(span.parentSpanId);
      expect(await waitForLog(system.members, (line) => line['msg'] === 'request' && line['requestId'] === requestId, "members' entity fetch")).toMatchObject({
        traceId: subscription.traceId,
      });
    });
  });
});
