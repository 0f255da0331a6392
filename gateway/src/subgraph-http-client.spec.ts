import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { SubgraphExchangeError, SubgraphHttpClient } from './subgraph-http-client.js';

let server: Server | undefined;
let client: SubgraphHttpClient | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer(handler);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, connections: () => connections };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
  });
}

afterEach(async () => {
  client?.close();
  client = undefined;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('SubgraphHttpClient', () => {
  it('should POST the body and headers, and reuse its connection for the next request', async () => {
    const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
    const { url, connections } = await serve((req, res) => {
      void readBody(req).then((body) => {
        received.push({ body, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=30' });
        res.end('{"data":{"ok":"été"}}');
      });
    });
    client = new SubgraphHttpClient({ url, timeoutMs: 2000 });
    const body = JSON.stringify({ query: '{ ok }', variables: { label: 'é' } });
    for (let i = 0; i < 2; i++) {
      expect(await client.post(body, { 'content-type': 'application/json', 'x-request-id': `r-${i}` })).toEqual({
        status: 200,
        contentType: 'application/json; charset=utf-8',
        cacheControl: 'max-age=30',
        body: '{"data":{"ok":"été"}}',
      });
    }
    expect(received.map((r) => [r.body, r.headers['x-request-id'], r.headers['content-length']])).toEqual([
      [body, 'r-0', String(Buffer.byteLength(body))],
      [body, 'r-1', String(Buffer.byteLength(body))],
    ]);
    expect(connections()).toBe(1);
  });

  it('should give up with a timeout on a subgraph that sends its headers and then stalls', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    client = new SubgraphHttpClient({ url, timeoutMs: 200 });
    const error = await client.post('{}', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubgraphExchangeError);
    expect(error).toMatchObject({ reason: 'timeout', name: 'TimeoutError' });
  });

  it('should say unreachable, with the system error as cause, when nobody listens', async () => {
    const { url } = await serve(() => {});
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    client = new SubgraphHttpClient({ url, timeoutMs: 2000 });
    const error = await client.post('{}', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unreachable', cause: expect.objectContaining({ code: 'ECONNREFUSED' }) });
  });

  it('should say unreachable when the subgraph cuts the connection in the middle of its answer', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    client = new SubgraphHttpClient({ url, timeoutMs: 2000 });
    await expect(client.post('{}', {})).rejects.toMatchObject({ reason: 'unreachable' });
  });
});
