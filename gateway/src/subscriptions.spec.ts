import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import { type Client, createClient, type ExecutionResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { exportSPKI, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import { WebSocket, WebSocketServer } from 'ws';
import { type Caller, IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, verifyIdentity } from '@pdn/identity';
import { composeTestSupergraph, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
const MAX_SUBSCRIPTIONS = 3;

// A feed-like subgraph that serves its subscription over graphql-ws only (as the Nest subgraphs do on
// /graphql), with an entity field owned by the members test subgraph.
const feedTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { alertCount: Int }
  type Subscription { alertRaised(severity: String): Alert! }
  type Alert @key(fields: "id") {
    id: ID!
    title: String!
    severity: String!
    "Who the feed subgraph believes is subscribed: proves the identity travelled in connection_init."
    viewer: String!
    raisedBy: Member!
    notified: [Member!]!
  }
  type Member @key(fields: "id", resolvable: false) { id: ID! }
`);

interface AlertEvent {
  id: string;
  title: string;
  severity: string;
  raisedBy: string;
  notified: string[];
}

/** The feed's in-process pub/sub: `open` counts the streams still open in the subgraph. */
class AlertChannel {
  private readonly listeners = new Set<(event: AlertEvent) => void>();
  get open() {
    return this.listeners.size;
  }
  publish(event: AlertEvent) {
    for (const listener of this.listeners) listener(event);
  }
  iterator(): AsyncIterableIterator<AlertEvent> {
    const queue: AlertEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const listener = (event: AlertEvent) => {
      queue.push(event);
      wake?.();
    };
    this.listeners.add(listener);
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: async () => {
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        return done ? { done: true, value: undefined } : { done: false, value: queue.shift()! };
      },
      return: async () => {
        done = true;
        this.listeners.delete(listener);
        wake?.();
        return { done: true, value: undefined };
      },
    };
  }
}

interface FeedContext {
  caller: Caller;
  requestId?: string;
}

class WsFeedSubgraph {
  readonly name = 'feed';
  readonly typeDefs = feedTypeDefs;
  readonly channel = new AlertChannel();
  readonly connections: Caller[] = [];
  readonly requestIds: string[] = [];
  private server?: Server;
  private wss?: WebSocketServer;
  private port = 0;

  get url() {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  async start() {
    const resolvers: GraphQLResolverMap<FeedContext> = {
      Query: { alertCount: () => 0 },
      Subscription: {
        alertRaised: {
          subscribe: (_: unknown, { severity }: { severity?: string }) => filtered(severity),
          resolve: (event: AlertEvent) => event,
        } as never,
      },
      Alert: {
        viewer: (_: unknown, __: unknown, { caller }: FeedContext) => (caller.kind === 'member' ? caller.memberId : caller.kind),
        raisedBy: (event: AlertEvent) => ({ id: event.raisedBy }),
        notified: (event: AlertEvent) => event.notified.map((id) => ({ id })),
      },
    };
    const channel = this.channel;
    // Not an async generator over the channel: its return() must reach the channel at once.
    const filtered = (severity?: string): AsyncIterable<AlertEvent> => {
      const source = channel.iterator();
      return {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            for (;;) {
              const step = await source.next();
              if (step.done || !severity || step.value.severity === severity) return step;
            }
          },
          return: () => source.return!(),
        }),
      };
    };
    const schema = buildSubgraphSchema([{ typeDefs: feedTypeDefs, resolvers: resolvers as never }]);
    const server = createServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({ server, path: '/graphql' });
    useServer<Record<string, unknown> | undefined, { caller?: Caller }>(
      {
        schema,
        onConnect: (ctx) => {
          const params = ctx.connectionParams ?? {};
          const result = verifyIdentity(params[IDENTITY_HEADER] as string, params[IDENTITY_SIGNATURE_HEADER] as string, SIGNING_KEY);
          if (!result.ok) return false;
          ctx.extra.caller = result.caller;
          this.connections.push(result.caller);
          return true;
        },
        context: (ctx, _id, payload) => {
          const requestId = payload.extensions?.['x-request-id'] as string | undefined;
          if (requestId) this.requestIds.push(requestId);
          return { caller: ctx.extra.caller!, requestId };
        },
      },
      wss,
    );
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
  }

  /** As a crashed process: sockets cut, no close handshake. */
  async crash() {
    for (const socket of this.wss?.clients ?? []) socket.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

let members: TestSubgraph;
let calendar: TestSubgraph;
let feed: WsFeedSubgraph;
let gateway: RunningGateway;
let tokenKey: CryptoKey;
let tokenPair: { publicKey: CryptoKey; privateKey: CryptoKey } | undefined;
const clients: Client[] = [];

const wsUrl = () => gateway.url.replace(/^http/, 'ws');

function signToken(claims: Record<string, unknown>, subject = 'm-42') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(subject)
    .setIssuer('pdn-members')
    .setAudience('pdn-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(tokenKey);
}

function connect(connectionParams?: Record<string, unknown>) {
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: wsUrl(),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: { closed: (event) => onClosed(event as { code: number; reason: string }) },
  });
  clients.push(client);
  return { client, closed };
}

type AlertResult = ExecutionResult<{ alertRaised: Record<string, unknown> }, Record<string, unknown>>;

async function waitFor(condition: () => boolean, what: string) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

function identityOf(headers: Record<string, unknown>): Caller {
  const result = verifyIdentity(headers[IDENTITY_HEADER] as string, headers[IDENTITY_SIGNATURE_HEADER] as string, SIGNING_KEY);
  if (!result.ok) throw new Error(result.reason);
  return result.caller;
}

const event = (id: string, severity = 'CRITICAL'): AlertEvent => ({
  id,
  title: `Alert ${id}`,
  severity,
  raisedBy: 'm-7',
  notified: ['m-1', 'm-2', 'm-3'],
});

const ALERT_QUERY = 'subscription Alerts($severity: String) { alertRaised(severity: $severity) { id title viewer raisedBy { displayName } notified { id displayName } } }';

async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  // One token key for every gateway of the file: tokens signed for one are good for the others.
  tokenPair ??= await generateKeyPair('EdDSA', { extractable: true });
  tokenKey = tokenPair.privateKey;
  const config = loadGatewayConfig({
    ...testGatewayEnv(SIGNING_KEY, members, calendar),
    FEED_URL: feed.url,
    JWT_PUBLIC_KEY: await exportSPKI(tokenPair.publicKey),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: String(MAX_SUBSCRIPTIONS),
    ...env,
  });
  const supergraphSdl = composeTestSupergraph([members, feed as unknown as TestSubgraph]);
  // `viewer` answers with the subscriber's memberId: per-viewer, as `@perViewer` fields are in the real subgraphs.
  return createGateway(config, { supergraphSdl, perViewerFields: { Alert: ['viewer'] } });
}

beforeAll(async () => {
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  feed = new WsFeedSubgraph();
  await feed.start();
  gateway = await startGateway();
});

afterAll(async () => {
  await Promise.all(clients.map(async (c) => c.dispose()));
  await gateway?.stop();
  await feed?.crash();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

beforeEach(async () => {
  await waitFor(() => feed.channel.open === 0, 'streams of earlier tests to close');
});

describe('subscriptions through the gateway', () => {
  it('resolves the fields of other subgraphs for every event, one batched entity fetch per event', async () => {
    const token = await signToken({ role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] });
    const { client } = connect({ authorization: `Bearer ${token}` });
    const iterator = client.iterate({ query: ALERT_QUERY })[Symbol.asyncIterator]() as AsyncIterator<AlertResult>;
    const first = iterator.next();
    await waitFor(() => feed.channel.open === 1, 'the subgraph stream');
    const before = members.received.length;
    feed.channel.publish(event('a1'));
    expect((await first).value).toEqual({
      data: {
        alertRaised: {
          id: 'a1',
          title: 'Alert a1',
          viewer: 'm-42',
          raisedBy: { displayName: 'Member m-7' },
          notified: [
            { id: 'm-1', displayName: 'Member m-1' },
            { id: 'm-2', displayName: 'Member m-2' },
            { id: 'm-3', displayName: 'Member m-3' },
          ],
        },
      },
    });
    // raisedBy and the three notified members in one `_entities` request.
    expect(members.received.length - before).toBe(1);
    // The entity fetch carries the subscriber, signed, and the operation's request id, which the feed
    // subgraph also received with the subscribe message.
    const request = members.lastRequest();
    expect(identityOf(request.headers)).toMatchObject({ kind: 'member', memberId: 'm-42', role: 'PROMENEUR' });
    expect(feed.requestIds).toContain(request.headers['x-request-id']);
    expect(feed.connections.at(-1)).toMatchObject({ kind: 'member', memberId: 'm-42' });

    const second = iterator.next();
    feed.channel.publish(event('a2'));
    expect(((await second).value as AlertResult).data?.alertRaised).toMatchObject({ id: 'a2', raisedBy: { displayName: 'Member m-7' } });
    expect(members.received.length - before).toBe(2);
    await iterator.return?.();
  });

  it('passes arguments to the subgraph, which filters the events', async () => {
    const { client } = connect();
    const iterator = client.iterate({ query: ALERT_QUERY, variables: { severity: 'INFO' } })[Symbol.asyncIterator]() as AsyncIterator<AlertResult>;
    const first = iterator.next();
    await waitFor(() => feed.channel.open === 1, 'the subgraph stream');
    feed.channel.publish(event('skipped', 'CRITICAL'));
    feed.channel.publish(event('kept', 'INFO'));
    expect(((await first).value as AlertResult).data?.alertRaised).toMatchObject({ id: 'kept', viewer: 'anonymous' });
    await iterator.return?.();
  });

  it('treats a connection without payload as anonymous, all the way to the subgraph', async () => {
    const { client } = connect();
    const iterator = client.iterate({ query: 'subscription { alertRaised { viewer } }' })[Symbol.asyncIterator]();
    const first = iterator.next();
    await waitFor(() => feed.channel.open === 1, 'the subgraph stream');
    feed.channel.publish(event('a3'));
    expect((await first).value).toEqual({ data: { alertRaised: { viewer: 'anonymous' } } });
    expect(feed.connections.at(-1)).toEqual({ kind: 'anonymous' });
    await iterator.return?.();
  });

  it('refuses an invalid token and API keys with 4401', async () => {
    for (const params of [{ authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }, { apiKey: 'pk_123' }]) {
      const { closed } = connect(params);
      const { code, reason } = await closed;
      expect(code).toBe(4401);
      expect(reason.length).toBeGreaterThan(0);
    }
  });

  it('refuses queries and mutations: they go over HTTP', async () => {
    const { client } = connect();
    await expect(client.iterate({ query: '{ alertCount }' }).next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }),
    ]);
  });

  it(`limits a connection to ${MAX_SUBSCRIPTIONS} concurrent subscriptions, and frees a slot when one ends`, async () => {
    const { client } = connect();
    // Distinct operations, so that each has its own subgraph stream to count (identical ones share it).
    const open = Array.from({ length: MAX_SUBSCRIPTIONS }, (_, i) => client.iterate({ query: ALERT_QUERY.replace('Alerts', `Alerts${i}`) })[Symbol.asyncIterator]());
    const pending = open.map((iterator) => iterator.next());
    await waitFor(() => feed.channel.open === MAX_SUBSCRIPTIONS, 'the subgraph streams');
    const refused = client.iterate({ query: ALERT_QUERY });
    await expect(refused.next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'subscriptionsPerConnection', max: MAX_SUBSCRIPTIONS } }),
    ]);
    await open[0]!.return!();
    await waitFor(() => feed.channel.open === MAX_SUBSCRIPTIONS - 1, 'the first stream to close');
    const again = client.iterate({ query: ALERT_QUERY })[Symbol.asyncIterator]();
    const next = again.next();
    await waitFor(() => feed.channel.open === MAX_SUBSCRIPTIONS, 'the new stream');
    feed.channel.publish(event('a4'));
    expect(((await next).value as AlertResult).data?.alertRaised).toMatchObject({ id: 'a4' });
    await Promise.all(pending.slice(1));
    await Promise.all([...open.slice(1), again].map((iterator) => iterator.return!()));
  });

  it('closes the subgraph stream when the client completes or disconnects', async () => {
    const { client } = connect();
    client.iterate({ query: ALERT_QUERY })[Symbol.asyncIterator]().next().catch(() => {});
    client.iterate({ query: ALERT_QUERY.replace('Alerts', 'OtherAlerts') })[Symbol.asyncIterator]().next().catch(() => {});
    await waitFor(() => feed.channel.open === 2, 'the subgraph streams');
    await client.dispose();
    await waitFor(() => feed.channel.open === 0, 'the subgraph streams to close');
  });

  it('ends the subscription with SERVICE_UNAVAILABLE when the subgraph goes away, then serves again once it is back', async () => {
    const { client } = connect();
    const iterator = client.iterate({ query: ALERT_QUERY })[Symbol.asyncIterator]() as AsyncIterator<AlertResult>;
    const first = iterator.next();
    await waitFor(() => feed.channel.open === 1, 'the subgraph stream');
    await feed.crash();
    const result = (await first).value as AlertResult;
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['alertRaised'],
        extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'feed' }),
      }),
    ]);
    expect((await iterator.next()).done).toBe(true);
    // the same connection subscribes again once the subgraph is back
    await feed.start();
    const again = client.iterate({ query: 'subscription { alertRaised { id } }' })[Symbol.asyncIterator]();
    const next = again.next();
    await waitFor(() => feed.channel.open === 1, 'the new subgraph stream');
    feed.channel.publish(event('a5'));
    expect((await next).value).toEqual({ data: { alertRaised: { id: 'a5' } } });
    await again.return!();
  });

  it('reports the fields of a subgraph that is down as SERVICE_UNAVAILABLE at their path, and the subscription goes on', async () => {
    const { client } = connect();
    const iterator = client.iterate({ query: 'subscription { alertRaised { id raisedBy { displayName } } }' })[Symbol.asyncIterator]() as AsyncIterator<AlertResult>;
    const first = iterator.next();
    await waitFor(() => feed.channel.open === 1, 'the subgraph stream');
    await members.stop();
    try {
      feed.channel.publish(event('a6'));
      expect((await first).value).toEqual({
        data: null,
        errors: [
          {
            message: 'The members service is unavailable.',
            path: ['alertRaised', 'raisedBy', 'displayName'],
            extensions: { code: 'SERVICE_UNAVAILABLE', service: 'members' },
          },
        ],
      });
    } finally {
      await members.start();
    }
    const second = iterator.next();
    feed.channel.publish(event('a7'));
    expect((await second).value).toEqual({ data: { alertRaised: { id: 'a7', raisedBy: { displayName: 'Member m-7' } } } });
    await iterator.return?.();
  });

  describe('shared per audience', () => {
    const SHARED_QUERY = 'subscription Shared { alertRaised { id title raisedBy { displayName } } }';
    const metricsUrl = () => gateway.url.replace(/\/graphql$/, '/metrics');
    async function sharedUpstreams(): Promise<number> {
      const text = await (await fetch(metricsUrl())).text();
      const line = text.split('\n').find((l) => l.startsWith('pdn_gateway_shared_subscriptions '));
      return Number(line?.split(' ')[1]);
    }
    async function member(subject: string, claims: Record<string, unknown> = {}) {
      const token = await signToken({ role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'], ...claims }, subject);
      return connect({ authorization: `Bearer ${token}` }).client;
    }
    const subscribe = (client: Client, query = SHARED_QUERY) => client.iterate({ query })[Symbol.asyncIterator]() as AsyncIterator<AlertResult>;

    it('serves the members of one audience from one subgraph stream and one entity fetch per event', async () => {
      const subscribers = await Promise.all(['m-1', 'm-2', 'm-3'].map(async (id) => subscribe(await member(id))));
      const firsts = subscribers.map((iterator) => iterator.next());
      await waitFor(() => feed.channel.open === 1 && feed.connections.length > 0, 'the shared subgraph stream');
      // Give the later subscribers the time to subscribe: they must join the same stream.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(feed.channel.open).toBe(1);
      expect(await sharedUpstreams()).toBe(1);
      const before = members.received.length;
      feed.channel.publish(event('s1'));
      for (const first of firsts) {
        expect((await first).value).toEqual({ data: { alertRaised: { id: 's1', title: 'Alert s1', raisedBy: { displayName: 'Member m-7' } } } });
      }
      expect(members.received.length - before).toBe(1);
      await Promise.all(subscribers.map((iterator) => iterator.return!()));
      await waitFor(() => feed.channel.open === 0, 'the shared stream to stop with its last subscriber');
    });

    it('does not share between départements, roles or kinds of caller', async () => {
      const clients = [
        await member('m-1'),
        await member('m-2', { departments: ['31'] }),
        await member('m-3', { departments: ['32', '31'] }),
        await member('m-4', { role: 'COORDINATOR' }),
        await member('m-5', { status: 'CANDIDATE' }),
        connect().client,
      ];
      const subscribers = clients.map((client) => subscribe(client));
      const firsts = subscribers.map((iterator) => iterator.next());
      await waitFor(() => feed.channel.open === clients.length, 'one subgraph stream per audience');
      expect(await sharedUpstreams()).toBe(clients.length);
      const before = members.received.length;
      feed.channel.publish(event('s2'));
      for (const first of firsts) expect(((await first).value as AlertResult).data?.alertRaised).toMatchObject({ id: 's2' });
      expect(members.received.length - before).toBe(clients.length);
      // A member's own identity reached the subgraph for each audience.
      expect(feed.connections.slice(-clients.length).map((caller) => (caller.kind === 'member' ? caller.memberId : caller.kind)).sort()).toEqual(
        ['anonymous', 'm-1', 'm-2', 'm-3', 'm-4', 'm-5'],
      );
      await Promise.all(subscribers.map((iterator) => iterator.return!()));
    });

    it('gives each member their own stream when the operation selects a per-viewer field, through fragments too', async () => {
      const query = 'subscription Mine { alertRaised { id ...Who } } fragment Who on Alert { viewer }';
      const subscribers = [subscribe(await member('m-1'), query), subscribe(await member('m-2'), query)];
      const firsts = subscribers.map((iterator) => iterator.next());
      await waitFor(() => feed.channel.open === 2, 'one subgraph stream per member');
      feed.channel.publish(event('s3'));
      expect(((await firsts[0]!).value as AlertResult).data?.alertRaised).toEqual({ id: 's3', viewer: 'm-1' });
      expect(((await firsts[1]!).value as AlertResult).data?.alertRaised).toEqual({ id: 's3', viewer: 'm-2' });
      await Promise.all(subscribers.map((iterator) => iterator.return!()));
    });

    it('keeps serving the others when one subscriber leaves, and stops the stream with the last', async () => {
      const first = await member('m-1');
      const second = await member('m-2');
      const leaving = subscribe(first);
      const staying = subscribe(second);
      const pendingLeaving = leaving.next();
      let next = staying.next();
      await waitFor(() => feed.channel.open === 1, 'the shared stream');
      feed.channel.publish(event('s4'));
      expect(((await pendingLeaving).value as AlertResult).data?.alertRaised).toMatchObject({ id: 's4' });
      expect(((await next).value as AlertResult).data?.alertRaised).toMatchObject({ id: 's4' });
      // The subscriber that started the stream leaves, with its whole connection.
      await first.dispose();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(feed.channel.open).toBe(1);
      next = staying.next();
      feed.channel.publish(event('s5'));
      expect(((await next).value as AlertResult).data?.alertRaised).toMatchObject({ id: 's5' });
      await staying.return!();
      await waitFor(() => feed.channel.open === 0, 'the stream to stop with its last subscriber');
      expect(await sharedUpstreams()).toBe(0);
    });

    it('shares nothing with SHARED_SUBSCRIPTIONS=false', async () => {
      const unshared = await startGateway({ SHARED_SUBSCRIPTIONS: 'false' });
      const shared = gateway;
      gateway = unshared;
      try {
        const subscribers = [subscribe(await member('m-1')), subscribe(await member('m-2'))];
        const firsts = subscribers.map((iterator) => iterator.next());
        await waitFor(() => feed.channel.open === 2, 'one subgraph stream per subscription');
        feed.channel.publish(event('s6'));
        for (const first of firsts) expect(((await first).value as AlertResult).data?.alertRaised).toMatchObject({ id: 's6' });
        await Promise.all(subscribers.map((iterator) => iterator.return!()));
      } finally {
        gateway = shared;
        await unshared.stop();
      }
    });

    it('ends every subscriber of a shared stream with SERVICE_UNAVAILABLE when the subgraph goes away', async () => {
      const subscribers = [subscribe(await member('m-1')), subscribe(await member('m-2')), subscribe(await member('m-3'))];
      const firsts = subscribers.map((iterator) => iterator.next());
      await waitFor(() => feed.channel.open === 1, 'the shared stream');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await feed.crash();
      try {
        for (const [i, first] of firsts.entries()) {
          const result = (await first).value as AlertResult;
          expect(result.data).toBeNull();
          expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'feed' }) })]);
          expect((await subscribers[i]!.next()).done).toBe(true);
        }
        expect(await sharedUpstreams()).toBe(0);
      } finally {
        await feed.start();
      }
    });
  });

  it('closes client connections with 1001 when the gateway stops', async () => {
    const { client, closed } = connect();
    client.iterate({ query: ALERT_QUERY })[Symbol.asyncIterator]().next().catch(() => {});
    await waitFor(() => feed.channel.open === 1, 'the subgraph stream');
    await gateway.stop();
    expect((await closed).code).toBe(1001);
    await waitFor(() => feed.channel.open === 0, 'the subgraph stream to close');
  });
});
