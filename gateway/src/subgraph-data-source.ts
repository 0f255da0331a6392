import { randomUUID } from 'node:crypto';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { type DocumentNode, GraphQLError, Kind, parse } from 'graphql';
import { ANONYMOUS, type Caller, REQUEST_ID_HEADER, signIdentity } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import { histogram, LATENCY_BUCKETS, secondsSince } from '@pdn/logging/metrics';
import { formatTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { type TracedSpan, type Tracing, TRACING_OFF } from '@pdn/logging/tracing';
import type { SubgraphEndpoint } from './supergraph.js';
import { missingFieldPaths, serviceUnavailableErrors } from './unavailable-errors.js';
import { CircuitBreaker, DEFAULT_SUBGRAPH_RESILIENCE, retryDelayMs, type SubgraphResilienceSettings } from './circuit-breaker.js';

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

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

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

const PROXY_SAYS_DOWN = new Set([502, 503, 504]);
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * Node's fetch with a deadline that covers the whole exchange: a subgraph that sends its headers and
 * then stalls is as unavailable as one that never answers. The body is read here for that reason.
 */
function fetcherWithDeadline({ name, timeoutMs }: SubgraphEndpoint): Fetcher {
  return async (url, init) => {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      const body = await response.arrayBuffer();
      if (PROXY_SAYS_DOWN.has(response.status)) {
        throw new SubgraphUnavailableError(name, 'bad-gateway', `The ${name} service is unavailable.`);
      }
      const { status, statusText, headers } = response;
      return new Response(NO_BODY.has(status) ? null : body, { status, statusText, headers }) as FetcherResponse;
    } catch (error) {
      if (error instanceof SubgraphUnavailableError) throw error;
      // Duck-typed: the DOMException may come from another realm (undici's), where instanceof fails.
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      throw new SubgraphUnavailableError(
        name,
        timedOut ? 'timeout' : 'unreachable',
        timedOut ? `The ${name} service did not answer within ${timeoutMs} ms.` : `The ${name} service is unavailable.`,
        { cause: error },
      );
    }
  };
}

export interface SubgraphDataSourceOptions {
  endpoint: SubgraphEndpoint;
  identitySigningKey: string;
  logger: Logger;
  /** Retries and circuit breaker (circuit-breaker.ts); the defaults when absent. */
  resilience?: SubgraphResilienceSettings;
  /** One CLIENT span per fetch, under the operation's span (@pdn/logging/tracing); off when absent. */
  tracing?: Tracing;
}

/**
 * Every request to a subgraph carries the caller, signed, and the request id; a subgraph that does not
 * answer costs the client only the fields it owns (partial data with SERVICE_UNAVAILABLE errors), never
 * the whole operation.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly endpoint: SubgraphEndpoint;
  private readonly identitySigningKey: string;
  private readonly logger: Logger;
  private readonly retries: number;
  private readonly breaker: CircuitBreaker;
  private readonly tracing: Tracing;
  /** The span of the fetch being sent for a request (its attempts are sequential), for willSendRequest's header. */
  private readonly fetchSpans = new WeakMap<object, TracedSpan>();

  constructor({ endpoint, identitySigningKey, logger, resilience = DEFAULT_SUBGRAPH_RESILIENCE, tracing = TRACING_OFF }: SubgraphDataSourceOptions) {
    super({ url: endpoint.url });
    this.endpoint = endpoint;
    this.identitySigningKey = identitySigningKey;
    this.logger = logger;
    this.retries = resilience.retries;
    this.breaker = new CircuitBreaker({
      name: endpoint.name,
      failureThreshold: resilience.breakerFailures,
      openMs: resilience.breakerOpenMs,
      logger,
    });
    this.fetcher = fetcherWithDeadline(endpoint);
    this.tracing = tracing;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Schema loading and health checks run outside any client request: they go out as anonymous.
    const caller = (context as Partial<GatewayContext>).caller ?? ANONYMOUS;
    const requestId = (context as Partial<GatewayContext>).requestId ?? randomUUID();
    const headers = request.http!.headers;
    for (const [name, value] of Object.entries(signIdentity(caller, this.identitySigningKey))) {
      headers.set(name, value);
    }
    headers.set(REQUEST_ID_HEADER, requestId);
    // The subgraph's span becomes a child of this fetch's span.
    const span = this.fetchSpans.get(request);
    if (span) headers.set(TRACEPARENT_HEADER, formatTraceparent(span.trace));
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    // Apollo's default copies the subgraph's body into the client error and turns a 401 into the
    // client's UNAUTHENTICATED, although the client's credentials are not what the subgraph refused.
    return new SubgraphHttpError(this.endpoint.name, response.status);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const startedAt = process.hrtime.bigint();
    const observe = (outcome: string) => subgraphFetchDuration.observe({ subgraph: this.endpoint.name, outcome }, secondsSince(startedAt));
    const requestId = (options.context as Partial<GatewayContext>).requestId;
    const document = documentOf('document' in options ? options.document : undefined, options.request.query);
    // Only queries are retried: a mutation whose connection broke may have been applied.
    const retries = isQuery(document) ? this.retries : 0;
    // Schema loading and health checks belong to no operation: they are not traced.
    const operationSpan = (options.context as Partial<GatewayContext>).operationSpan;
    for (let attempt = 0; ; attempt++) {
      if (!this.breaker.tryAcquire()) {
        observe('circuit-open');
        const name = this.endpoint.name;
        return this.unavailable(options, document, new SubgraphUnavailableError(name, 'circuit-open', `The ${name} service is unavailable.`));
      }
      const span = operationSpan && this.startFetchSpan(operationSpan, attempt);
      if (span) this.fetchSpans.set(options.request, span);
      try {
        const response = await super.process(options);
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

function isQuery(document: DocumentNode | undefined): boolean {
  const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operation?.kind === Kind.OPERATION_DEFINITION && operation.operation === 'query';
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
