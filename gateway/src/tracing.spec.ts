// OpenTelemetry spans of the gateway, sent to a real OTLP/HTTP receiver: one SERVER span per operation,
// one CLIENT span per subgraph fetch whose position is the fetch's `traceparent`. And the graphql-ws
// server's errors (a client's invalid frame) go to the logger, not to stderr.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { OtlpReceiver } from '@pdn/logging/otlp-receiver';
import { parseTraceparent } from '@pdn/logging/trace-context';
import { composeTestSupergraph, loggerInto, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const TWO_SUBGRAPHS = 'query MemberWithEvents { member(id: "m-1") { displayName upcomingEvents { title } } }';
const SERVER = 2;
const CLIENT = 3;

let members: TestSubgraph;
let calendar: TestSubgraph;
let receiver: OtlpReceiver;
const logLines: Record<string, unknown>[] = [];

const logCollector = () => loggerInto(logLines);

async function startGateway(env: Record<string, string>): Promise<RunningGateway> {
  const config = loadGatewayConfig({ ...testGatewayEnv(SIGNING_KEY, members, calendar), ...env });
  return createGateway(config, { supergraphSdl: composeTestSupergraph([members, calendar]), logger: logCollector() });
}

async function query(gateway: RunningGateway, requestId: string, body: unknown, traceparent?: string) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(traceparent ? { traceparent } : {}) },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  receiver = await OtlpReceiver.start();
});

afterAll(async () => {
  await Promise.all([members?.dispose(), calendar?.dispose(), receiver?.close()]);
});

describe('gateway tracing with an OTLP endpoint', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('should export the operation span and one fetch span per subgraph, whose ids the subgraphs receive', async () => {
    const { response, body } = await query(gateway, 'traced-op', { query: TWO_SUBGRAPHS, operationName: 'MemberWithEvents' }, `00-${TRACE_ID}-${CLIENT_SPAN}-01`);
    expect(body).toEqual({ data: { member: { displayName: 'Member m-1', upcomingEvents: [{ title: 'Regroupement départemental' }] } } });

    const spans = await receiver.waitFor((all) => all.filter((s) => s.traceId === TRACE_ID).length >= 3);
    const inTrace = spans.filter((s) => s.traceId === TRACE_ID);
    const operation = inTrace.find((s) => s.kind === SERVER)!;
    expect(operation).toMatchObject({
      service: 'pdn-gateway',
      name: 'graphql.operation MemberWithEvents',
      parentSpanId: CLIENT_SPAN,
      attributes: {
        'graphql.operation.name': 'MemberWithEvents',
        'graphql.operation.type': 'query',
        'pdn.outcome': 'ok',
        'pdn.request_id': 'traced-op',
        'http.response.status_code': 200,
      },
    });
    const fetches = inTrace.filter((s) => s.kind === CLIENT);
    expect(fetches.map((s) => s.attributes['pdn.subgraph']).sort()).toEqual(['calendar', 'members']);
    for (const fetch of fetches) {
      expect(fetch).toMatchObject({ service: 'pdn-gateway', name: `graphql.fetch ${String(fetch.attributes['pdn.subgraph'])}`, parentSpanId: operation.spanId });
      expect(fetch.attributes['pdn.outcome']).toBe('ok');
    }

    // The traceparent each subgraph received is its fetch span; the client gets the operation span.
    const received = (subgraph: TestSubgraph) =>
      parseTraceparent(subgraph.received.find(({ headers }) => headers['x-request-id'] === 'traced-op')!.headers.traceparent);
    expect(received(members)).toEqual({ traceId: TRACE_ID, spanId: fetches.find((s) => s.attributes['pdn.subgraph'] === 'members')!.spanId, flags: '01' });
    expect(received(calendar)).toEqual({ traceId: TRACE_ID, spanId: fetches.find((s) => s.attributes['pdn.subgraph'] === 'calendar')!.spanId, flags: '01' });
    expect(parseTraceparent(response.headers.get('traceparent') ?? undefined)).toEqual({ traceId: TRACE_ID, spanId: operation.spanId, flags: '01' });
    // The operation's log line names the same span.
    expect(logLines.find((line) => line['requestId'] === 'traced-op' && line['msg'] === 'graphql operation')).toMatchObject({
      traceId: TRACE_ID,
      spanId: operation.spanId,
    });
  });

  it('should mark a partial operation and the fetches of a subgraph that does not answer', async () => {
    await calendar.stop();
    try {
      const { body } = await query(gateway, 'traced-outage', { query: '{ events { title } }' });
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await calendar.start();
    }
    const requestSpans = () => receiver.spans.filter((s) => s.kind === SERVER && s.attributes['pdn.request_id'] === 'traced-outage');
    await receiver.waitFor(() => requestSpans().length === 1);
    const [operation] = requestSpans();
    expect(operation).toMatchObject({
      name: 'graphql.operation query',
      // `events` is nullable: the client gets data (null) with the error, so the operation itself did not fail.
      attributes: { 'pdn.outcome': 'partial', 'pdn.error_codes': ['SERVICE_UNAVAILABLE'] },
    });
    const fetches = await receiver.waitFor((all) => all.filter((s) => s.parentSpanId === operation!.spanId).length >= 2);
    // A query is retried once (SUBGRAPH_RETRIES): one span per attempt, the second with its resend count.
    const attempts = fetches.filter((s) => s.parentSpanId === operation!.spanId);
    expect(attempts).toEqual([
      expect.objectContaining({ name: 'graphql.fetch calendar', attributes: expect.objectContaining({ 'pdn.outcome': 'unavailable', 'error.type': 'unreachable' }), status: expect.objectContaining({ code: 2 }) }),
      expect.objectContaining({ attributes: expect.objectContaining({ 'http.request.resend_count': 1, 'pdn.outcome': 'unavailable' }) }),
    ]);
  });
});

describe('gateway tracing when not configured', () => {
  it('should export nothing and keep the W3C trace context of its logs and subgraph fetches', async () => {
    const requestsBefore = receiver.requests;
    const gateway = await startGateway({ OTEL_SERVICE_NAME: 'pdn-unused', OTEL_TRACES_SAMPLER: 'always_on' });
    try {
      const { response } = await query(gateway, 'untraced-op', { query: TWO_SUBGRAPHS }, `00-${TRACE_ID}-${CLIENT_SPAN}-01`);
      const returned = parseTraceparent(response.headers.get('traceparent') ?? undefined);
      expect(returned).toMatchObject({ traceId: TRACE_ID, flags: '01' });
      const sent = parseTraceparent(members.received.find(({ headers }) => headers['x-request-id'] === 'untraced-op')!.headers.traceparent);
      expect(sent?.traceId).toBe(TRACE_ID);
      expect([CLIENT_SPAN, returned!.spanId]).not.toContain(sent!.spanId);
    } finally {
      await gateway.stop();
    }
    expect(receiver.requests).toBe(requestsBefore);
  });
});

describe('graphql-ws errors', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({});
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  /** Opens a graphql-ws socket, sends `frame` raw, and gives the close code. */
  async function closeCodeAfter(send: (socket: WebSocket) => void): Promise<number> {
    const socket = new WebSocket(gateway.url.replace('http:', 'ws:'), 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => {}); // the client sees the close, which is what matters
    send(socket);
    return closed;
  }

  it('should close on an invalid frame with a warning in the logs, no stack trace on stderr', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // A text frame that is not UTF-8: 1007; a message over the largest request limit: 1009.
      expect(await closeCodeAfter((socket) => socket.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false }))).toBe(1007);
      expect(await closeCodeAfter((socket) => socket.send('x'.repeat(2 * 1024 * 1024)))).toBe(1009);
      const warnings = () => logLines.filter((line) => line['msg'] === 'WebSocket closed on a client error');
      const deadline = Date.now() + 5000;
      while (warnings().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warnings()).toEqual([
        expect.objectContaining({ level: 40, code: 'WS_ERR_INVALID_UTF8' }),
        expect.objectContaining({ level: 40, code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }),
      ]);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });
});
