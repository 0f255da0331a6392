import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { composeTestSupergraph, loggerInto, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { CircuitBreaker, retryDelayMs } from './circuit-breaker.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const BREAKER_FAILURES = 4;
const BREAKER_OPEN_MS = 400;
const CALENDAR_TIMEOUT_MS = 300;

const logLines: Record<string, unknown>[] = [];
const logCollector = () => loggerInto(logLines);
const messagesLogged = () => logLines.map((line) => line.msg);

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ name: 'calendar', failureThreshold: 3, openMs: 1000, logger: logCollector(), now: () => now });

  beforeEach(() => {
    now = 1_000_000;
    logLines.length = 0;
  });

  it('should open after the threshold of consecutive failures and refuse requests while open', () => {
    const b = breaker();
    for (let i = 0; i < 2; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.failed();
    }
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    b.failed();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    now += 999;
    expect(b.tryAcquire()).toBe(false);
    expect(logLines).toEqual([expect.objectContaining({ level: 40, subgraph: 'calendar', msg: 'subgraph circuit breaker open' })]);
  });

  it('should count only consecutive failures', () => {
    const b = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    b.failed();
    expect(b.state).toBe('open');
  });

  it('should let one probe through once the open period is over, and close when it succeeds', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now += 1000;
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    expect(messagesLogged()).toEqual([
      'subgraph circuit breaker open',
      'subgraph circuit breaker half-open: probing',
      'subgraph circuit breaker closed: the subgraph answers again',
    ]);
  });

  it('should open again for a whole period when the probe fails', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now += 1500;
    expect(b.tryAcquire()).toBe(true);
    b.failed();
    expect(b.state).toBe('open');
    now += 999;
    expect(b.tryAcquire()).toBe(false);
    now += 1;
    expect(b.tryAcquire()).toBe(true);
    expect(messagesLogged()).toContain('subgraph circuit breaker open again: the probe failed');
  });

  it('should wait a short, growing, jittered delay between retries', () => {
    expect(retryDelayMs(1, () => 0)).toBe(25);
    expect(retryDelayMs(1, () => 0.999)).toBe(50);
    expect(retryDelayMs(2, () => 0)).toBe(50);
  });
});

/** In front of the calendar test subgraph: counts requests, and answers 503, resets or stalls on demand. */
class FlakyProxy {
  hits = 0;
  /** What the next requests get, one entry each; then `otherwise`. */
  script: ('503' | 'reset' | 'stall')[] = [];
  otherwise: 'forward' | '503' = 'forward';
  private server?: Server;

  constructor(private readonly target: TestSubgraph) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/graphql`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.hits++;
      const behaviour = this.script.shift() ?? this.otherwise;
      void bodyOf(req).then(async (body) => {
        if (behaviour === 'reset') {
          req.socket.destroy();
          return;
        }
        if (behaviour === 'stall') await new Promise((resolve) => setTimeout(resolve, CALENDAR_TIMEOUT_MS * 2));
        if (behaviour !== 'forward') {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
        }
        const answer = await fetch(this.target.url, { method: req.method, headers, body });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function bodyOf(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

describe('gateway retries and circuit breaker against a failing subgraph', () => {
  let members: TestSubgraph;
  let calendar: TestSubgraph;
  let proxy: FlakyProxy;
  let gateway: RunningGateway;

  async function post(query: string): Promise<GraphQLBody> {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as GraphQLBody;
  }

  const MIXED = '{ member(id: "m-1") { displayName upcomingEvents { id } } }';
  const mixedAnswered = { data: { member: { displayName: 'Member m-1', upcomingEvents: [{ id: 'e1' }] } } };
  const calendarUnavailable = {
    data: { member: { displayName: 'Member m-1', upcomingEvents: null } },
    errors: [
      {
        message: 'The calendar service is unavailable.',
        path: ['member', 'upcomingEvents'],
        extensions: { code: 'SERVICE_UNAVAILABLE', service: 'calendar' },
      },
    ],
  };

  beforeAll(async () => {
    ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
    proxy = new FlakyProxy(calendar);
    await proxy.start();
    const config = loadGatewayConfig({
      ...testGatewayEnv(SIGNING_KEY, members, proxy),
      CALENDAR_TIMEOUT_MS: String(CALENDAR_TIMEOUT_MS),
      SUBGRAPH_RETRIES: '1',
      SUBGRAPH_BREAKER_FAILURES: String(BREAKER_FAILURES),
      SUBGRAPH_BREAKER_OPEN_MS: String(BREAKER_OPEN_MS),
    });
    expect(config.subgraphResilience).toEqual({ retries: 1, breakerFailures: BREAKER_FAILURES, breakerOpenMs: BREAKER_OPEN_MS });
    gateway = await createGateway(config, { supergraphSdl: composeTestSupergraph([members, calendar]), logger: logCollector() });
  });

  afterAll(async () => {
    await gateway?.stop();
    await proxy?.stop();
    await Promise.all([members?.dispose(), calendar?.dispose()]);
  });

  beforeEach(() => {
    proxy.hits = 0;
    proxy.script = [];
    proxy.otherwise = 'forward';
    logLines.length = 0;
  });

  it('should retry a query once after a 503 and answer transparently', async () => {
    proxy.script = ['503'];
    expect(await post(MIXED)).toEqual(mixedAnswered);
    expect(proxy.hits).toBe(2);
  });

  it('should retry a query once after a reset connection and answer transparently', async () => {
    proxy.script = ['reset'];
    expect(await post(MIXED)).toEqual(mixedAnswered);
    expect(proxy.hits).toBe(2);
  });

  it('should not retry more than SUBGRAPH_RETRIES times', async () => {
    proxy.script = ['503', '503'];
    expect(await post(MIXED)).toEqual(calendarUnavailable);
    expect(proxy.hits).toBe(2);
    expect(await post(MIXED)).toEqual(mixedAnswered);
  });

  it('should never retry a mutation', async () => {
    proxy.script = ['503'];
    const body = await post('mutation { register(eventId: "e1") }');
    expect(body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE', service: 'calendar' } }),
    ]);
    expect(proxy.hits).toBe(1);
    expect(await post(MIXED)).toEqual(mixedAnswered);
  });

  it('should warn that a mutation whose connection broke may have been applied, and not retry it', async () => {
    // The subgraph may have committed before its connection went (a crash between commit and answer).
    proxy.script = ['reset'];
    const body = await post('mutation { register(eventId: "e1") }');
    expect(body.errors).toEqual([
      {
        message: 'The calendar service is unavailable. The change may have been applied.',
        path: ['register'],
        extensions: { code: 'SERVICE_UNAVAILABLE', service: 'calendar' },
      },
    ]);
    expect(proxy.hits).toBe(1);
  });

  it('should not retry a query that timed out', async () => {
    proxy.script = ['stall'];
    const body = await post(MIXED);
    expect(body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE', service: 'calendar' } }),
    ]);
    expect(proxy.hits).toBe(1);
    expect(await post(MIXED)).toEqual(mixedAnswered);
  });

  it('should fail fast while the subgraph is down, probe it after the open period and recover', async () => {
    proxy.otherwise = '503';
    // Each query is tried twice (one retry): two queries make BREAKER_FAILURES failed requests.
    expect(await post(MIXED)).toEqual(calendarUnavailable);
    expect(await post(MIXED)).toEqual(calendarUnavailable);
    expect(proxy.hits).toBe(BREAKER_FAILURES);
    expect(messagesLogged()).toContain('subgraph circuit breaker open');

    // Open: the other subgraph's fields still come back; nothing reaches the calendar.
    for (let i = 0; i < 3; i++) expect(await post(MIXED)).toEqual(calendarUnavailable);
    expect(proxy.hits).toBe(BREAKER_FAILURES);

    // Half-open: one probe, which fails (its retry is refused by the re-opened breaker).
    await new Promise((resolve) => setTimeout(resolve, BREAKER_OPEN_MS + 50));
    expect(await post(MIXED)).toEqual(calendarUnavailable);
    expect(proxy.hits).toBe(BREAKER_FAILURES + 1);
    expect(messagesLogged()).toContain('subgraph circuit breaker open again: the probe failed');
    expect(await post(MIXED)).toEqual(calendarUnavailable);
    expect(proxy.hits).toBe(BREAKER_FAILURES + 1);

    // The subgraph is back: the next probe succeeds and the breaker closes.
    proxy.otherwise = 'forward';
    await new Promise((resolve) => setTimeout(resolve, BREAKER_OPEN_MS + 50));
    expect(await post(MIXED)).toEqual(mixedAnswered);
    expect(await post(MIXED)).toEqual(mixedAnswered);
    expect(proxy.hits).toBe(BREAKER_FAILURES + 3);
    expect(messagesLogged()).toEqual(
      expect.arrayContaining(['subgraph circuit breaker half-open: probing', 'subgraph circuit breaker closed: the subgraph answers again']),
    );
  });
});
