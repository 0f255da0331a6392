import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type ExecutionResult,
  type FormattedExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  getOperationAST,
  parse,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { ErrorCode, formatGraphQLError } from '@pdn/errors';
import type { Caller } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import { gauge } from '@pdn/logging/metrics';
import { parseTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { type TracedSpan, type Tracing, TRACING_OFF } from '@pdn/logging/tracing';
import { watchApiKey } from './api-keys.js';
import type { Authenticate } from './authenticate.js';
import { admit, clientAddress, type RateLimiter, type RateLimitSubject, rateLimitedError } from './rate-limits/index.js';
import { type QueryProtection, subscribeRefusal } from './query-limits/query-protection.js';
import type { SessionRevocationCheck } from './session-revocations.js';
import type { ApiKeyGrant } from './subgraph-data-source.js';
import { PerViewerDetector, type PerViewerFields, SharedSubscriptions } from './shared-subscriptions/index.js';
import { buildSubscriptionSchema, SubgraphConnections, type SubscriptionContext } from './subscriptions-schema.js';
import type { SubgraphEndpoint } from './supergraph.js';

export interface SubscriptionServer {
  /** Closes every open subscription; called before the HTTP server drains. */
  dispose(): Promise<void>;
}

export interface SubscriptionDependencies {
  supergraphSdl: string;
  subgraphs: SubgraphEndpoint[];
  authenticate: Authenticate;
  identitySigningKey: string;
  logger: Logger;
  /** Concurrent subscriptions one connection may hold (MAX_SUBSCRIPTIONS_PER_CONNECTION). */
  maxSubscriptionsPerConnection?: number;
  /** The limits, safelist and introspection rule of HTTP operations, applied to subscribe messages. */
  protection?: QueryProtection;
  /** Connections and subscribe messages count against their caller's rate limit, as HTTP requests do. */
  rateLimits?: { limiter: RateLimiter; trustProxyHops: number };
  /** How often an open connection's API key is checked again (default one minute). */
  apiKeyRecheckMs?: number;
  /** A member's connection is closed once their session ends or their access narrows (session-revocations.ts). */
  sessionRevocations?: SessionRevocationCheck;
  /** Development: internal error messages and stacks reach the client. */
  exposeInternals?: boolean;
  /** Ping interval towards clients; a client that does not answer one within it is cut. */
  keepAliveMs?: number;
  /** Each subscription is a SERVER span (off when absent). */
  tracing?: Tracing;
  /**
   * The fields whose answer depends on which member asks (gateway/per-viewer-fields.json, see
   * shared-subscriptions/audience.ts). Absent or null: members share nothing with one another.
   */
  perViewerFields?: PerViewerFields;
  /** false: every client subscription runs its own upstream (SHARED_SUBSCRIPTIONS=false), as before sharing. */
  shareSubscriptions?: boolean;
}

export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
const GRAPHQL_PATH = '/graphql';

/** Close codes of a refused connection_init, in graphql-ws's 4xxx family (4403 is its "Forbidden"). */
export const CloseCodes = {
  UNAUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  /** The members service could not vouch for the token: try again later, as HTTP's 503. */
  TRY_AGAIN_LATER: 1013,
  /** Both an access token and an API key: ambiguous, as HTTP's 400. */
  BAD_REQUEST: 4400,
  /** The caller's rate limit is used up: the reason says when to come back, as HTTP's 429. */
  RATE_LIMITED: 4429,
  GOING_AWAY: 1001,
} as const;

type ConnectionExtra = {
  /** The API key's grant, when a partner key authenticated the connection (its safelist rule applies). */
  apiKey?: ApiKeyGrant;
  socket: WebSocket;
  request: IncomingMessage;
  connection?: SubgraphConnections;
  /** The rate limit counter of the connection's caller. */
  rateLimitSubject?: RateLimitSubject;
  /** A partner's connection: checks its key again (every subscribe message, and periodically). */
  recheckApiKey?: () => Promise<unknown>;
  stopWatchingApiKey?: () => void;
  /** A member's connection: stops waiting for the end of its session. */
  stopWatchingSession?: () => void;
  /** Ids of this connection's running subscriptions, for the per-connection limit. */
  active?: Set<string>;
  /** The span of each running subscription, ended when it completes. */
  spans?: Map<string, TracedSpan>;
};

type WsContext = Context<Record<string, unknown> | undefined, ConnectionExtra>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function closeCodeFor(error: unknown): number {
  const code = (error as GraphQLError | undefined)?.extensions?.code;
  if (code === ErrorCode.SERVICE_UNAVAILABLE) return CloseCodes.TRY_AGAIN_LATER;
  if (code === ErrorCode.FORBIDDEN) return CloseCodes.FORBIDDEN;
  if (code === ErrorCode.RATE_LIMITED) return CloseCodes.RATE_LIMITED;
  if (code === ErrorCode.BAD_USER_INPUT) return CloseCodes.BAD_REQUEST;
  return CloseCodes.UNAUTHENTICATED;
}

/** Ends a subscription's span, once. */
function endSpan(ctx: WsContext, id: string, outcome: { error?: string } = {}): void {
  const span = ctx.extra.spans?.get(id);
  if (!span) return;
  ctx.extra.spans!.delete(id);
  span.end(outcome);
}

/** A WebSocket close reason is at most 123 bytes. */
function closeReason(message: string): string {
  const buffer = Buffer.from(message);
  return buffer.length <= 123 ? message : `${buffer.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '')}…`;
}

function describeCaller(caller: Caller | undefined) {
  if (!caller) return undefined;
  if (caller.kind === 'member') return { kind: caller.kind, memberId: caller.memberId, role: caller.role };
  return { kind: caller.kind };
}

/**
 * graphql-ws on the gateway's HTTP server, at /graphql beside HTTP. Clients authenticate in
 * connection_init (`{ authorization: "Bearer <token>" }` or `{ apiKey: "<secret>" }`, the same checks
 * and rate limits as HTTP; no payload means anonymous). Subscriptions run on a schema
 * stitched from the supergraph (subscriptions-schema.ts), since @apollo/gateway cannot execute them.
 *
 * Queries and mutations are refused here: they go over HTTP, where the Apollo gateway gives them its
 * operation log, timeouts and partial results. One path for them keeps one behaviour to test.
 */
/** What every subscription server of the process holds now: read when /metrics is scraped. */
const liveServers = new Set<{ sockets: Set<unknown>; actives: Set<Set<string>>; shared: SharedSubscriptions }>();
gauge({
  name: 'pdn_gateway_websocket_connections',
  help: 'Open graphql-ws WebSocket connections',
  collect() {
    this.set([...liveServers].reduce((sum, server) => sum + server.sockets.size, 0));
  },
});
gauge({
  name: 'pdn_gateway_active_subscriptions',
  help: 'Subscriptions running over the gateway\'s WebSockets',
  collect() {
    let count = 0;
    for (const server of liveServers) for (const active of server.actives) count += active.size;
    this.set(count);
  },
});

gauge({
  name: 'pdn_gateway_shared_subscriptions',
  help: 'Upstream subscriptions running for the gateway\'s WebSocket subscriptions: one per (operation, variables, audience)',
  collect() {
    this.set([...liveServers].reduce((sum, server) => sum + server.shared.upstreams, 0));
  },
});

/**
 * Subscriptions shared per audience. A subscription's events depend on the operation, its variables
 * and who asks; of who asks, the subgraphs read the kind, role, status and départements of a member,
 * their memberId only for per-viewer fields (`@perViewer`, `@visibility(layer: "PRIVATE")`), and the
 * key of a partner application. Client subscriptions that agree on all of it (their audience, see
 * shared-subscriptions/audience.ts) are served by one hub: one execution on the stitched schema, so one
 * subgraph stream and one `_entities` fetch per event, whose results go to each of them. Everything
 * per connection stays per connection: authentication, rate limits, API key and session checks, the
 * subscription limit, one span and one log line per client subscription. The hub runs with the
 * identity of the subscriber that started it, which gives every other member of the group the same
 * answers since they differ in nothing the selected fields read; it stops when its last subscriber
 * leaves, and an upstream failure reaches each of them as it would have reached one.
 */
export function attachSubscriptionServer(httpServer: Server, deps: SubscriptionDependencies): SubscriptionServer {
  const { logger, identitySigningKey } = deps;
  const tracing = deps.tracing ?? TRACING_OFF;
  const maxSubscriptions = deps.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION;
  const log = logger.child({ component: 'subscriptions' });
  const schema = buildSubscriptionSchema(deps);
  const shared = new SharedSubscriptions({
    detector: new PerViewerDetector(schema, deps.perViewerFields ?? null),
    share: deps.shareSubscriptions ?? true,
    formatResult: (result) => formatResult(result),
    logger: log,
    // The hub's own subgraph connections, signed with its first subscriber's caller, closed when it stops.
    // The upstream carries that subscriber's request id and trace: the subgraph stream and the entity
    // fetches of every event are logged and traced under the subscription that started them.
    openUpstream: (args, caller) => {
      const connection = new SubgraphConnections(caller, identitySigningKey, log);
      return {
        contextValue: { ...(args.contextValue as SubscriptionContext), caller, connection } satisfies SubscriptionContext,
        dispose: () => connection.dispose(),
      };
    },
  });

  const format = (error: GraphQLError | GraphQLFormattedError): GraphQLFormattedError => {
    const formatted = error instanceof GraphQLError ? error.toJSON() : error;
    return formatGraphQLError(formatted, error, {
      exposeInternals: deps.exposeInternals ?? false,
      onInternalError: (internal) => log.error({ err: internal }, 'internal error in a subscription'),
    });
  };
  /** A result as a client gets it: graphql-ws's `next` payload, errors formatted. */
  const formatResult = (result: ExecutionResult | FormattedExecutionResult): FormattedExecutionResult => {
    const { errors, ...rest } = result;
    return errors?.length ? { ...rest, errors: errors.map(format) } : (rest as FormattedExecutionResult);
  };

  // A message larger than any caller's request limit closes the connection (1009) before it is parsed.
  const maxPayload = deps.protection && deps.protection.highestLimits.maxRequestBytes + 1024;
  const wss = new WebSocketServer({ noServer: true, ...(maxPayload ? { maxPayload } : {}) });
  const live = { sockets: wss.clients as Set<unknown>, actives: new Set<Set<string>>(), shared };
  liveServers.add(live);
  const server = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      subscribe: (args) => shared.subscribe(args, (args.contextValue as SubscriptionContext).caller),
      onConnect: async (ctx: WsContext) => {
        const params = ctx.connectionParams ?? {};
        const credentials = {
          authorization: text(params['authorization']) ?? text(params['Authorization']),
          apiKey: params['apiKey'] === undefined ? undefined : String(params['apiKey']),
        };
        let admission;
        try {
          const address = clientAddress(ctx.extra.request, deps.rateLimits?.trustProxyHops ?? 0);
          admission = await admit(deps.authenticate, deps.rateLimits?.limiter, credentials, address);
        } catch (error) {
          const message = (error as Error).message;
          log.info({ code: (error as GraphQLError).extensions?.code }, 'WebSocket connection refused');
          // Closed here, with a code saying why; returning false afterwards changes nothing.
          ctx.extra.socket.close(closeCodeFor(error), closeReason(message));
          return false;
        }
        const { caller, apiKey, subject } = admission;
        if (subject) ctx.extra.rateLimitSubject = subject;
        if (apiKey) {
          // Revoked or expired, the key stops the connection too, not only the next one.
          ctx.extra.apiKey = apiKey;
          const recheck = (ctx.extra.recheckApiKey = () => deps.authenticate({ apiKey: credentials.apiKey }));
          ctx.extra.stopWatchingApiKey = watchApiKey(
            recheck,
            (error) => ctx.extra.socket.close(CloseCodes.UNAUTHENTICATED, closeReason((error as Error).message)),
            deps.apiKeyRecheckMs ?? 60_000,
          );
        }
        if (caller.kind === 'member' && deps.sessionRevocations) {
          // The token's session ended (logout, erasure) or its member was suspended: the connection ends too.
          ctx.extra.stopWatchingSession = deps.sessionRevocations.watch(caller, (message) => {
            log.info({ caller: describeCaller(caller) }, 'WebSocket connection closed: its session has ended');
            ctx.extra.socket.close(CloseCodes.UNAUTHENTICATED, closeReason(message));
          });
        }
        ctx.extra.connection = new SubgraphConnections(caller, identitySigningKey, log);
        ctx.extra.active = new Set();
        live.actives.add(ctx.extra.active);
        return true;
      },
      onSubscribe: async (ctx: WsContext, id: string, payload: SubscribePayload) => {
        // Every subscribe message is a request of the connection's caller, whatever becomes of it.
        const subject = ctx.extra.rateLimitSubject;
        const decision = subject && (await deps.rateLimits?.limiter.consume(subject));
        if (decision && !decision.allowed) return [rateLimitedError(decision)];
        try {
          await ctx.extra.recheckApiKey?.();
        } catch (error) {
          if (closeCodeFor(error) === CloseCodes.UNAUTHENTICATED) {
            // After graphql-ws has sent this operation's error, which it does once this returns.
            setImmediate(() => ctx.extra.socket.close(CloseCodes.UNAUTHENTICATED, closeReason((error as Error).message)));
          }
          return [error as GraphQLError];
        }
        const refused =
          deps.protection &&
          subscribeRefusal(deps.protection, { caller: ctx.extra.connection!.caller, apiKey: ctx.extra.apiKey }, schema, payload);
        if (refused) return refused;
        let operation;
        try {
          operation = getOperationAST(parse(payload.query), payload.operationName);
        } catch {
          return undefined; // graphql-ws reports the syntax error itself
        }
        if (operation && operation.operation !== 'subscription') {
          return [
            new GraphQLError('Send queries and mutations over HTTP: this WebSocket endpoint serves subscriptions.', {
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            }),
          ];
        }
        const active = ctx.extra.active!;
        if (active.size >= maxSubscriptions) {
          return [
            new GraphQLError(`A connection may hold at most ${maxSubscriptions} subscriptions at once: close one first.`, {
              extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'subscriptionsPerConnection', max: maxSubscriptions },
            }),
          ];
        }
        active.add(id);
        return undefined;
      },
      context: (ctx: WsContext, id: string, payload: SubscribePayload): SubscriptionContext => {
        const requestId = randomUUID();
        const connection = ctx.extra.connection!;
        // Each subscription is a trace of its own, or a child of the upgrade request's `traceparent` when a client sent one.
        const operationName = payload.operationName ?? undefined;
        const span = tracing.startSpan(`graphql.subscription ${operationName && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operationName) ? operationName : 'anonymous'}`, {
          kind: 'server',
          parent: parseTraceparent(ctx.extra.request.headers[TRACEPARENT_HEADER]),
          attributes: { 'graphql.operation.type': 'subscription', ...(operationName ? { 'graphql.operation.name': operationName.slice(0, 100) } : {}), 'pdn.request_id': requestId },
        });
        // graphql-ws may reuse an id once its operation has completed: the previous span ends then.
        (ctx.extra.spans ??= new Map()).get(id)?.end();
        ctx.extra.spans.set(id, span);
        const { traceId, spanId } = span.trace;
        log.info({ requestId, traceId, spanId, operationName, caller: describeCaller(connection.caller), id }, 'subscription');
        // A shared event is serialised once for every subscriber of its hub: only its envelope is per subscription.
        const socket = ctx.extra.socket;
        const envelope = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
        const sendNext = (payloadJson: string) => {
          if (socket.readyState === socket.OPEN) socket.send(`${envelope}${payloadJson}}`);
        };
        return { caller: connection.caller, requestId, connection, span, sendNext };
      },
      onNext: (_ctx: WsContext, _id: string, _payload: SubscribePayload, _args: unknown, result: ExecutionResult | FormattedExecutionResult) =>
        result.errors?.length ? { ...result, errors: result.errors.map(format) } : undefined,
      onError: (ctx: WsContext, id: string, _payload: SubscribePayload, errors: readonly GraphQLError[]) => {
        ctx.extra.active?.delete(id);
        const formatted = errors.map(format);
        endSpan(ctx, id, { error: formatted.map((error) => String(error.extensions?.['code'] ?? 'UNKNOWN')).join(', ') });
        return formatted;
      },
      onComplete: (ctx: WsContext, id: string) => {
        ctx.extra.active?.delete(id);
        endSpan(ctx, id);
      },
      onClose: (ctx: WsContext) => {
        for (const id of [...(ctx.extra.spans?.keys() ?? [])]) endSpan(ctx, id);
        ctx.extra.stopWatchingApiKey?.();
        ctx.extra.stopWatchingSession?.();
        if (ctx.extra.active) live.actives.delete(ctx.extra.active);
        // graphql-ws has returned every running operation's iterator, which left their hubs (the hubs own
        // the subgraph sockets); this connection's own holds none, disposed for good measure.
        void ctx.extra.connection?.dispose();
      },
    },
    wss,
    deps.keepAliveMs,
  );

  // graphql-ws prints a stack trace to stderr for any error of the WebSocket server or of a socket,
  // although ws has already closed the socket (1007 invalid UTF-8, 1009 too large, 1002 bad frame): a
  // client's mistake is one warning line in the logs instead.
  wss.removeAllListeners('error');
  wss.on('error', (error: Error) => log.error({ err: error }, 'WebSocket server error'));
  const onSocketError = (ws: WebSocket) => (error: Error & { code?: string }) => {
    log.warn({ code: error.code, reason: error.message }, 'WebSocket closed on a client error');
    if (ws.readyState === ws.OPEN) ws.close(1011, 'Internal server error');
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== GRAPHQL_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      wss.emit('connection', ws, request);
      // graphql-ws has just added its own 'error' listener (console.error): replaced by the logger's.
      ws.removeAllListeners('error');
      ws.on('error', onSocketError(ws));
    });
  };
  httpServer.on('upgrade', onUpgrade);

  let disposing: Promise<void> | undefined;
  return {
    dispose: () =>
      (disposing ??= (async () => {
        httpServer.off('upgrade', onUpgrade);
        // graphql-ws's dispose closes every client with 1001 Going Away, then the WebSocket server.
        await server.dispose();
        liveServers.delete(live);
      })()),
  };
}
