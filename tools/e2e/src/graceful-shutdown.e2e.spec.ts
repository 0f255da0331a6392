import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { GatewayProcess } from './gateway-process.js';
import { startSystem, type RunningSystem } from './system.js';

// SIGTERM as an orchestrator sends it: the gateway and a subgraph, each a built process of its own,
// stop accepting, answer every request they had accepted, and exit with 0.

const EVENTS = 'query ShutdownEvents { events(first: 5) { totalCount } }';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether a TCP connection to the port is refused (nobody listens any more). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * An HTTP proxy in front of a subgraph that can hold requests: it sends a request's headers with
 * `Expect: 100-continue` and, once the subgraph has accepted it (its `100 Continue`), keeps the body
 * until `release()`. A held request is thus accepted by both the gateway and the subgraph.
 */
class HoldingProxy {
  private release_: () => void = () => {};
  private released = Promise.resolve();
  held = 0;
  url = '';
  private readonly server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.forward(req, Buffer.concat(chunks), res));
  });
  private constructor(private readonly upstream: URL) {}

  static async start(target: string): Promise<HoldingProxy> {
    const proxy = new HoldingProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.server.address() as { port: number };
    proxy.url = `http://127.0.0.1:${port}${proxy.upstream.pathname}`;
    return proxy;
  }

  /** From now on, requests are held (and counted) until `release()`. */
  hold(): void {
    this.held = 0;
    this.released = new Promise((resolve) => (this.release_ = resolve));
  }

  release(): void {
    this.release_();
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const { upstream } = this;
    const { host: _host, connection: _connection, 'content-length': _length, ...headers } = req.headers;
    const outgoing = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      path: req.url,
      method: req.method,
      agent: false,
      headers: { ...headers, 'content-length': String(body.length), expect: '100-continue' },
    });
    outgoing.on('continue', () => {
      this.held += 1;
      void this.released.then(() => outgoing.end(body));
    });
    outgoing.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    outgoing.on('error', () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    outgoing.flushHeaders();
  }

  close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function post(url: string, query = EVENTS): Promise<{ status: number; body: { data?: unknown; errors?: { extensions?: { code?: string } }[] } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

type Closed = { code: number; reason: string; refusedBefore: boolean };

/**
 * A graphql-ws client, connected and acknowledged, and how its connection ends: with its code, reason,
 * and whether the gateway was already refusing new connections by then.
 */
async function openSubscriptionsClient(url: string, port: number): Promise<{ closed: Promise<Closed> }> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<Closed>((resolve) =>
    socket.once('close', (code: number, reason: Buffer) => {
      void refused(port).then((refusedBefore) => resolve({ code, reason: reason.toString(), refusedBefore }));
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve();
    });
    void closed.then(({ code }) => reject(new Error(`closed with ${code} before connection_ack`)));
  });
  return { closed };
}

describe('graceful shutdown (SIGTERM)', () => {
  let system: RunningSystem;
  const proxies: HoldingProxy[] = [];
  const gateways: GatewayProcess[] = [];

  async function proxyTo(target: string): Promise<HoldingProxy> {
    const proxy = await HoldingProxy.start(target);
    proxies.push(proxy);
    return proxy;
  }

  async function gatewayWith(calendarUrl: string): Promise<GatewayProcess> {
    // The held requests are identical: without this they would share one calendar fetch, and these tests count them there.
    const gateway = await GatewayProcess.start({ members: system.members.url, calendar: calendarUrl, feed: system.feed.url }, { SUBGRAPH_DEDUPLICATION: 'false' });
    gateways.push(gateway);
    return gateway;
  }

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.dispose()));
    await Promise.all(proxies.map((p) => p.close()));
    await system?.close();
  });

  it('should let the gateway refuse new connections, answer every accepted request, close WebSockets with 1001 and exit with 0', async () => {
    const calendar = await proxyTo(system.calendar.url);
    const gateway = await gatewayWith(calendar.url);
    // Served before anything is held: the path works end to end.
    expect(await post(gateway.url)).toMatchObject({ status: 200, body: { data: { events: { totalCount: expect.any(Number) } } } });
    const subscriber = await openSubscriptionsClient(gateway.url, gateway.port);

    calendar.hold();
    const inFlight = Array.from({ length: 5 }, () => post(gateway.url));
    // Every request has reached the calendar subgraph: the gateway has accepted all of them.
    await until(() => calendar.held === 5, 'the five requests to reach the calendar subgraph');
    gateway.terminate();

    await until(() => refused(gateway.port), 'the gateway to refuse new connections');
    // Going Away, so that clients reconnect elsewhere; sent once no new connection can reach this gateway.
    expect(await subscriber.closed).toEqual({ code: 1001, reason: expect.stringMatching(/.+/), refusedBefore: true });
    calendar.release();

    for (const answer of await Promise.all(inFlight)) {
      expect(answer).toEqual({ status: 200, body: { data: { events: { totalCount: expect.any(Number) } } } });
    }
    expect(await gateway.exited).toBe(0);
  });

  it('should let a subgraph answer the requests it had accepted, the gateway report it unavailable afterwards, and exit with 0', async () => {
    const calendar = await proxyTo(system.calendar.url);
    const gateway = await gatewayWith(calendar.url);
    expect(await post(gateway.url)).toMatchObject({ status: 200, body: { data: { events: { totalCount: expect.any(Number) } } } });

    calendar.hold();
    const inFlight = Array.from({ length: 3 }, () => post(gateway.url));
    // Held after the calendar subgraph's `100 Continue`: it has accepted them, their bodies are still to come.
    await until(() => calendar.held === 3, 'the three requests to be accepted by the calendar subgraph');
    const stopped = system.calendar.stop();
    await until(() => refused(system.calendar.port), 'the calendar subgraph to refuse new connections');

    // Sent after the signal: the calendar is unavailable, which the gateway says as such.
    const late = await post(gateway.url);
    expect(late.status).toBe(200);
    expect(late.body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);

    calendar.release();
    for (const answer of await Promise.all(inFlight)) {
      expect(answer).toEqual({ status: 200, body: { data: { events: { totalCount: expect.any(Number) } } } });
    }
    expect(await stopped).toBe(0);

    gateway.terminate();
    expect(await gateway.exited).toBe(0);
  });
});
