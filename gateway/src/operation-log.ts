import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { REQUEST_ID_HEADER } from '@pdn/identity';
import { type Logger, requestIdFrom } from '@pdn/logging';
import { counter, histogram, LATENCY_BUCKETS, secondsSince } from '@pdn/logging/metrics';
import { childOf, formatTraceparent, newTrace, parseTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { type Attributes, type TracedSpan, type Tracing, TRACING_OFF } from '@pdn/logging/tracing';
import { currentRequest, type RequestRecord } from './request-context.js';
import type { GatewayContext } from './subgraph-data-source.js';

export function recordOf(res: Response): RequestRecord {
  return res.locals.pdnRequest as RequestRecord;
}

/**
 * Gives every request an id, the client's own when it is a short printable token (so a caller can follow
 * one request across systems, but not forge log lines), and returns it in `x-request-id`. Joins the
 * client's W3C trace when its `traceparent` is valid (else starts one) and returns the gateway's span in
 * `traceparent`.
 */
export function identifyRequests(): RequestHandler {
  return (req, res, next) => {
    const incomingTrace = parseTraceparent(req.headers[TRACEPARENT_HEADER]);
    const record: RequestRecord = {
      requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]),
      trace: incomingTrace ? childOf(incomingTrace) : newTrace(),
      ...(incomingTrace ? { incomingTrace } : {}),
      startedAt: process.hrtime.bigint(),
    };
    res.locals.pdnRequest = record;
    res.set(REQUEST_ID_HEADER, record.requestId);
    res.set(TRACEPARENT_HEADER, formatTraceparent(record.trace));
    next();
  };
}

/**
 * The request's SERVER span, continuing the client's trace: from here on the request's `trace` (logged,
 * returned in `traceparent`, parent of its subgraph calls) is this span's position, exported or not.
 */
export function startRequestSpan(res: Response, tracing: Tracing, name: string, attributes: Attributes): TracedSpan {
  const record = recordOf(res);
  const span = tracing.startSpan(name, { kind: 'server', parent: record.incomingTrace, attributes: { 'pdn.request_id': record.requestId, ...attributes } });
  record.span = span;
  record.trace = span.trace;
  if (!res.headersSent) res.set(TRACEPARENT_HEADER, formatTraceparent(span.trace));
  return span;
}

function operationNameSent(req: Request): string | undefined {
  const name = (req.body as { operationName?: unknown } | undefined)?.operationName ?? req.query.operationName;
  return typeof name === 'string' ? name.slice(0, 100) : undefined;
}

function outcomeOf(record: RequestRecord, status: number, finished: boolean): string {
  if (!finished) return 'aborted';
  if (!record.errorCodes) return status < 400 ? 'ok' : 'error';
  if (record.errorCodes.length === 0) return 'ok';
  return record.hasData ? 'partial' : 'error';
}

const OPERATION_LABELS = ['operation', 'type', 'outcome'] as const;
const operationDuration = histogram({
  name: 'pdn_gateway_operation_duration_seconds',
  help: 'Duration of GraphQL requests over HTTP, by operation name, type and outcome',
  labelNames: OPERATION_LABELS,
  buckets: LATENCY_BUCKETS,
});
const operationsTotal = counter({
  name: 'pdn_gateway_operations_total',
  help: 'GraphQL requests over HTTP, by operation name, type and outcome',
  labelNames: OPERATION_LABELS,
});

/**
 * A metric label: the operation's name when it is a short plain GraphQL name, else `anonymous`.
 * Clients choose names, so past the first MAX_LABELLED_OPERATIONS distinct ones the rest share `other`.
 */
const LABELLED_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_LABELLED_OPERATIONS = 500;
const labelledOperations = new Set<string>();
export function operationLabel(name: string | undefined): string {
  if (!name || !LABELLED_NAME.test(name)) return 'anonymous';
  if (labelledOperations.has(name)) return name;
  if (labelledOperations.size >= MAX_LABELLED_OPERATIONS) return 'other';
  labelledOperations.add(name);
  return name;
}

/**
 * One log line per GraphQL request, written when the response is done, so requests refused before
 * GraphQL runs (CSRF, bad token, body too large) are logged too. Never the query text, variables or
 * headers: they may hold personal data and credentials.
 */
export function logOperations(logger: Logger, tracing: Tracing = TRACING_OFF): RequestHandler {
  return (req, res, next) => {
    // A CORS preflight is no operation: neither logged nor traced.
    const span = req.method === 'OPTIONS' ? undefined : startRequestSpan(res, tracing, 'graphql.operation', { 'http.request.method': req.method, 'http.route': '/graphql' });
    res.once('close', () => {
      if (!span || String(res.getHeader('content-type') ?? '').startsWith('text/html')) {
        span?.end();
        return;
      }
      const record = recordOf(res);
      const caller = record.caller;
      const operationName = record.operationName ?? operationNameSent(req);
      const outcome = outcomeOf(record, res.statusCode, res.writableFinished);
      const seconds = secondsSince(record.startedAt);
      const labels = { operation: operationLabel(operationName), type: record.operationType ?? 'unknown', outcome };
      operationDuration.observe(labels, seconds);
      operationsTotal.inc(labels);
      const errorCodes = record.errorCodes?.length ? [...new Set(record.errorCodes)] : undefined;
      endOperationSpan(span, labels, operationName, res.statusCode, errorCodes);
      logger.info(
        {
          requestId: record.requestId,
          traceId: record.trace.traceId,
          spanId: record.trace.spanId,
          operationName,
          operationType: record.operationType,
          httpStatus: res.statusCode,
          durationMs: Math.round(seconds * 1e5) / 100,
          outcome,
          errorCodes,
          caller: caller?.kind,
          memberId: caller?.kind === 'member' ? caller.memberId : undefined,
          apiKeyId: caller?.kind === 'partner' ? caller.apiKeyId : undefined,
        },
        'graphql operation',
      );
    });
    next();
  };
}

/**
 * Named like the operation's metric label (a bounded set), else by its type: `graphql.operation MemberWithEvents`,
 * `graphql.operation mutation`. Failed operations (`error`) are marked so; partial ones carry their codes.
 */
function endOperationSpan(
  span: TracedSpan,
  labels: { operation: string; type: string; outcome: string },
  operationName: string | undefined,
  httpStatus: number,
  errorCodes: string[] | undefined,
): void {
  span.updateName(`graphql.operation ${labels.operation === 'anonymous' ? labels.type : labels.operation}`);
  span.setAttributes({
    ...(operationName ? { 'graphql.operation.name': operationName } : {}),
    'graphql.operation.type': labels.type,
    'pdn.outcome': labels.outcome,
    'http.response.status_code': httpStatus,
    ...(errorCodes ? { 'pdn.error_codes': errorCodes } : {}),
  });
  span.end(labels.outcome === 'error' ? { error: errorCodes?.join(', ') ?? `HTTP ${httpStatus}` } : {});
}

/** Fills the request's record with what only GraphQL knows: the operation and the errors sent back. */
export function operationLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          const record = currentRequest();
          if (!record) return;
          record.operationName = operationName ?? undefined;
          record.operationType = operation?.operation;
        },
        async willSendResponse({ response, contextValue }) {
          const record = currentRequest();
          if (!record) return;
          record.caller = contextValue.caller;
          if (response.body.kind === 'single') {
            const { data, errors } = response.body.singleResult;
            record.errorCodes = (errors ?? []).map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
            record.hasData = data !== null && data !== undefined;
          }
        },
      };
    },
  };
}
