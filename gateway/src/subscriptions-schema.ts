import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { type ExecutionRequest, type ExecutionResult, type Executor, getOperationASTFromRequest } from '@graphql-tools/utils';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { ErrorCode } from '@pdn/errors';
import { type Caller, REQUEST_ID_HEADER, signIdentity } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import { formatTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { type TracedSpan, type Tracing, TRACING_OFF } from '@pdn/logging/tracing';
import type { SubgraphEndpoint } from './supergraph.js';

/** The GraphQL context of one operation on a client's WebSocket connection. */
export interface SubscriptionContext {
  caller: Caller;
  requestId: string;
  connection: SubgraphConnections;
  /** The subscription's SERVER span: the subgraph stream and every event's entity fetches carry its trace. */
  span?: TracedSpan;
  /** Sends a `next` message whose payload is already serialised (shared-subscriptions/hub.ts). */
  sendNext?: (payloadJson: string) => void;
}

/** How often the gateway pings a subgraph over each of its WebSocket connections. */
const SUBGRAPH_KEEP_ALIVE_MS = 12_000;
const PROXY_SAYS_DOWN = new Set([502, 503, 504]);

export function unavailable(service: string, message = `The ${service} service is unavailable.`): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, service } });
}

/** `http://host:4003/graphql` → `ws://host:4003/graphql`. */
export function webSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * The subgraph WebSocket connections of one shared subscription (shared-subscriptions/hub.ts), signed
 * with the caller of the subscriber that started it: one per subgraph, opened when a
 * subscription needs it with the caller's identity, signed at that moment, in connection_init. graphql-ws
 * closes it once its last subscription ends (lazy), so an identity is never older than its connection:
 * subgraphs check the 300 s age when a connection opens, not for as long as it lasts.
 */
export class SubgraphConnections {
  private readonly clients = new Map<string, Client>();

  constructor(
    readonly caller: Caller,
    private readonly identitySigningKey: string,
    private readonly logger: Logger,
  ) {}

  clientFor(endpoint: SubgraphEndpoint): Client {
    let client = this.clients.get(endpoint.name);
    if (!client) {
      client = createClient({
        url: webSocketUrl(endpoint.url),
        webSocketImpl: WebSocket,
        lazy: true,
        // A broken subgraph leg ends the client's subscription with SERVICE_UNAVAILABLE, at once: the
        // client decides when to come back (with `since`, it loses nothing).
        retryAttempts: 0,
        keepAlive: SUBGRAPH_KEEP_ALIVE_MS,
        connectionParams: () => ({ ...signIdentity(this.caller, this.identitySigningKey) }),
        on: {
          closed: (event) => {
            const { code, reason } = event as { code?: number; reason?: string };
            if (code !== 1000) this.logger.debug({ subgraph: endpoint.name, code, reason }, 'subgraph WebSocket closed');
          },
        },
      });
      this.clients.set(endpoint.name, client);
    }
    return client;
  }

  async dispose(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map(async (client) => client.dispose()));
  }
}

/** A close event, an Error, or the GraphQL errors the subgraph refused the subscription with. */
function resultOfFailure(service: string, failure: unknown): ExecutionResult {
  if (Array.isArray(failure)) {
    return { errors: (failure as GraphQLFormattedError[]).map((e) => new GraphQLError(e.message, { extensions: e.extensions })) };
  }
  return { errors: [unavailable(service)] };
}

/**
 * The subgraph's event stream, as the stitched schema consumes it. Not an async generator: a
 * generator's return() waits for the pending next(), i.e. the next event, so a client that leaves
 * would keep the subgraph stream open until then. Here return() completes the subgraph operation at
 * once, and a stream that breaks (socket closed, subgraph stopped) yields one SERVICE_UNAVAILABLE
 * result and ends, instead of hanging or throwing something without a code.
 */
function guardedStream(service: string, source: AsyncIterableIterator<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  let finished = false;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      try {
        const step = await source.next();
        if (step.done) finished = true;
        return step;
      } catch (failure) {
        finished = true;
        return { done: false, value: resultOfFailure(service, failure) };
      }
    },
    async return() {
      finished = true;
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
}

function contextOf(request: ExecutionRequest | undefined): SubscriptionContext {
  const context = request?.context as Partial<SubscriptionContext> | undefined;
  if (!context?.caller || !context.connection || !context.requestId) {
    throw new Error('A subgraph request outside a WebSocket operation: no caller to sign.');
  }
  return context as SubscriptionContext;
}

/**
 * Node's fetch, with a deadline, reporting a subgraph that does not answer as SERVICE_UNAVAILABLE. Each
 * fetch (an event's entities) is a CLIENT span under the subscription's, whose position `traceparent` carries.
 */
function fetchWithDeadline({ name, url, timeoutMs }: SubgraphEndpoint, tracing: Tracing) {
  return async (input: string | URL | Request, init?: RequestInit, context?: unknown): Promise<Response> => {
    const parent = (context as Partial<SubscriptionContext> | undefined)?.span;
    const span = parent && tracing.startSpan(`graphql.fetch ${name}`, { kind: 'client', parent, attributes: { 'pdn.subgraph': name, 'http.request.method': 'POST', 'url.full': url } });
    const headers = new Headers(init?.headers);
    if (span) headers.set(TRACEPARENT_HEADER, formatTraceparent(span.trace));
    let response: Response;
    try {
      response = await fetch(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      span?.setAttributes({ 'pdn.outcome': 'unavailable', 'error.type': timedOut ? 'timeout' : 'unreachable' });
      span?.end({ error: timedOut ? 'timeout' : 'unreachable' });
      throw unavailable(name, timedOut ? `The ${name} service did not answer within ${timeoutMs} ms.` : undefined);
    }
    span?.setAttributes({ 'http.response.status_code': response.status });
    span?.end(response.ok ? {} : { error: `HTTP ${response.status}` });
    if (PROXY_SAYS_DOWN.has(response.status)) throw unavailable(name);
    return response;
  };
}

/**
 * The executor of one subgraph: subscriptions over graphql-ws on the client connection's socket to that
 * subgraph, everything else (the entity fetches that complete each event) over HTTP, signed like the
 * HTTP gateway's requests (subgraph-data-source.ts), so subgraphs see one kind of caller either way.
 */
function subgraphExecutor(endpoint: SubgraphEndpoint, identitySigningKey: string, tracing: Tracing): Executor {
  const http = buildHTTPExecutor({
    endpoint: endpoint.url,
    fetch: fetchWithDeadline(endpoint, tracing) as never,
    headers: (request) => {
      const { caller, requestId } = contextOf(request);
      return { ...signIdentity(caller, identitySigningKey), [REQUEST_ID_HEADER]: requestId };
    },
  });
  return (request: ExecutionRequest) => {
    const operation = request.operationType ?? getOperationASTFromRequest(request).operation;
    if (operation !== 'subscription') return http(request);
    const { connection, requestId, span } = contextOf(request);
    const client = connection.clientFor(endpoint);
    const source = client.iterate<Record<string, unknown>>({
      query: print(request.document),
      variables: request.variables,
      operationName: request.operationName,
      // The subgraph's context takes the request id (and logs the trace) from here, as from the HTTP headers.
      extensions: { [REQUEST_ID_HEADER]: requestId, ...(span ? { [TRACEPARENT_HEADER]: formatTraceparent(span.trace) } : {}) },
    });
    return guardedStream(endpoint.name, source as AsyncIterableIterator<ExecutionResult>);
  };
}

export interface SubscriptionSchemaOptions {
  supergraphSdl: string;
  subgraphs: SubgraphEndpoint[];
  identitySigningKey: string;
  tracing?: Tracing;
}

/**
 * An executable schema for the whole supergraph, built by @graphql-tools/federation from the same SDL
 * as @apollo/gateway: it plans each subscription event like a query, the root field from the owning
 * subgraph's stream and every other field by batched `_entities` fetches to the subgraphs that own
 * them, so `alertRaised { raisedBy { displayName } }` is resolved per event.
 */
export function buildSubscriptionSchema({ supergraphSdl, subgraphs, identitySigningKey, tracing = TRACING_OFF }: SubscriptionSchemaOptions): GraphQLSchema {
  return getStitchedSchemaFromSupergraphSdl({
    supergraphSdl,
    batch: true,
    onSubschemaConfig: (config) => {
      const endpoint =
        subgraphs.find((s) => s.name.toLowerCase() === config.name.toLowerCase()) ??
        ({ name: config.name.toLowerCase(), url: config.endpoint, timeoutMs: 5000 } satisfies SubgraphEndpoint);
      config.executor = subgraphExecutor(endpoint, identitySigningKey, tracing);
    },
  });
}
