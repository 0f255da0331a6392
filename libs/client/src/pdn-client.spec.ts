import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PdnClient, PdnClientError } from './pdn-client.js';

const Hello = parse('query Hello($name: String!) { hello(name: $name) }') as TypedDocumentNode<
  { hello: string },
  { name: string }
>;
const Ping = parse('query Ping { ping }') as TypedDocumentNode<{ ping: boolean }, { [key: string]: never }>;

interface Received {
  headers: IncomingHttpHeaders;
  body: { query: string; operationName?: string; variables?: Record<string, unknown> };
}

describe('PdnClient', () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];
  // What the server answers next: status, content type and raw body.
  let answer: { status: number; type: string; body: string };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body: JSON.parse(raw) as Received['body'] });
        response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const json = (status: number, body: unknown) => {
    answer = { status, type: 'application/graphql-response+json', body: JSON.stringify(body) };
  };

  it('should post the operation with its name and variables and return the typed data', async () => {
    json(200, { data: { hello: 'Isabelle' } });

    const result = await new PdnClient(url).request(Hello, { name: 'Isabelle' });

    const hello: string | undefined = result.data?.hello;
    expect(hello).toBe('Isabelle');
    expect(result.status).toBe(200);
    expect(received.at(-1)?.body).toEqual({
      query: expect.stringContaining('hello(name: $name)'),
      operationName: 'Hello',
      variables: { name: 'Isabelle' },
    });
  });

  it('should let an operation without variables be called without them', async () => {
    json(200, { data: { ping: true } });

    const result = await new PdnClient(url).request(Ping);

    expect(result.data).toEqual({ ping: true });
  });

  it('should send the member token or the api key as the contract says', async () => {
    json(200, { data: { ping: true } });
    const client = new PdnClient(url, { apiKey: 'partner-secret' });

    await client.request(Ping);
    expect(received.at(-1)?.headers['x-api-key']).toBe('partner-secret');
    expect(received.at(-1)?.headers.authorization).toBeUndefined();

    await client.withToken('access-token').request(Ping);
    expect(received.at(-1)?.headers.authorization).toBe('Bearer access-token');
  });

  it('should return GraphQL errors, even with an HTTP error status, instead of throwing', async () => {
    json(400, { errors: [{ message: 'Variable "$name" is required', extensions: { code: 'BAD_USER_INPUT' } }] });

    const result = await new PdnClient(url).request(Hello, { name: '' });

    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('should throw when the answer is not JSON', async () => {
    answer = { status: 502, type: 'text/html', body: '<html>Bad gateway</html>' };

    const request = new PdnClient(url).request(Ping);

    await expect(request).rejects.toBeInstanceOf(PdnClientError);
    await expect(new PdnClient(url).request(Ping)).rejects.toThrow(/HTTP 502 .*not JSON/);
  });

  it('should throw when the JSON is not a GraphQL response', async () => {
    json(200, { hello: 'there' });

    await expect(new PdnClient(url).request(Ping)).rejects.toThrow(/not a GraphQL response/);
  });
});

// Compile-time checks: required variables may not be left out, and must have the right types.
export async function typeChecks(client: PdnClient): Promise<void> {
  // @ts-expect-error the name is required
  await client.request(Hello);
  // @ts-expect-error the name is a string
  await client.request(Hello, { name: 1 });
}
