import { randomUUID } from 'node:crypto';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { type DocumentNode, GraphQLError, Kind, parse } from 'graphql';
import { ANONYMOUS, type Caller, REQUEST_ID_HEADER } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import { counter, histogram, LATENCY_BUCKETS, secondsSince } from '@pdn/logging/metrics';
import { formatTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { type TracedSpan, type Tracing, TRACING_OFF } from '@pdn/logging/tracing';
import type { SubgraphEndpoint } from './supergraph.js';
import { missingFieldPaths, serviceUnavailableErrors } from './unavailable-errors.js';
import { CircuitBreaker, DEFAULT_SUBGRAPH_RESILIENCE, retryDelayMs, type SubgraphResilienceSettings } from './circuit-breaker.js';
import { InflightRequests } from './inflight-requests.js';
import { canonicalCaller, SignedIdentities } from './signed-identities.js';
import { type SubgraphExchange, SubgraphExchangeError, SubgraphHttpClient } from './subgraph-http-client.js';

/** The GraphQL context of a gateway operation: what every subgraph request must carry. */
export interface GatewayContext {
  caller: Caller;
  requestId: string;
  /** Set when a partner application authenticated with an API key (the caller is then `partner`). */
  apiKey?: ApiKeyGrant;
}

/** What the gateway itself needs to know about a verified partner API key, beyond the caller. */
export interface ApiKeyGrant {
  id: string;
  /** The key may run only the operations of the safelist (libs/client's persisted-operations manifest). */
  persistedOnly: boolean;
  /** Requests per minute for this key; null: the gateway's default for keys. */
  rateLimitPerMinute: number | null;
}

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** The subgraph gave no usable answer: connection refused or reset, timed out, or a proxy said so. */
export class SubgraphUnavailableError extends Error {
  constructor(
    readonly service: string,
    /** `circuit-open`: not even tried, the subgraph's circuit breaker is open (circuit-breaker.ts). */
    readonly reason: 'timeout' | 'unreachable' | 'bad-gateway' | 'circuit-open',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SubgraphUnavailableError';
  }
}

/** Any other non-2xx answer: a gateway or subgraph bug, reported to the client as an internal error. */
export class SubgraphHttpError extends GraphQLError {
  constructor(
    readonly service: string,
    readonly status: number,
  ) {
    super(
      `Subgraph "${service}" answered HTTP ${status}` +
        (status === 401 ? ' (is IDENTITY_SIGNING_KEY the same in the gateway and the subgraph?)' : ''),
    );
    this.name = 'SubgraphHttpError';
  }
}

/** Every fetch from a subgraph: `ok`, `errors` (GraphQL errors in the answer), `unavailable`, `failed` (HTTP error). */
const subgraphFetchDuration = histogram({
  name: 'pdn_gateway_subgraph_fetch_duration_seconds',
  help: 'Duration of the gateway\'s requests to a subgraph, by subgraph and outcome',
  labelNames: ['subgraph', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

/** Fetches that joined an identical one already in flight (same subgraph, query, variables and caller) instead of sending their own. */
const deduplicatedFetches = counter({
  name: 'pdn_gateway_subgraph_fetches_deduplicated_total',
  help: 'Subgraph fetches answered by an identical fetch already in flight (queries only), by subgraph',
  labelNames: ['subgraph'] as const,
});

const PROXY_SAYS_DOWN = new Set([502, 503, 504]);

/** What a fetch's operation is, by its text: the fetches of cached query plans repeat the same few texts. */
interface SubgraphOperation {
  document: DocumentNode | undefined;
  kind: 'query' | 'mutation' | 'subscription' | undefined;
}
const MAX_KNOWN_OPERATIONS = 2000;
const knownOperations = new Map<string, SubgraphOperation>();

function operationOf(query: string, given: DocumentNode | undefined): SubgraphOperation {
  const known = knownOperations.get(query);
  if (known) return known;
  const document = documentOf(given, query);
  const definition = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation: SubgraphOperation = {
    document,
    kind: definition?.kind === Kind.OPERATION_DEFINITION ? definition.operation : undefined,
  };
  if (knownOperations.size >= MAX_KNOWN_OPERATIONS) knownOperations.clear();
  knownOperations.set(query, operation);
  return operation;
}

/** The subgraph's Cache-Control, applied to the operation's cache policy as Apollo's data source does. */
function restrictCachePolicy(options: GraphQLDataSourceProcessOptions<GatewayContext>, cacheControl: string | undefined): void {
  if (!('incomingRequestContext' in options)) return;
  const policy = options.incomingRequestContext.overallCachePolicy;
  if (!policy || !('restrict' in policy)) return;
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  for (const directive of (cacheControl ?? '').split(',')) {
    const [name = '', value] = directive.trim().toLowerCase().split('=');
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  policy.restrict(hint);
}

export interface SubgraphDataSourceOptions {
  endpoint: SubgraphEndpoint;
  identitySigningKey: string;
  logger: Logger;
  /** Retries and circuit breaker (circuit-breaker.ts); the defaults when absent. */
  resilience?: SubgraphResilienceSettings;
  /** One CLIENT span per fetch, under the operation's span (@pdn/logging/tracing); off when absent. */
  tracing?: Tracing;
  /** Signed identity headers, shared by the gateway's data sources; one of its own when absent. */
  identities?: SignedIdentities;
  /** Identical queries in flight at once share one request (SUBGRAPH_DEDUPLICATION); on when absent. */
  deduplicate?: boolean;
}

/** A fetch as it goes out, whatever its attempt. */
interface PreparedFetch {
  body: string;
  headers: Record<string, string>;
  /** Set for queries when deduplication is on: who may share this fetch. */
  sharingKey?: string;
}

/**
 * Every request to a subgraph carries the caller, signed, and the request id; a subgraph that does not
 * answer costs the client only the fields it owns (partial data with SERVICE_UNAVAILABLE errors), never
 * the whole operation.
 *
 * Apollo's `process` is replaced: one keep-alive HTTP client per subgraph, the body read once, and
 * identical queries in flight at the same time (same subgraph, operation, variables and caller) sent
 * once, each waiter parsing the answer for itself (Apollo merges into the objects it gets).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly endpoint: SubgraphEndpoint;
  private readonly logger: Logger;
  private readonly retries: number;
  private readonly breaker: CircuitBreaker;
  private readonly tracing: Tracing;
  private readonly identities: SignedIdentities;
  private readonly client: SubgraphHttpClient;
  private readonly inflight: InflightRequests<SubgraphExchange> | undefined;

  constructor({
    endpoint,
    identitySigningKey,
    logger,
    resilience = DEFAULT_SUBGRAPH_RESILIENCE,
    tracing = TRACING_OFF,
    identities,
    deduplicate = true,
  }: SubgraphDataSourceOptions) {
    super({ url: endpoint.url });
    this.endpoint = endpoint;
    this.logger = logger;
    this.retries = resilience.retries;
    this.breaker = new CircuitBreaker({
      name: endpoint.name,
      failureThreshold: resilience.breakerFailures,
      openMs: resilience.breakerOpenMs,
      logger,
    });
    this.tracing = tracing;
    this.identities = identities ?? new SignedIdentities(identitySigningKey);
    this.client = new SubgraphHttpClient({ url: endpoint.url, timeoutMs: endpoint.timeoutMs });
    this.inflight = deduplicate ? new InflightRequests<SubgraphExchange>() : undefined;
  }

  /** Closes the pooled connections to the subgraph. */
  close(): void {
    this.client.close();
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const startedAt = process.hrtime.bigint();
    const observe = (outcome: string) => subgraphFetchDuration.observe({ subgraph: this.endpoint.name, outcome }, secondsSince(startedAt));
    const context = options.context as Partial<GatewayContext>;
    const requestId = context.requestId;
    const { query, variables, operationName, extensions } = options.request;
    if (!query) throw new Error('Missing query');
    const operation = operationOf(query, 'document' in options ? options.document : undefined);
    const document = operation.document;
    // Only queries are retried: a mutation whose connection broke may have been applied.
    const retries = operation.kind === 'query' ? this.retries : 0;
    const prepared = this.prepare(options, { query, variables, operationName, extensions }, operation.kind === 'query');
    // Schema loading and health checks belong to no operation: they are not traced.
    const operationSpan = context.operationSpan;
    for (let attempt = 0; ; attempt++) {
      if (!this.breaker.tryAcquire()) {
        observe('circuit-open');
        const name = this.endpoint.name;
        return this.unavailable(options, document, new SubgraphUnavailableError(name, 'circuit-open', `The ${name} service is unavailable.`));
      }
      const span = operationSpan && this.startFetchSpan(operationSpan, attempt);
      try {
        const response = await this.fetchOnce(options, prepared, span);
        this.breaker.succeeded();
        const outcome = response.errors?.length ? 'errors' : 'ok';
        observe(outcome);
        span?.setAttributes({ 'pdn.outcome': outcome, 'http.response.status_code': 200 });
        span?.end();
        return response;
      } catch (error) {
        if (!(error instanceof SubgraphUnavailableError)) {
          // The subgraph answered, if badly: it is up.
          this.breaker.succeeded();
          observe('failed');
          span?.setAttributes({ 'pdn.outcome': 'failed', ...(error instanceof SubgraphHttpError ? { 'http.response.status_code': error.status } : {}) });
          span?.end({ error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
        this.breaker.failed();
        span?.setAttributes({ 'pdn.outcome': 'unavailable', 'error.type': error.reason });
        span?.end({ error: error.message });
        // A timeout is not retried: the client would wait twice as long.
        if (attempt < retries && error.reason !== 'timeout') {
          this.logger.debug(
            { requestId, subgraph: error.service, reason: error.reason, detail: detailOf(error.cause), attempt: attempt + 1 },
            'retrying subgraph fetch',
          );
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt + 1)));
          continue;
        }
        observe('unavailable');
        this.logger.warn(
          { requestId, subgraph: error.service, reason: error.reason, detail: detailOf(error.cause) },
          'subgraph unavailable',
        );
        return this.unavailable(options, document, error);
      }
    }
  }

  /** The body and headers every attempt sends: the caller, signed, and the request id. */
  private prepare(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    payload: { query: string; variables?: unknown; operationName?: string; extensions?: unknown },
    isQuery: boolean,
  ): PreparedFetch {
    const context = options.context as Partial<GatewayContext>;
    // Schema loading and health checks run outside any client request: they go out as anonymous.
    const caller: Caller = context.caller ?? ANONYMOUS;
    const headers: Record<string, string> = {};
    // Headers Apollo asked for (e.g. its trace inclusion), then ours, which win.
    if (options.request.http?.headers) for (const [name, value] of options.request.http.headers) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    Object.assign(headers, this.identities.headersFor(caller));
    headers[REQUEST_ID_HEADER] = context.requestId ?? randomUUID();
    const body = JSON.stringify(payload);
    return {
      body,
      headers,
      ...(isQuery && this.inflight ? { sharingKey: `${canonicalCaller(caller)}\n${headers['apollo-federation-include-trace'] ?? ''}\n${body}` } : {}),
    };
  }

  /** One attempt: an HTTP exchange of its own, or a share of an identical one in flight. */
  private async fetchOnce(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    prepared: PreparedFetch,
    span: TracedSpan | undefined,
  ): Promise<SubgraphResponse> {
    const name = this.endpoint.name;
    // The subgraph's span becomes a child of this fetch's span.
    const headers = span ? { ...prepared.headers, [TRACEPARENT_HEADER]: formatTraceparent(span.trace) } : prepared.headers;
    let exchange: SubgraphExchange;
    try {
      if (prepared.sharingKey && this.inflight) {
        const { result, shared } = this.inflight.run(prepared.sharingKey, () => this.client.post(prepared.body, headers));
        if (shared) {
          deduplicatedFetches.inc({ subgraph: name });
          span?.setAttributes({ 'pdn.deduplicated': true });
        }
        exchange = await result;
      } else {
        exchange = await this.client.post(prepared.body, headers);
      }
    } catch (error) {
      const timedOut = error instanceof SubgraphExchangeError && error.reason === 'timeout';
      throw new SubgraphUnavailableError(
        name,
        timedOut ? 'timeout' : 'unreachable',
        timedOut ? `The ${name} service did not answer within ${this.endpoint.timeoutMs} ms.` : `The ${name} service is unavailable.`,
        { cause: error },
      );
    }
    const { status } = exchange;
    if (PROXY_SAYS_DOWN.has(status)) throw new SubgraphUnavailableError(name, 'bad-gateway', `The ${name} service is unavailable.`);
    // Apollo's default would copy the subgraph's body into the client error and turn a 401 into the
    // client's UNAUTHENTICATED, although the client's credentials are not what the subgraph refused.
    if (status < 200 || status > 299) throw new SubgraphHttpError(name, status);
    const contentType = exchange.contentType ?? '';
    if (!contentType.startsWith('application/json') && !contentType.startsWith('application/graphql-response+json')) {
      throw new Error(`Expected JSON response body, but received: ${exchange.body}`);
    }
    // Parsed for each waiter: Apollo merges entities into the objects it is given.
    const body = JSON.parse(exchange.body) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new Error(`Expected JSON response body, but received: ${exchange.body}`);
    }
    if (this.honorSubgraphCacheControlHeader) restrictCachePolicy(options, exchange.cacheControl);
    return body as SubgraphResponse;
  }

  /** A CLIENT span per attempt: a retried fetch shows as two spans, the second with its resend count. */
  private startFetchSpan(parent: TracedSpan, attempt: number): TracedSpan {
    return this.tracing.startSpan(`graphql.fetch ${this.endpoint.name}`, {
      kind: 'client',
      parent,
      attributes: {
        'pdn.subgraph': this.endpoint.name,
        'http.request.method': 'POST',
        'url.full': this.endpoint.url,
        ...(attempt > 0 ? { 'http.request.resend_count': attempt } : {}),
      },
    });
  }

  private unavailable(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    document: DocumentNode | undefined,
    error: SubgraphUnavailableError,
  ): SubgraphResponse {
    // Schema loading and health checks are not client operations: no field paths to report.
    const paths = document && 'incomingRequestContext' in options ? missingFieldPaths(document, options.request.variables) : [];
    // A mutation that timed out may still complete in the subgraph, one whose connection broke may have
    // completed (a crash between commit and answer): say so, lest clients retry blindly.
    const message =
      isMutation(document) && !neverSent(error) ? `${error.message} The change may have been applied.` : error.message;
    return { errors: serviceUnavailableErrors({ service: error.service, message }, paths) };
  }
}

/** Failures to connect at all: the request never left the gateway. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether the subgraph certainly never received the request: its breaker was open, or nobody listened. */
function neverSent(error: SubgraphUnavailableError): boolean {
  return error.reason === 'circuit-open' || (error.reason === 'unreachable' && NOT_CONNECTED.has(detailOf(error.cause) ?? ''));
}

/** `ECONNREFUSED`, `TimeoutError`…: undici hides the useful part one or two `cause`s down. */
function detailOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string') return code;
  }
  return (error as { name?: string } | undefined)?.name;
}

function isMutation(document: DocumentNode | undefined): boolean {
  return !!document?.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation');
}

function documentOf(document: DocumentNode | undefined, query: string | undefined): DocumentNode | undefined {
  if (document) return document;
  try {
    return query ? parse(query) : undefined;
  } catch {
    return undefined;
  }
}
