import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, parse, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { EventsDocument, LiveAlertRaisedDocument, PdnClient, type PdnResult } from '@pdn/client';
import { signInAdmin } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

// Protection against hostile queries on the real system: the safelist of libs/client for a
// persistedOnly partner key (created through the API), automatic persisted queries with PdnClient,
// and the same limits on graphql-ws subscribe messages as on HTTP.

const CreateApiKey = parse(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { secret key { id persistedOnly } }
  }
`) as TypedDocumentNode<{ createApiKey: { secret: string; key: { id: string; persistedOnly: boolean } } }, { input: object }>;

// Not an operation of libs/client: what an arbitrary query from a partner looks like.
const EventTitles = parse('query EventTitles { events(first: 5) { edges { node { id title } } } }') as TypedDocumentNode<
  { events: { edges: { node: { id: string; title: string } }[] } },
  Record<string, never>
>;

function ok<T>(result: PdnResult<T>, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** The errors that end a subscription (graphql-ws sends them instead of starting it). */
function subscribeErrors(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<readonly GraphQLFormattedError[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) resolve(result.errors);
        },
        error: (error) => (Array.isArray(error) ? resolve(error as GraphQLFormattedError[]) : reject(error as Error)),
        complete: () => resolve([]),
      },
    );
  });
}

describe('query protection on the running system', () => {
  let system: RunningSystem;
  let admin: PdnClient;
  let persistedOnlySecret: string;
  const sockets: Client[] = [];

  const connect = (connectionParams?: Record<string, string>) => {
    const client = createClient({ url: system.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
    sockets.push(client);
    return client;
  };

  beforeAll(async () => {
    system = await startSystem();
    admin = await signInAdmin(system);
    const created = ok(
      await admin.request(CreateApiKey, {
        input: { name: 'Site de la CAF du Gers', scopes: ['CALENDAR_READ', 'ALERTS_READ'], departments: ['32'], persistedOnly: true },
      }),
      'createApiKey',
    );
    expect(created.createApiKey.key.persistedOnly).toBe(true);
    persistedOnlySecret = created.createApiKey.secret;
  });

  afterAll(async () => {
    await Promise.all(sockets.map(async (socket) => socket.dispose()));
    await system?.close();
  });

  describe('a persistedOnly key', () => {
    it('should run the operations of libs/client, by text or by hash alone', async () => {
      const partner = system.anonymous.withApiKey(persistedOnlySecret);
      expect(ok(await partner.request(EventsDocument, { first: 5 }), 'Events').events.edges).toEqual(expect.any(Array));

      const sent: { query?: string }[] = [];
      const byHash = new PdnClient(system.gatewayUrl, {
        apiKey: persistedOnlySecret,
        persistedQueries: true,
        fetch: async (input, init) => {
          sent.push(JSON.parse(String(init?.body)) as { query?: string });
          return fetch(input, init);
        },
      });
      expect(ok(await byHash.request(EventsDocument, { first: 5 }), 'Events by hash').events.edges).toEqual(expect.any(Array));
      expect(sent).toEqual([expect.not.objectContaining({ query: expect.anything() })]);
    });

    it('should be refused any other operation with FORBIDDEN', async () => {
      const result = await system.anonymous.withApiKey(persistedOnlySecret).request(EventTitles);
      expect(result.status).toBe(403);
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      // The same text, registered through APQ first, is no better.
      const apq = new PdnClient(system.gatewayUrl, { apiKey: persistedOnlySecret, persistedQueries: true });
      expect((await apq.request(EventTitles)).errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    });

    it('should subscribe only with the operations of libs/client', async () => {
      const socket = connect({ apiKey: persistedOnlySecret });
      const other = await subscribeErrors(socket, 'subscription { alertRaised { id title } }');
      expect(other.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      // The client's own subscription starts: no error comes back before it is closed.
      let errors: readonly GraphQLFormattedError[] | undefined;
      const stop = socket.subscribe({ query: print(LiveAlertRaisedDocument), variables: {} }, {
        next: (result) => (errors = result.errors),
        error: (error) => (errors = error as GraphQLFormattedError[]),
        complete: () => {},
      });
      // A refusal would arrive as fast as the one above did.
      await subscribeErrors(socket, 'subscription { alertRaised { id } }');
      expect(errors).toBeUndefined();
      stop();
    });
  });

  it('should answer an anonymous operation over its limits with QUERY_TOO_COMPLEX and no data', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: __typename`).join(' ');
    const result = await system.anonymous.request(parse(`query Aliases { ${aliases} }`) as TypedDocumentNode<unknown, Record<string, never>>);
    expect(result.status).toBe(400);
    expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 10, found: 11 } })]);
  });

  it('should register an operation through APQ once and run it by hash afterwards', async () => {
    const sent: { query?: string }[] = [];
    const client = new PdnClient(system.gatewayUrl, {
      persistedQueries: true,
      fetch: async (input, init) => {
        sent.push(JSON.parse(String(init?.body)) as { query?: string });
        return fetch(input, init);
      },
    });
    const first = await client.request(EventTitles);
    expect(first.errors).toBeUndefined();
    expect((await client.request(EventTitles)).data).toEqual(first.data);
    expect(sent.map((body) => body.query !== undefined)).toEqual([false, true, false]);
  });

  it('should apply the limits to subscribe messages', async () => {
    const socket = connect();
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: id`).join(' ');
    const errors = await subscribeErrors(socket, `subscription { alertRaised { ${aliases} } }`);
    expect(errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 10, found: 11 } })]);
  });
});
