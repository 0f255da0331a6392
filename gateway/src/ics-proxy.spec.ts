import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { composeTestSupergraph, startTestSubgraphs, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const CALENDAR_TIMEOUT_MS = 1500;
const FEED = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A tiny HTTP server standing in for the calendar subgraph's /ics routes. */
class FakeCalendar {
  readonly received: Received[] = [];
  private readonly server: Server;
  private releaseStream?: () => void;

  constructor() {
    this.server = createServer((req, res) => this.answer(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  /** Lets the streamed answer finish. */
  finishStream(): void {
    this.releaseStream?.();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.received.push({ method: req.method!, url: req.url!, headers: req.headers });
    const path = req.url!.split('?')[0];
    if (path === '/ics/events.ics') {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', 'cache-control': 'public, max-age=600' }).end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/calendar; charset=utf-8',
        'content-length': String(Buffer.byteLength(FEED)),
        'cache-control': 'public, max-age=600',
        etag: '"v1"',
        'last-modified': 'Fri, 20 Mar 2026 12:00:00 GMT',
        'x-internal-host': 'calendar-7f9c',
        'set-cookie': 'session=should-not-pass',
      });
      res.end(req.method === 'HEAD' ? undefined : FEED);
      return;
    }
    if (path === '/ics/members/streamed.ics') {
      // The first part now, the rest only once the test has received the first part: a proxy that
      // buffered the whole answer would never deliver it.
      res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' });
      res.write('BEGIN:VCALENDAR\r\n');
      this.releaseStream = () => res.end('END:VCALENDAR\r\n');
      return;
    }
    if (path === '/ics/members/silent.ics') return; // never answers
    if (path === '/ics/members/broken.ics') {
      res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', 'content-length': '1000' });
      res.write('BEGIN:VCALENDAR\r\n');
      setImmediate(() => res.destroy());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Not found.\n');
  }
}

/** A raw request: fetch would normalise `..` in the path before sending it. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('GET /ics/* through the gateway', () => {
  let members: TestSubgraph;
  let calendarSubgraph: TestSubgraph;
  let calendar: FakeCalendar;
  let gateway: RunningGateway;
  let origin: string;
  const logLines: Record<string, unknown>[] = [];

  async function startGateway(calendarUrl: string): Promise<RunningGateway> {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadGatewayConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      GATEWAY_PORT: '0',
      IDENTITY_SIGNING_KEY: SIGNING_KEY,
      MEMBERS_URL: members.url,
      CALENDAR_URL: calendarUrl,
      CALENDAR_TIMEOUT_MS: String(CALENDAR_TIMEOUT_MS),
    });
    return createGateway(config, { supergraphSdl: composeTestSupergraph([members, calendarSubgraph]), logger: pino({ level: 'info' }, stream) });
  }

  beforeAll(async () => {
    ({ members, calendar: calendarSubgraph } = await startTestSubgraphs(SIGNING_KEY));
    calendar = new FakeCalendar();
    await calendar.start();
    gateway = await startGateway(calendar.url);
    origin = new URL(gateway.url).origin;
  });

  afterAll(async () => {
    calendar?.finishStream();
    await gateway?.stop();
    await calendar?.stop();
    await Promise.all([members?.dispose(), calendarSubgraph?.dispose()]);
  });

  it('should forward to the same path and query on the calendar origin, with the request id and conditional headers', async () => {
    const response = await fetch(`${origin}/ics/events.ics?department=32&kind=WORKSHOP`, {
      headers: { 'x-request-id': 'feed-req-1', authorization: 'Bearer secret', cookie: 'a=b', 'if-modified-since': 'Fri, 20 Mar 2026 11:00:00 GMT' },
    });
    expect(response.status).toBe(200);
    const received = calendar.received.at(-1)!;
    expect(received).toMatchObject({ method: 'GET', url: '/ics/events.ics?department=32&kind=WORKSHOP' });
    expect(received.headers['x-request-id']).toBe('feed-req-1');
    expect(received.headers['if-modified-since']).toBe('Fri, 20 Mar 2026 11:00:00 GMT');
    expect(received.headers.authorization).toBeUndefined();
    expect(received.headers.cookie).toBeUndefined();
  });

  it("should pass the calendar's status, body and content headers, and nothing about its internals", async () => {
    const response = await fetch(`${origin}/ics/events.ics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(FEED);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(response.headers.get('last-modified')).toBe('Fri, 20 Mar 2026 12:00:00 GMT');
    expect(response.headers.get('x-internal-host')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('should pass a 304 and a 404 as they are', async () => {
    const notModified = await fetch(`${origin}/ics/events.ics`, { headers: { 'if-none-match': '"v1"' } });
    expect(notModified.status).toBe(304);
    expect(calendar.received.at(-1)!.headers['if-none-match']).toBe('"v1"');
    const missing = await fetch(`${origin}/ics/members/unknown.ics`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('Not found.\n');
  });

  it('should answer HEAD with the headers only', async () => {
    const response = await fetch(`${origin}/ics/events.ics`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(calendar.received.at(-1)!.method).toBe('HEAD');
  });

  it('should stream the answer rather than wait for all of it', async () => {
    const response = await fetch(`${origin}/ics/members/streamed.ics`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('BEGIN:VCALENDAR\r\n');
    calendar.finishStream();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('END:VCALENDAR\r\n');
  });

  it('should cut the answer when the calendar breaks off in the middle, so the client sees it incomplete', async () => {
    await expect(fetch(`${origin}/ics/members/broken.ics`).then((r) => r.text())).rejects.toThrow();
  });

  it('should refuse other methods and paths that leave /ics/', async () => {
    const post = await fetch(`${origin}/ics/events.ics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const count = calendar.received.length;
    for (const path of ['/ics/../graphql', '/ics/%2e%2e/readyz', '/ics/%2E%2E/graphql']) {
      expect(await rawGet(gateway.url, path)).toEqual({ status: 404, body: expect.stringMatching(/Not found/) });
    }
    expect(calendar.received.length).toBe(count);
  });

  it('should answer 503 in plain text when the calendar does not answer in time', async () => {
    const response = await fetch(`${origin}/ics/members/silent.ics`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('The calendar service is unavailable; try again later.\n');
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'calendar unavailable for a feed', reason: 'timeout', feed: 'member' }));
  });

  it('should answer 503 in plain text when the calendar is down', async () => {
    const down = new FakeCalendar();
    await down.start();
    const url = down.url;
    await down.stop();
    const other = await startGateway(url);
    try {
      const response = await fetch(`${new URL(other.url).origin}/ics/events.ics`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('30');
      expect(await response.text()).toBe('The calendar service is unavailable; try again later.\n');
    } finally {
      await other.stop();
    }
  });

  it("should never log a private feed's path, which holds its secret", async () => {
    await fetch(`${origin}/ics/members/unknown.ics`);
    const logged = JSON.stringify(logLines);
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'calendar feed', feed: 'member', status: 404 }));
    expect(logged).not.toContain('unknown.ics');
    expect(logged).not.toContain('silent.ics');
  });
});
