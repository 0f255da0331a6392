// Two small but real subgraphs (Apollo Server + buildSubgraphSchema over HTTP) for the gateway's tests:
// `members` owns Query.me and the Member entity, `calendar` adds fields to Member and owns Query.events.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { type CryptoKey, SignJWT } from 'jose';
import { pino, type Logger } from 'pino';
import { type DocumentNode, GraphQLError, parse } from 'graphql';
import type { JSONWebKeySet } from 'jose';
import { ErrorCode } from '@pdn/errors';
import { type Caller } from '@pdn/identity';
import { callerOf, requireSignedIdentity } from '@pdn/identity/nest';

interface SubgraphContext {
  caller: Caller;
}

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

export const membersTypeDefs = parse(`
  ${FEDERATION}
  type Query {
    me: Member
    member(id: ID!): Member
    members(ids: [ID!]!): [Member!]!
  }
  type Mutation {
    touch: Boolean
  }
  type Member @key(fields: "id") {
    id: ID!
    displayName: String!
  }
`);

export const calendarTypeDefs = parse(`
  ${FEDERATION}
  type Query {
    events: [Event!]
  }
  type Mutation {
    register(eventId: ID!): Boolean
  }
  type Event {
    id: ID!
    title: String!
  }
  type Member @key(fields: "id") {
    id: ID!
    upcomingEvents: [Event!]
    "Throws an error without a contract code, with a message that must not reach clients."
    brokenField: String
    "Throws RATE_LIMITED with retryAfterSeconds."
    busyField: String
    "Throws BAD_USER_INPUT with a field."
    pickyField: String
  }
`);

const events = [{ id: 'e1', title: 'Regroupement départemental' }];

const membersResolvers: GraphQLResolverMap<SubgraphContext> = {
  Query: {
    me: (_: unknown, __: unknown, { caller }: SubgraphContext) =>
      caller.kind === 'member' ? { id: caller.memberId, displayName: `Member ${caller.memberId}` } : null,
    member: (_: unknown, { id }: { id: string }) => ({ id, displayName: `Member ${id}` }),
    members: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id, displayName: `Member ${id}` })),
  },
  Mutation: { touch: () => true },
  Member: {
    __resolveReference: ({ id }: { id: string }) => ({ id, displayName: `Member ${id}` }),
  },
};

const calendarResolvers: GraphQLResolverMap<SubgraphContext> = {
  Query: { events: () => events },
  Mutation: { register: () => true },
  Member: {
    __resolveReference: ({ id }: { id: string }) => ({ id }),
    upcomingEvents: () => events,
    brokenField: () => {
      throw new Error('SELECT secret FROM calendar.events failed: connection reset');
    },
    busyField: () => {
      throw new GraphQLError('Too many requests.', {
        extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds: 30 },
      });
    },
    pickyField: () => {
      throw new GraphQLError('The date is not valid.', {
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'input.date' },
      });
    },
  },
};

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
}

export class TestSubgraph {
  readonly received: ReceivedRequest[] = [];
  /** Every GraphQL request waits this long before being answered. */
  delayMs = 0;
  /** Served at /.well-known/jwks.json when set (the members subgraph publishes its token keys). */
  jwks?: JSONWebKeySet;
  private server?: Server;
  private port = 0;
  private readonly apollo: ApolloServer<SubgraphContext>;

  constructor(
    readonly name: string,
    readonly typeDefs: DocumentNode,
    resolvers: GraphQLResolverMap<SubgraphContext>,
    private readonly signingKey: string,
  ) {
    this.apollo = new ApolloServer<SubgraphContext>({
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      // As a subgraph in development would: the gateway must not pass these stacks on.
      includeStacktraceInErrorResponses: true,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    if (this.port === 0) await this.apollo.start();
    const app = express();
    app.get('/readyz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/.well-known/jwks.json', (_req, res) => {
      if (this.jwks) res.json(this.jwks);
      else res.status(404).end();
    });
    app.use(
      '/graphql',
      (req, _res, next) => {
        this.received.push({ headers: req.headers });
        next();
      },
      requireSignedIdentity(this.signingKey),
      async (_req, _res, next) => {
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        next();
      },
      express.json(),
      expressMiddleware(this.apollo, { context: async ({ req }) => ({ caller: callerOf(req) }) }),
    );
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts open connections, as a crashed process would. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async dispose(): Promise<void> {
    await this.stop();
    await this.apollo.stop();
  }

  lastRequest(): ReceivedRequest {
    const last = this.received.at(-1);
    if (!last) throw new Error(`${this.name} received no request`);
    return last;
  }
}

export async function startTestSubgraphs(signingKey: string) {
  const members = new TestSubgraph('members', membersTypeDefs, membersResolvers, signingKey);
  const calendar = new TestSubgraph('calendar', calendarTypeDefs, calendarResolvers, signingKey);
  await Promise.all([members.start(), calendar.start()]);
  return { members, calendar };
}

/**
 * Composes the subgraphs as tools/compose does. The URLs written in the supergraph are deliberately
 * wrong: the gateway must take the real ones from its configuration.
 */
export function composeTestSupergraph(subgraphs: TestSubgraph[]): string {
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, typeDefs: s.typeDefs, url: `http://127.0.0.1:9/${s.name}` })),
  );
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

/**
 * A test gateway's environment: quiet, on any free port, signing identities with the test key, in front
 * of the test subgraphs. Spread it first, then add or override what the test is about.
 */
export function testGatewayEnv(signingKey: string, members: { url: string }, calendar: { url: string }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_PORT: '0',
    IDENTITY_SIGNING_KEY: signingKey,
    MEMBERS_URL: members.url,
    CALENDAR_URL: calendar.url,
  };
}

/** A pino logger whose JSON lines are pushed to `lines`, for specs that check what the gateway logs. */
export function loggerInto(lines: Record<string, unknown>[], level: 'info' | 'debug' = 'info'): Logger {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level }, stream);
}

/** An access token of an ACTIVE promeneur of the Gers, as the members subgraph signs them (EdDSA, 5 minutes). */
export function signPromeneurToken(key: CryptoKey, memberId: string): Promise<string> {
  return new SignJWT({ role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(memberId)
    .setIssuer('pdn-members')
    .setAudience('pdn-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}
