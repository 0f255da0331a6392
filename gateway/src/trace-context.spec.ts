import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTraceparent } from '@pdn/logging/trace-context';
import { composeTestSupergraph, loggerInto, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
/** Fields from both subgraphs: the members subgraph answers first, then the calendar subgraph resolves the entity. */
const TWO_SUBGRAPHS = '{ member(id: "m-1") { displayName upcomingEvents { title } } }';

let members: TestSubgraph;
let calendar: TestSubgraph;
let gateway: RunningGateway;
const logLines: Record<string, unknown>[] = [];

const logCollector = () => loggerInto(logLines);

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  const config = loadGatewayConfig({
    ...testGatewayEnv(SIGNING_KEY, members, calendar),
  });
  gateway = await createGateway(config, { supergraphSdl: composeTestSupergraph([members, calendar]), logger: logCollector() });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

/** Sends the query with the given request id (and traceparent), and gives what each subgraph received under that id. */
async function tracedRequest(requestId: string, traceparent?: string | undefined) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(traceparent === undefined ? {} : { traceparent }) },
    body: JSON.stringify({ query: TWO_SUBGRAPHS }),
  });
  expect(await response.json()).toEqual({ data: { member: { displayName: 'Member m-1', upcomingEvents: [{ title: 'Regroupement départemental' }] } } });
  await new Promise((resolve) => setImmediate(resolve));
  const receivedBy = (subgraph: TestSubgraph) =>
    subgraph.received.filter(({ headers }) => headers['x-request-id'] === requestId).map(({ headers }) => parseTraceparent(headers.traceparent));
  const fetches = [...receivedBy(members), ...receivedBy(calendar)];
  const logged = logLines.filter((line) => line['requestId'] === requestId && line['msg'] === 'graphql operation');
  return { response, fetches, memberFetches: receivedBy(members).length, calendarFetches: receivedBy(calendar).length, logged };
}

describe('W3C trace context through the gateway', () => {
  it('should carry the client trace id to every subgraph fetch, each under a new span, and log it', async () => {
    const { response, fetches, memberFetches, calendarFetches, logged } = await tracedRequest('trace-joined', `00-${TRACE_ID}-${CLIENT_SPAN}-01`);
    expect(memberFetches).toBe(1);
    expect(calendarFetches).toBe(1);
    for (const trace of fetches) {
      expect(trace).toEqual({ traceId: TRACE_ID, spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: '01' });
      expect(trace!.spanId).not.toBe(CLIENT_SPAN);
    }
    expect(fetches[0]!.spanId).not.toBe(fetches[1]!.spanId);

    // The gateway's own span: same trace, neither the client's span nor a subgraph fetch's.
    const returned = parseTraceparent(response.headers.get('traceparent') ?? undefined);
    expect(returned?.traceId).toBe(TRACE_ID);
    expect([CLIENT_SPAN, ...fetches.map((trace) => trace!.spanId)]).not.toContain(returned!.spanId);
    expect(logged).toEqual([expect.objectContaining({ traceId: TRACE_ID, spanId: returned!.spanId, outcome: 'ok' })]);
  });

  it.each([
    ['missing', undefined],
    ['with an all-zero trace id', `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01`],
    ['of version ff', `ff-${TRACE_ID}-${CLIENT_SPAN}-01`],
    ['malformed', 'not-a-traceparent'],
  ])('should start a new valid trace when the traceparent is %s', async (label, traceparent) => {
    const { response, fetches, logged } = await tracedRequest(`trace-new-${label.replace(/\W+/g, '-')}`, traceparent);
    const returned = parseTraceparent(response.headers.get('traceparent') ?? undefined);
    expect(returned).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: '01' });
    expect(returned!.traceId).not.toBe(TRACE_ID);
    expect(fetches).toHaveLength(2);
    for (const trace of fetches) expect(trace?.traceId).toBe(returned!.traceId);
    expect(logged).toEqual([expect.objectContaining({ traceId: returned!.traceId })]);
  });

  it('should start a different trace for each request without one', async () => {
    const first = await tracedRequest('trace-fresh-1');
    const second = await tracedRequest('trace-fresh-2');
    expect(first.logged[0]!['traceId']).not.toBe(second.logged[0]!['traceId']);
  });
});
